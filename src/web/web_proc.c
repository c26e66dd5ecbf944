/* web_proc.c - the web server in a process of its own (privilege separation). */
#include "web_proc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/privsep.h"
#include "core/socket_sink.h"
#include "core/xalloc.h"

/* The parent's counters the child's /metrics shows; the child never
 * registers a name and label set the parent counts (disjoint by design). */
static const char *const parent_metrics[] = {"iotmon_", NULL};

struct web_proc {
	pid_t child;
	uint16_t port;
	int fd; /* the parent's end until the pump takes it */
	struct sink *pump; /* the parent's counters to the child */
};

struct drop_arg {
	const char *user;
	pid_t parent;
};

static int drop(void *arg, struct err *err)
{
	const struct drop_arg *d = arg;

	if (privsep_drop(d->user, err))
		return -1;
	/* After the drop, which clears it: the child dies with the parent. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != d->parent)
		return err_set(err, "the parent exited during start-up");
	/* Every file is open (the store's -wal and -shm too) and no thread
	 * runs yet. */
	return privsep_confine_web(err);
}

/* Tells the parent "ok" or why the child could not start. */
static void report(int fd, const char *msg)
{
	send(fd, msg, strlen(msg), MSG_NOSIGNAL);
}

static int child_main(struct web_options *o, int listen_fd, int fd, const char *user, pid_t parent)
{
	struct drop_arg d = {user, parent};
	struct socket_relay *relay;
	struct web_server *w;
	struct sink *none;
	sigset_t stop;
	struct err err;
	char msg[sizeof(err.msg) + 8];
	int keep[2] = {listen_fd, fd}, sig;
	ssize_t n;

	privsep_close_all_but(keep, 2);
	/* Forked before the parent opened the store (SQLite's locks are per
	 * process: a connection inherited and closed would confuse ours);
	 * wait until it is created and migrated. A parent gone is no error. */
	while ((n = recv(fd, msg, sizeof(msg), 0)) < 0 && errno == EINTR)
		;
	if (n != 2 || memcmp(msg, "go", 2) != 0)
		return 0;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	o->listen_fd = listen_fd;
	o->before_threads = drop;
	o->before_threads_arg = &d;
	w = web_start(o, &err);
	if (!w) {
		snprintf(msg, sizeof(msg), "E%s", err.msg);
		report(fd, msg);
		return 1;
	}
	none = null_sink_new();
	relay = socket_relay_start(fd, none, parent_metrics, NULL, &err);
	if (!relay) {
		snprintf(msg, sizeof(msg), "E%s", err.msg);
		report(fd, msg);
		web_stop(w);
		return 1;
	}
	log_info("web child %d: NoNewPrivs, seccomp, read-only store, http://%s:%u/", (int)getpid(), o->host, web_port(w));
	report(fd, "ok");
	sigwait(&stop, &sig);
	web_stop(w);
	/* The relay ends when the parent closes its end or exits. */
	shutdown(fd, SHUT_RDWR);
	socket_relay_join(relay);
	sink_close(none, NULL);
	return 0;
}

struct web_proc *web_proc_start(const struct web_options *o, const char *user, struct err *err)
{
	struct web_options co = *o;
	struct web_proc *p;
	int listen_fd, fds[2];
	pid_t parent = getpid();

	listen_fd = web_listen(o, err);
	if (listen_fd < 0)
		return NULL;
	if (privsep_socketpair(fds, err)) {
		close(listen_fd);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->child = fork();
	if (p->child < 0) {
		err_set(err, "fork: %s", strerror(errno));
		close(listen_fd);
		close(fds[0]);
		close(fds[1]);
		free(p);
		return NULL;
	}
	/* fds[1] sends (its buffer enlarged), fds[0] receives. */
	if (p->child == 0)
		_exit(child_main(&co, listen_fd, fds[0], user, parent));
	close(fds[0]);
	p->port = web_bound_port(listen_fd);
	/* The parent keeps no listener: it never reads an HTTP byte. */
	close(listen_fd);
	p->fd = fds[1];
	return p;
}

int web_proc_serve(struct web_proc *p, struct err *err)
{
	char answer[sizeof(err->msg) + 8];
	ssize_t n;

	report(p->fd, "go");
	while ((n = recv(p->fd, answer, sizeof(answer) - 1, 0)) < 0 && errno == EINTR)
		;
	answer[n > 0 ? n : 0] = '\0';
	if (strcmp(answer, "ok") != 0)
		return err_set(err, "%s", n > 1 && answer[0] == 'E' ? answer + 1 : "the web child exited during start-up");
	p->pump = socket_sink_new(p->fd);
	p->fd = -1;
	return socket_sink_pump_metrics(p->pump, parent_metrics, 500, err);
}

pid_t web_proc_pid(const struct web_proc *p)
{
	return p->child;
}

uint16_t web_proc_port(const struct web_proc *p)
{
	return p->port;
}

void web_proc_stop(struct web_proc *p)
{
	struct timespec tick = {0, 50 * 1000000L};
	int status, waited = 0;
	pid_t r;

	kill(p->child, SIGTERM);
	while ((r = waitpid(p->child, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
		if (++waited == 80) {
			log_warn("web child %d did not stop within 4 s; killed", (int)p->child);
			kill(p->child, SIGKILL);
		}
		nanosleep(&tick, NULL);
	}
	if (p->pump)
		sink_close(p->pump, NULL);
	else if (p->fd >= 0)
		close(p->fd);
	free(p);
}
