/* separate.c - the honeypot in a process of its own (privilege separation). */
#include "separate.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/log.h"
#include "core/privsep.h"
#include "core/socket_sink.h"
#include "core/xalloc.h"
#include "cowrie_log.h"
#include "cowrie_rotate.h"

/* The child's metrics that /metrics (served by the parent) shows. */
static const char *const child_metrics[] = {"iotmon_sessions_open", "iotmon_honeypot_", NULL};

struct honeypot_proc {
	pid_t child;
	int fd; /* the parent's end until the relay takes it */
	struct socket_relay *relay;
	int ctl; /* the parent's end, also for passing descriptors to the child */
	struct cowrie_rotator *rotator;
	char describe[1024];
};

/* In the child: the new day's Cowrie log from the parent's rotator. */
static void take_fd(enum fdpass_what what, int fd, void *arg)
{
	if (what == FDPASS_COWRIE_LOG)
		honeypot_switch_cowrie(arg, fd);
	else
		close(fd);
}

/* In the parent, from the rotator's thread. */
static int give_cowrie_log(int fd, void *arg, struct err *err)
{
	const struct honeypot_proc *p = arg;

	return fdpass_send(p->ctl, FDPASS_COWRIE_LOG, fd, err);
}

static int child_main(struct honeypot *hp, struct sink *sink, int fd, const char *user, pid_t parent)
{
	struct fdpass_receiver *fds = NULL;
	sigset_t stop;
	struct err err;
	int sig;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (privsep_drop(user, &err)) {
		log_error("honeypot: %s", err.msg);
		honeypot_stop(hp);
		return 1;
	}
	/* After the drop (which clears it): the store writer gone (kill -9),
	 * the child must not keep taking connections it cannot record. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) {
		honeypot_stop(hp);
		return 1;
	}
	if (honeypot_start(hp, &err) || socket_sink_pump_metrics(sink, child_metrics, 500, &err) ||
	    !(fds = fdpass_receiver_start(fd, take_fd, hp, &err)) || privsep_confine(&err)) {
		log_error("honeypot: %s", err.msg);
		fdpass_receiver_stop(fds);
		honeypot_stop(hp);
		return 1;
	}
	log_info("honeypot child %d: NoNewPrivs, seccomp, %s", (int)getpid(), honeypot_describe(hp));
	sigwait(&stop, &sig);
	if (fdpass_receiver_stop(fds))
		log_warn("honeypot: malformed descriptor messages from the parent refused");
	honeypot_stop(hp);
	sink_close(sink, NULL);
	return 0;
}

struct honeypot_proc *honeypot_proc_start(const struct honeypot_config *hc, const char *user, struct err *err)
{
	struct honeypot_proc *p;
	struct honeypot *hp;
	struct sink *child_sink;
	int fds[2], keep[64];
	size_t nkeep;
	pid_t parent;

	cowrie_rotate_at_start(hc->cowrie_log, hc->cowrie_retention_days);
	if (cowrie_log_prepare(hc->cowrie_log, user, err) || privsep_socketpair(fds, err))
		return NULL;
	child_sink = socket_sink_new(fds[1]);
	hp = honeypot_new(hc, child_sink, err);
	if (!hp) {
		sink_close(child_sink, NULL);
		close(fds[0]);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	parent = getpid();
	snprintf(p->describe, sizeof(p->describe), "%s", honeypot_describe(hp));
	p->child = fork();
	if (p->child < 0) {
		err_set(err, "fork: %s", strerror(errno));
		honeypot_stop(hp);
		sink_close(child_sink, NULL);
		close(fds[0]);
		free(p);
		return NULL;
	}
	if (p->child == 0) {
		nkeep = honeypot_fds(hp, keep, sizeof(keep) / sizeof(keep[0]) - 1);
		keep[nkeep++] = fds[1];
		privsep_close_all_but(keep, nkeep);
		_exit(child_main(hp, child_sink, fds[1], user, parent));
	}
	/* The parent keeps no listener and no attacker byte. */
	honeypot_stop(hp);
	sink_close(child_sink, NULL);
	p->fd = p->ctl = fds[0];
	if (hc->cowrie_log && hc->cowrie_log[0]) {
		p->rotator = cowrie_rotator_start(hc->cowrie_log, user, hc->cowrie_retention_days, give_cowrie_log,
						  p, err);
		if (!p->rotator) {
			honeypot_proc_stop(p, NULL);
			return NULL;
		}
	}
	return p;
}

int honeypot_proc_relay(struct honeypot_proc *p, struct sink *target, void (*on_eof)(void), struct err *err)
{
	p->relay = socket_relay_start(p->fd, target, child_metrics, on_eof, err);
	p->fd = -1;
	return p->relay ? 0 : -1;
}

pid_t honeypot_proc_pid(const struct honeypot_proc *p)
{
	return p->child;
}

const char *honeypot_proc_describe(const struct honeypot_proc *p)
{
	return p->describe;
}

int honeypot_proc_stop(struct honeypot_proc *p, struct err *err)
{
	int status = 0, rc = 0;

	/* Before the relay closes the socket the rotator sends on. */
	cowrie_rotator_stop(p->rotator);
	kill(p->child, SIGTERM);
	while (waitpid(p->child, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		rc = err_set(err, "honeypot child killed by signal %d", WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = err_set(err, "honeypot child failed (exit status %d)", WEXITSTATUS(status));
	if (p->relay) {
		unsigned long refused = socket_relay_join(p->relay);

		if (refused)
			log_warn("%lu malformed event messages from the honeypot child refused", refused);
	} else if (p->fd >= 0) {
		close(p->fd);
	}
	free(p);
	return rc;
}
