/* sensor_child.c - an attacker-facing sensor in a process of its own. */
#include "sensor_child.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/privsep.h"
#include "core/socket_sink.h"
#include "core/xalloc.h"

#define KEEP_MAX 64
#define STOP_WAIT_MS 10000

struct sensor_child {
	struct sensor_child_spec spec;
	pid_t child;
	int fd; /* the parent's end until the relay takes it */
	int child_end; /* the child's socket, behind child_sink */
	int ctl; /* the parent's end, for passing descriptors (the relay owns it) */
	void (*on_stop)(void *arg);
	void *on_stop_arg;
	struct sink *child_sink; /* the child's end, until the fork */
	struct socket_relay *relay;
	bool start_failed; /* said by sensor_child_wait_started */
};

static pthread_t child_main_thread;

static void take_fd(enum fdpass_what what, int fd, void *arg)
{
	const struct sensor_child_spec *s = arg;

	s->take_fd(s->arg, what, fd);
}

/* The child, from the fork to its exit status. */
static int child_main(struct sensor_child *c, pid_t parent)
{
	const struct sensor_child_spec *s = &c->spec;
	struct sink *sink = c->child_sink;
	struct fdpass_receiver *fds = NULL;
	sigset_t stop;
	struct err err;
	int sig, status;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	child_main_thread = pthread_self();
	if ((s->setup && s->setup(s->arg, &err)) || privsep_drop(s->user, &err))
		goto failed;
	/* After the drop (which clears it): the store writer gone (kill -9),
	 * the child must not keep taking input it cannot record. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 1;
	if (s->blocking_sink)
		socket_sink_set_blocking(sink);
	if ((s->start && s->start(s->arg, &err)) ||
	    (s->metrics && socket_sink_pump_metrics(sink, s->metrics, 500, &err)) ||
	    (s->take_fd && !(fds = fdpass_receiver_start(c->child_end, take_fd, &c->spec, &err))) ||
	    privsep_confine_with(s->syscalls, s->nsyscalls, &err))
		goto failed;
	log_info("%s child %d: NoNewPrivs, seccomp", s->name, (int)getpid());
	socket_sink_started(sink, NULL);
	sigwait(&stop, &sig);
	if (fdpass_receiver_stop(fds))
		log_warn("%s: malformed descriptor messages from the parent refused", s->name);
	status = s->stop ? s->stop(s->arg) : 0;
	sink_close(sink, NULL);
	return status;
failed:
	fdpass_receiver_stop(fds);
	/* One line, by the parent; here only when it cannot hear us. */
	if (socket_sink_started(sink, err.msg))
		log_error("%s: %s", s->name, err.msg);
	return 1;
}

struct sensor_child *sensor_child_new(const struct sensor_child_spec *spec, struct err *err)
{
	struct sensor_child *c;
	int fds[2];

	if (privsep_socketpair(fds, err))
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->spec = *spec;
	c->child = -1;
	c->fd = c->ctl = fds[0];
	c->child_end = fds[1];
	c->child_sink = socket_sink_new(fds[1]);
	return c;
}

struct sink *sensor_child_sink(struct sensor_child *c)
{
	return c->child_sink;
}

int sensor_child_fork(struct sensor_child *c, struct err *err)
{
	pid_t parent = getpid();
	int keep[KEEP_MAX];
	size_t nkeep = 0;

	c->child = fork();
	if (c->child < 0)
		return err_set(err, "%s: fork: %s", c->spec.name, strerror(errno));
	if (c->child == 0) {
		if (c->spec.fds)
			nkeep = c->spec.fds(c->spec.arg, keep, KEEP_MAX - 1);
		keep[nkeep++] = c->child_end;
		privsep_close_all_but(keep, nkeep);
		_exit(child_main(c, parent));
	}
	/* The parent keeps no attacker-facing descriptor. */
	sink_close(c->child_sink, NULL);
	c->child_sink = NULL;
	return 0;
}

int sensor_child_relay(struct sensor_child *c, struct sink *target, void (*on_eof)(void), struct err *err)
{
	c->relay = socket_relay_start(c->fd, target, c->spec.metrics, on_eof, err);
	c->fd = -1;
	return c->relay ? 0 : -1;
}

int sensor_child_wait_started(struct sensor_child *c, struct err *err)
{
	if (!c->relay)
		return err_set(err, "no relay from the %s child", c->spec.name);
	if (socket_relay_wait_started(c->relay, SENSOR_CHILD_START_MS, err) == 0)
		return 0;
	c->start_failed = true;
	return -1;
}

pid_t sensor_child_pid(const struct sensor_child *c)
{
	return c->child;
}

int sensor_child_pass_fd(struct sensor_child *c, enum fdpass_what what, int fd, struct err *err)
{
	return fdpass_send(c->ctl, what, fd, err);
}

void sensor_child_on_stop(struct sensor_child *c, void (*fn)(void *arg), void *arg)
{
	c->on_stop = fn;
	c->on_stop_arg = arg;
}

int sensor_child_stop(struct sensor_child *c, struct err *err)
{
	struct timespec tick = {0, 50 * 1000000L};
	int status = 0, rc = 0, waited = 0;
	pid_t r;

	if (c->on_stop)
		c->on_stop(c->on_stop_arg);
	if (c->child > 0) {
		kill(c->child, SIGTERM);
		while ((r = waitpid(c->child, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
			if (++waited == STOP_WAIT_MS / 50) {
				log_warn("%s child %d did not stop within %d s; killed", c->spec.name, (int)c->child,
					 STOP_WAIT_MS / 1000);
				kill(c->child, SIGKILL);
			}
			nanosleep(&tick, NULL);
		}
		if (c->start_failed)
			rc = 0;
		else if (WIFSIGNALED(status))
			rc = err_set(err, "%s child killed by signal %d", c->spec.name, WTERMSIG(status));
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = err_set(err, "%s child failed (exit status %d)", c->spec.name, WEXITSTATUS(status));
	}
	if (c->relay) {
		unsigned long refused = socket_relay_join(c->relay);

		if (refused)
			log_warn("%lu malformed messages from the %s child refused", refused, c->spec.name);
	} else if (c->fd >= 0) {
		close(c->fd);
	}
	if (c->child_sink)
		sink_close(c->child_sink, NULL);
	free(c);
	return rc;
}

void sensor_child_finish(void)
{
	pthread_kill(child_main_thread, SIGTERM);
}
