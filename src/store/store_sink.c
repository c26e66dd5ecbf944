#include "store_sink.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

struct store_sink {
	struct sink base;
	struct store *store;
	struct store_sink_options opt;

	pthread_mutex_t lock;
	pthread_cond_t wake_writer, space, committed_cv;
	struct event *queue; /* waiting events, owned copies: a ring from head */
	int64_t *arrived_mono_us; /* when each arrived, the same ring */
	size_t head, count, cap;
	size_t queued_bytes; /* what the waiting events hold, roughly */
	int64_t commit_us; /* how long a commit takes, recently at most */
	int64_t retention_day; /* UTC day retention last ran (writer thread only) */
	bool stopping, flush_wanted;
	int64_t give_up_mono; /* set by flush/close: a failing store is given up then */
	uint64_t emitted, committed, inserted, failed_batches, lost, dropped;
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

/* Microseconds until the oldest waiting event's batch must start: early
 * by what a commit takes, so the event is committed interval_ms after it
 * arrived, not a commit later (the bound on what kill -9 loses). */
static int64_t batch_start_in(const struct store_sink *s)
{
	return s->arrived_mono_us[s->head] + (int64_t)s->opt.interval_ms * 1000 - s->commit_us - time_mono_us();
}

static bool batch_due(const struct store_sink *s)
{
	if (s->count == 0)
		return false;
	return s->count >= s->opt.batch_max || s->stopping || s->flush_wanted || batch_start_in(s) <= 0;
}

static size_t text_bytes(const char *t)
{
	return t ? strlen(t) + 1 : 0;
}

/* What a queued copy of ev holds (queue_max_bytes). */
static size_t event_bytes(const struct event *ev)
{
	return sizeof(*ev) + text_bytes(ev->username) + text_bytes(ev->password) + text_bytes(ev->input) +
	       text_bytes(ev->url) + text_bytes(ev->cve) + text_bytes(ev->extra);
}

static struct metric *dropped_counter(void)
{
	static struct metric *m;

