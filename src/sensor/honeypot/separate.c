/* separate.c - the honeypot in a process of its own (privilege separation). */
#include "separate.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "cowrie_log.h"
#include "cowrie_rotate.h"

/* The child's metrics that /metrics (served by the parent) shows. */
static const char *const child_metrics[] = {"iotmon_sessions_open", "iotmon_honeypot_", NULL};

struct hp_child {
	struct honeypot *hp;
};

static size_t hp_fds(void *arg, int *fds, size_t max)
{
	return honeypot_fds(((struct hp_child *)arg)->hp, fds, max);
}

/* After the drop: the Cowrie log opens as the service user. */
static int hp_start(void *arg, struct err *err)
{
	return honeypot_start(((struct hp_child *)arg)->hp, err);
}

static int hp_stop(void *arg)
{
	honeypot_stop(((struct hp_child *)arg)->hp);
	return 0;
}

/* In the child: the new day's Cowrie log from the parent's rotator. */
static void hp_take_fd(void *arg, enum fdpass_what what, int fd)
{
	if (what == FDPASS_COWRIE_LOG)
		honeypot_switch_cowrie(((struct hp_child *)arg)->hp, fd);
	else
		close(fd);
}

/* In the parent, from the rotator's thread. */
static int give_cowrie_log(int fd, void *arg, struct err *err)
{
	return sensor_child_pass_fd(arg, FDPASS_COWRIE_LOG, fd, err);
}

static void stop_rotator(void *arg)
{
	cowrie_rotator_stop(arg);
}

struct sensor_child *honeypot_child_start(const struct honeypot_config *hc, const char *user, char *describe,
					  size_t size, struct err *err)
{
	struct hp_child *h = xcalloc(1, sizeof(*h));
	struct sensor_child_spec spec = {
		.name = "honeypot",
		.user = user,
		.metrics = child_metrics,
		.fds = hp_fds,
		.start = hp_start,
		.stop = hp_stop,
		.take_fd = hp_take_fd,
		.arg = h,
	};
	struct sensor_child *c = NULL;

	cowrie_rotate_at_start(hc->cowrie_log, hc->cowrie_retention_days);
	if (cowrie_log_prepare(hc->cowrie_log, user, err))
		goto out;
	c = sensor_child_new(&spec, err);
	if (!c)
		goto out;
	h->hp = honeypot_new(hc, sensor_child_sink(c), err);
	if (!h->hp || sensor_child_fork(c, err)) {
		sensor_child_stop(c, NULL);
		c = NULL;
		goto out;
	}
	snprintf(describe, size, "%s", honeypot_describe(h->hp));
	if (hc->cowrie_log && hc->cowrie_log[0]) {
		struct cowrie_rotator *r =
			cowrie_rotator_start(hc->cowrie_log, user, hc->cowrie_retention_days, give_cowrie_log, c, err);

		if (!r) {
			sensor_child_stop(c, NULL);
			c = NULL;
			goto out;
		}
		/* Before the relay closes the socket the rotator sends on. */
		sensor_child_on_stop(c, stop_rotator, r);
	}
out:
	/* The parent keeps no listener and no attacker byte. */
	honeypot_stop(h->hp);
	free(h);
	return c;
}
