/* sensors.c - see sensors.h. The store counts events per (sensor, kind)
 * since a time; the hourly series is the difference of those counts at
 * each of the last 24 hour marks (24 small indexed queries, no event read). */
#include "analysis/sensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"

enum pass { PASS_ALL, PASS_WINDOW, PASS_SINCE };

struct arg {
	struct sensors *s;
	enum pass pass;
	uint64_t *since; /* PASS_SINCE: events per sensor since the mark */
};

static struct sensor_health *find(struct sensors *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

static int count_cb(const struct event_count *c, void *arg)
{
	struct arg *a = arg;
	struct sensor_health *h = find(a->s, c->sensor);

	if (!h) {
		if (a->pass != PASS_ALL || a->s->n == SENSORS_MAX)
			return 0; /* sensors come from the all-time pass */
		h = &a->s->v[a->s->n++];
		snprintf(h->name, sizeof(h->name), "%s", c->sensor);
	}
	switch (a->pass) {
	case PASS_ALL:
		h->total += c->events;
		h->by_kind[c->kind] += c->events;
		if (c->kind == EVENT_SCAN)
			h->counts_packets = true;
		if (c->last_us > h->last_us)
			h->last_us = c->last_us;
		break;
	case PASS_WINDOW:
		h->window_events += c->events;
		h->window_packets += c->packets;
		break;
	case PASS_SINCE:
		a->since[h - a->s->v] += c->events;
		break;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sensor_health *)a)->name, ((const struct sensor_health *)b)->name);
}

int sensors_health(struct store *s, int64_t now_us, int minutes, struct sensors *out, struct err *err)
{
	struct arg a = {.s = out, .pass = PASS_ALL};
	uint64_t *prev, *cur;
	int rc;

	memset(out, 0, sizeof(*out));
	out->v = xcalloc(SENSORS_MAX, sizeof(*out->v));
	out->now_us = now_us;
	if ((rc = store_count_events(s, INT64_MIN, count_cb, &a, err)) != 0)
		return rc;
	qsort(out->v, out->n, sizeof(*out->v), by_name);
	a.pass = PASS_WINDOW;
	if ((rc = store_count_events(s, now_us - (int64_t)minutes * 60 * US_PER_SEC, count_cb, &a, err)) != 0)
		return rc;
	/* Events since each hour mark, newest mark first: hour k (0 = the
	 * oldest) holds since(24 - k hours ago) - since(23 - k hours ago). */
	prev = xcalloc(SENSORS_MAX, sizeof(*prev));
	cur = xcalloc(SENSORS_MAX, sizeof(*cur));
	a.pass = PASS_SINCE;
	for (int h = 1; h <= SENSORS_HOURS && rc == 0; h++) {
		memset(cur, 0, SENSORS_MAX * sizeof(*cur));
		a.since = cur;
		rc = store_count_events(s, now_us - (int64_t)h * 3600 * US_PER_SEC, count_cb, &a, err);
		for (size_t i = 0; i < out->n; i++)
			out->v[i].hourly[SENSORS_HOURS - h] = cur[i] - prev[i];
		memcpy(prev, cur, SENSORS_MAX * sizeof(*cur));
	}
	free(prev);
	free(cur);
	for (size_t i = 0; i < out->n; i++)
		out->v[i].silent_us = out->v[i].last_us ? now_us - out->v[i].last_us : now_us;
	return rc;
}

void sensors_free(struct sensors *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
