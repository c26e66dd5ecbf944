#include "store_sink.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

struct store_sink {
	struct sink base;
	struct store *store;
	struct store_sink_options opt;

	pthread_mutex_t lock;
	pthread_cond_t wake_writer, space, committed_cv;
	struct event *queue; /* waiting events, owned copies */
	size_t count, cap;
	int64_t oldest_mono_us; /* when the first waiting event arrived */
	int64_t retention_day; /* UTC day retention last ran (writer thread only) */
	bool stopping, flush_wanted;
	uint64_t emitted, committed, inserted, failed_batches, lost;
	pthread_t writer;
};

static void deadline_in(struct timespec *ts, int64_t us)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += us / US_PER_SEC;
	ts->tv_nsec += (us % US_PER_SEC) * 1000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static bool batch_due(const struct store_sink *s)
{
	if (s->count == 0)
		return false;
	return s->count >= s->opt.batch_max || s->stopping || s->flush_wanted ||
	       time_mono_us() - s->oldest_mono_us >= (int64_t)s->opt.interval_ms * 1000;
}

/* Commits batch, retrying while it fails; returns false only if the sink is
 * stopping and the store still refuses (the events are then reported lost). */
static bool commit_batch(struct store_sink *s, struct event *batch, size_t n, size_t *inserted)
{
	struct err err;

	for (int attempt = 0;; attempt++) {
		if (store_insert_events(s->store, batch, n, s->opt.enricher, inserted, &err) == 0)
			return true;
		pthread_mutex_lock(&s->lock);
		s->failed_batches++;
		bool give_up = s->stopping && attempt >= 2;
		pthread_mutex_unlock(&s->lock);
		log_error("store: %zu events not committed yet: %s%s", n, err.msg,
			  give_up ? " (giving up at shutdown)" : "; retrying");
		if (give_up)
			return false;
		struct timespec pause = {0, 200 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
}

/* Long-running writers (run, honeypot, collect) apply [store]
 * retention_days when the UTC day changes, from the thread that owns the
 * store. */
static void apply_retention_daily(struct store_sink *s)
{
	int64_t today = time_day_of(time_now_us());
	uint64_t dropped;
	struct err err;

	if (!s->opt.retention_days || today == s->retention_day)
		return;
	s->retention_day = today;
	if (store_apply_retention(s->store, s->opt.retention_days, time_now_us(), &dropped, &err))
		log_error("store retention: %s", err.msg);
	else if (dropped)
		log_info("store retention: events before %d days ago dropped (%llu %s)", s->opt.retention_days,
			 (unsigned long long)dropped, strcmp(s->store->backend->name, "sqlite") ? "day partitions" : "events");
}

static void *writer_main(void *arg)
{
	struct store_sink *s = arg;
	struct event *batch = NULL;
	size_t batch_cap = 0;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!batch_due(s) && !(s->stopping && s->count == 0)) {
			struct timespec ts;

			if (s->count) {
				int64_t left = (int64_t)s->opt.interval_ms * 1000 - (time_mono_us() - s->oldest_mono_us);
				deadline_in(&ts, left > 0 ? left : 0);
			} else {
				deadline_in(&ts, US_PER_SEC);
			}
			pthread_cond_timedwait(&s->wake_writer, &s->lock, &ts);
		}
		if (s->count == 0 && s->stopping)
			break;
		/* Take at most batch_max events; swap buffers so emitters never
		 * wait on the database. */
		size_t n = s->count < s->opt.batch_max ? s->count : s->opt.batch_max;
		if (batch_cap < n) {
			batch_cap = n;
			batch = xrealloc(batch, batch_cap * sizeof(*batch));
		}
		memcpy(batch, s->queue, n * sizeof(*batch));
		memmove(s->queue, s->queue + n, (s->count - n) * sizeof(*batch));
		s->count -= n;
		s->oldest_mono_us = time_mono_us();
		pthread_cond_broadcast(&s->space);
		pthread_mutex_unlock(&s->lock);

		size_t inserted = 0;
		bool ok = commit_batch(s, batch, n, &inserted);
		apply_retention_daily(s);
		for (size_t i = 0; i < n; i++)
			event_free(&batch[i]);

		pthread_mutex_lock(&s->lock);
		if (ok) {
			s->committed += n;
			s->inserted += inserted;
		} else {
			s->lost += n; /* flush() must not wait for them */
		}
		if (s->count == 0)
			s->flush_wanted = false;
		pthread_cond_broadcast(&s->committed_cv);
	}
	pthread_cond_broadcast(&s->committed_cv);
	pthread_mutex_unlock(&s->lock);
	free(batch);
	return NULL;
}

static int store_sink_emit(struct sink *base, const struct event *ev)
{
	struct store_sink *s = (struct store_sink *)base;

	pthread_mutex_lock(&s->lock);
	while (s->count >= s->opt.queue_max && !s->stopping)
		pthread_cond_wait(&s->space, &s->lock);
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->queue = xrealloc(s->queue, s->cap * sizeof(*s->queue));
	}
	if (s->count == 0)
		s->oldest_mono_us = time_mono_us();
	event_copy(&s->queue[s->count++], ev);
	s->emitted++;
	if (s->count >= s->opt.batch_max)
		pthread_cond_signal(&s->wake_writer);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int store_sink_flush(struct sink *base, struct err *err)
{
	struct store_sink *s = (struct store_sink *)base;
	uint64_t target;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	target = s->emitted;
	s->flush_wanted = true;
	pthread_cond_signal(&s->wake_writer);
	while (s->committed + s->lost < target)
		pthread_cond_wait(&s->committed_cv, &s->lock);
	if (s->lost)
		rc = err_set(err, "%llu events could not be stored", (unsigned long long)s->lost);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static void store_sink_stats(struct sink *base, struct sink_stats *out)
{
	struct store_sink *s = (struct store_sink *)base;

	pthread_mutex_lock(&s->lock);
	out->emitted = s->emitted;
	out->committed = s->committed;
	out->inserted = s->inserted;
	out->failed_batches = s->failed_batches;
	pthread_mutex_unlock(&s->lock);
}

static int store_sink_close(struct sink *base, struct err *err)
{
	struct store_sink *s = (struct store_sink *)base;

	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake_writer);
	pthread_cond_broadcast(&s->space);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->writer, NULL);
	/* Events still queued here were emitted after close began: a caller bug,
	 * but counted rather than hidden. */
	s->lost += s->count;
	for (size_t i = 0; i < s->count; i++)
		event_free(&s->queue[i]);
	free(s->queue);
	int rc = 0;
	if (s->lost)
		rc = err_set(err, "%llu events could not be stored", (unsigned long long)s->lost);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake_writer);
	pthread_cond_destroy(&s->space);
	pthread_cond_destroy(&s->committed_cv);
	free(s);
	return rc;
}

static const struct sink_ops store_sink_ops = {"store", store_sink_emit, store_sink_flush, store_sink_stats,
					       store_sink_close};

struct sink *store_sink_new(struct store *store, const struct store_sink_options *opt)
{
	struct store_sink *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;

	s->base.ops = &store_sink_ops;
	s->store = store;
	s->opt = *opt;
	if (!s->opt.batch_max)
		s->opt.batch_max = 5000;
	if (s->opt.interval_ms <= 0)
		s->opt.interval_ms = 1000;
	if (s->opt.queue_max < s->opt.batch_max)
		s->opt.queue_max = s->opt.batch_max * 4;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake_writer, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&s->space, NULL);
	pthread_cond_init(&s->committed_cv, NULL);
	if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
		log_error("store: cannot start the writer thread");
		abort();
	}
	return &s->base;
}
