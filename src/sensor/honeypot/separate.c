/* separate.c - the honeypot in a process of its own (privilege separation). */
#include "separate.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"
#include "cowrie_log.h"

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
		.arg = h,
	};
	struct sensor_child *c = NULL;

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
out:
	/* The parent keeps no listener and no attacker byte. */
	honeypot_stop(h->hp);
	free(h);
	return c;
}