	return metric_cached(&m, "iotmon_events_dropped_total", NULL, METRIC_COUNTER,
			       "events not stored: the queue was full or the store kept failing at shutdown");
}

/* The store's folder has less free space than configured: a commit would
 * fail or fill the disk to the last byte (and the logs with it). */
static bool disk_low(const struct store_sink *s, struct err *err)
{
	struct statvfs vfs;
	uint64_t avail;

	if (!s->opt.watch_dir || !s->opt.min_free_bytes || statvfs(s->opt.watch_dir, &vfs) != 0)
		return false;
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (avail >= s->opt.min_free_bytes)
		return false;
	err_set(err, "%s has %llu KiB free, less than [store] min_free_mb", s->opt.watch_dir,
		(unsigned long long)(avail >> 10));
	return true;
}

/* Commits batch[0..n), retrying a failure with half as many events at a
 * time; returns how many were given up (only once flush or close asked and
 * give_up_ms passed). */
static size_t commit_batch(struct store_sink *s, struct event *batch, size_t n, size_t *inserted)
{
	static struct log_limit failing = LOG_LIMIT_INIT;
	size_t done = 0, chunk = n;

	*inserted = 0;
	while (done < n) {
		size_t k = chunk < n - done ? chunk : n - done, added = 0;
		struct err err;
		bool give_up;

		if (!disk_low(s, &err) &&
		    store_insert_events(s->store, batch + done, k, s->opt.enricher, &added, &err) == 0) {
			done += k;
			*inserted += added;
			continue;
		}
		pthread_mutex_lock(&s->lock);
		s->failed_batches++;
		give_up = s->give_up_mono && time_mono_us() >= s->give_up_mono;
		pthread_mutex_unlock(&s->lock);
		if (give_up) {
			log_error("store: %zu events not committed: %s (giving up at shutdown)", n - done, err.msg);
			return n - done;
		}
		log_limited(&failing, LOG_ERROR, "store: %zu events not committed yet: %s; retrying %zu at a time",
			    n - done, err.msg, chunk > 1 ? (chunk + 1) / 2 : 1);
		if (chunk > 1) { /* smaller at once: what fits goes in now */
			chunk = (chunk + 1) / 2;
			continue;
		}
		struct timespec pause = {0, 200 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	return 0;
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
				int64_t left = batch_start_in(s);
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
		/* A ring: taking a batch costs the batch, not the backlog. */
		for (size_t i = 0; i < n; i++) {
			batch[i] = s->queue[s->head];
			s->queued_bytes -= event_bytes(&batch[i]);
			s->head = (s->head + 1) % s->cap;
		}
		s->count -= n;
		pthread_cond_broadcast(&s->space);
		pthread_mutex_unlock(&s->lock);

		size_t inserted = 0;
		int64_t started = time_mono_us();
		size_t lost = commit_batch(s, batch, n, &inserted);
		int64_t took = time_mono_us() - started;
		apply_retention_daily(s);
		for (size_t i = 0; i < n; i++)
			event_free(&batch[i]);

		metric_add(dropped_counter(), (int64_t)lost);
		pthread_mutex_lock(&s->lock);
		/* A slow commit counts at once, a fast one wears off slowly. */
		s->commit_us = took > s->commit_us ? took : s->commit_us - s->commit_us / 8;
		s->committed += n - lost;
		s->inserted += inserted;
		s->lost += lost; /* flush() must not wait for them */
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
	size_t bytes = event_bytes(ev);

	while ((s->count >= s->opt.queue_max ||
		(s->opt.queue_max_bytes && s->count && s->queued_bytes + bytes > s->opt.queue_max_bytes)) &&
	       !s->stopping) {
		if (s->opt.never_block) {
			static struct log_limit full = LOG_LIMIT_INIT;
			/* Read under the lock: the writer changes both. */
			size_t waiting = s->count, waiting_kib = s->queued_bytes >> 10;

			s->emitted++;
			s->dropped++;
			pthread_mutex_unlock(&s->lock);
			metric_add(dropped_counter(), 1);
			log_limited(&full, LOG_WARN,
				    "store: %zu events (%zu KiB) wait for the store (queue_max, queue_max_mb); "
				    "new events dropped",
				    waiting, waiting_kib);
			return -1;
		}
		pthread_cond_wait(&s->space, &s->lock);
	}
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct event *q = xmalloc(cap * sizeof(*q));
		int64_t *a = xmalloc(cap * sizeof(*a));

		for (size_t i = 0; i < s->count; i++) {
			q[i] = s->queue[(s->head + i) % s->cap];
			a[i] = s->arrived_mono_us[(s->head + i) % s->cap];
		}
		free(s->queue);
		free(s->arrived_mono_us);
		s->queue = q;
		s->arrived_mono_us = a;
		s->cap = cap;
		s->head = 0;
	}
	s->arrived_mono_us[(s->head + s->count) % s->cap] = time_mono_us();
	event_copy(&s->queue[(s->head + s->count++) % s->cap], ev);
	s->queued_bytes += bytes;
	s->emitted++;
	/* The first event after a quiet spell: the writer sleeps up to a
	 * second with nothing to wait for and must set its deadline now. */
	if (s->count >= s->opt.batch_max || s->count == 1)
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
	if (!s->give_up_mono)
		s->give_up_mono = time_mono_us() + (int64_t)s->opt.give_up_ms * 1000;
	pthread_cond_signal(&s->wake_writer);
	while (s->committed + s->lost + s->dropped < target)
		pthread_cond_wait(&s->committed_cv, &s->lock);
	if (!s->stopping)
		s->give_up_mono = 0;
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
	out->dropped = s->dropped + s->lost;
	pthread_mutex_unlock(&s->lock);
}

static int store_sink_close(struct sink *base, struct err *err)
{
	struct store_sink *s = (struct store_sink *)base;

	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	if (!s->give_up_mono)
		s->give_up_mono = time_mono_us() + (int64_t)s->opt.give_up_ms * 1000;
	pthread_cond_broadcast(&s->wake_writer);
	pthread_cond_broadcast(&s->space);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->writer, NULL);
	/* Events still queued here were emitted after close began: a caller bug,
	 * but counted rather than hidden. */
	s->lost += s->count;
	for (size_t i = 0; i < s->count; i++)
		event_free(&s->queue[(s->head + i) % s->cap]);
	free(s->queue);
	free(s->arrived_mono_us);
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
	if (!s->opt.queue_max)
		s->opt.queue_max = s->opt.batch_max * 4;
	if (s->opt.batch_max > s->opt.queue_max) /* queue_max is a promise about memory */
		s->opt.batch_max = s->opt.queue_max;
	if (s->opt.give_up_ms <= 0)
		s->opt.give_up_ms = 3000;
	s->commit_us = (int64_t)s->opt.interval_ms * 1000 / 2; /* until one is measured */
	dropped_counter(); /* /metrics shows 0 before the first loss */
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
