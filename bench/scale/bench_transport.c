/* bench_transport.c - the JetStream path of bench/scale (bench code only).
 *
 *   bench_transport publish URL N STEP_US   one publishing sensor (the nats
 *                                           sink) -> JetStream: events/s until
 *                                           every event is acknowledged
 *   bench_transport collect URL DB N        the collector draining N events
 *                                           from the stream into the store DB
 *   bench_transport latency URL DB RATE S   a sensor publishing RATE events/s
 *                                           for S seconds (stamped when
 *                                           emitted) while the collector
 *                                           stores them: p50/p99/max from
 *                                           accept to commit
 *
 * Both use the synthetic events of bench_events.h, so `collect` stores the
 * rows `bench_scale store` does. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../bench_events.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "transport/collector.h"
#include "transport/nats_sink.h"

static double now_s(void)
{
	return (double)time_mono_us() / 1e6;
}

/* stream: the latency run has its own, so that it never drains the
 * backlog an earlier publish left in IOTMON_EVENTS. */
static void settings(struct js_settings *js, const char *url, const char *stream, const char *prefix)
{
	js->url = url;
	js->stream = stream;
	js->subject_prefix = prefix;
	js->replicas = 1;
	js->max_age_s = 0;
	js->duplicate_window_s = 120;
}

/* Events per message: [transport] batch as the benchmark runs it
 * (BENCH_BATCH, default 128; 1 is the default configuration's one JSON
 * message per event). */
static unsigned batch_events(void)
{
	const char *v = getenv("BENCH_BATCH");

	return v && atoi(v) > 0 ? (unsigned)atoi(v) : 128;
}

static int publish(const char *url, long n, int64_t step)
{
	struct nats_sink_options opt = {.max_pending = 16384, .queue_max = 200000};
	struct sink_stats st;
	struct sink *sink;
	struct event ev;
	struct err err;
	double t0;

	settings(&opt.js, url, "IOTMON_EVENTS", "iotmon.events");
	opt.close_timeout_ms = 600000;
	opt.batch_events = batch_events();
	sink = nats_sink_new(&opt, &err);
	if (!sink) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		bench_event(&ev, i, step);
		sink_emit(sink, &ev);
		event_free(&ev);
	}
	if (sink_flush(sink, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t = now_s() - t0;
	sink_stats(sink, &st);
	sink_close(sink, NULL);
	printf("one sensor -> JetStream (batch %u): %llu events acknowledged in %.2f s = %.0f events/s\n",
	       opt.batch_events, (unsigned long long)st.committed, t, (double)st.committed / t);
	return 0;
}

struct run {
	struct store *store;
	struct collector_options opt;
	struct collector_stats st;
	volatile sig_atomic_t stop;
	volatile int ready;
	double t_ready;
};

/* The store and the collector's options of a run: its own stream, durable
 * consumer and dead-letter subject; 1 (said on stderr) if the store fails. */
static int run_open(struct run *r, const char *db, const char *url, const char *stream, const char *prefix,
		    const char *durable, const char *dead_letter, int batch)
{
	static const char *const none[] = {NULL};
	struct err err;

	r->store = store_open(db, STORE_CREATE, &err);
	if (!r->store) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	settings(&r->opt.js, url, stream, prefix);
	r->opt.durable = durable;
	r->opt.dead_letter = dead_letter;
	r->opt.sources = none;
	r->opt.batch = batch;
	r->opt.ack_wait_s = 120;
	return 0;
}

static void on_ready(void *arg)
{
	struct run *r = arg;

	r->t_ready = now_s();
	__atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
}

static void *collect_main(void *arg)
{
	struct run *r = arg;
	struct err err;

	if (collector_run(r->store, &r->opt, &r->stop, on_ready, r, &r->st, &err))
		fprintf(stderr, "%s\n", err.msg);
	return NULL;
}

static int collect(const char *url, const char *db, long n)
{
	struct run r = {0};
	pthread_t th;

	if (run_open(&r, db, url, "IOTMON_EVENTS", "iotmon.events", "bench", "iotmon.deadletter", 10000))
		return 1;
	pthread_create(&th, NULL, collect_main, &r);
	while (!__atomic_load_n(&r.ready, __ATOMIC_ACQUIRE) || __atomic_load_n(&r.st.stored, __ATOMIC_RELAXED) +
					  __atomic_load_n(&r.st.duplicates, __ATOMIC_RELAXED) <
				  (uint64_t)n) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	double t = now_s() - r.t_ready;
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	store_close(r.store);
	printf("JetStream -> collector -> store (%s): %llu events in %.2f s = %.0f events/s\n",
	       db, (unsigned long long)(r.st.stored + r.st.duplicates), t, (double)n / t);
	return 0;
}

/* accept -> commit delays in ms, one slot per event */
struct delays {
	uint32_t *ms;
	size_t n, cap;
	pthread_mutex_t lock;
};

static void on_committed(const struct event *evs, size_t n, void *arg)
{
	struct delays *d = arg;
	int64_t now = time_now_us();

	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < n && d->n < d->cap; i++) {
		int64_t ms = (now - evs[i].time_us) / 1000;

		d->ms[d->n++] = ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	}
	pthread_mutex_unlock(&d->lock);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int latency(const char *url, const char *db, long rate, long seconds)
{
	struct nats_sink_options po = {.max_pending = 16384, .queue_max = 200000};
	struct delays d = {.cap = (size_t)(rate * seconds)};
	struct run r = {0};
	struct sink *sink;
	struct err err;
	pthread_t th;
	double t0;
	long sent = 0;

	d.ms = calloc(d.cap, sizeof(*d.ms));
	pthread_mutex_init(&d.lock, NULL);
	if (run_open(&r, db, url, "IOTMON_LATENCY", "iotmon.latency", "bench-latency", "iotmon.latency-deadletter", 5000))
		return 1;
	r.opt.committed = on_committed;
	r.opt.committed_arg = &d;
	pthread_create(&th, NULL, collect_main, &r);
	while (!__atomic_load_n(&r.ready, __ATOMIC_ACQUIRE)) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	settings(&po.js, url, "IOTMON_LATENCY", "iotmon.latency");
	po.close_timeout_ms = 600000;
	po.batch_events = batch_events();
	sink = nats_sink_new(&po, &err);
	if (!sink) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	t0 = now_s();
	while (sent < rate * seconds) {
		/* Emit what the schedule owes, stamped with the time of emission. */
		long due = (long)((now_s() - t0) * (double)rate);

		for (; sent < due && sent < rate * seconds; sent++) {
			struct event ev;

			bench_event(&ev, sent, 1);
			ev.time_us = time_now_us();
			sink_emit(sink, &ev);
			event_free(&ev);
		}
		struct timespec ts = {0, 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	double t_emit = now_s() - t0;
	sink_flush(sink, NULL);
	sink_close(sink, NULL);
	for (;;) {
		pthread_mutex_lock(&d.lock);
		size_t got = d.n;
		pthread_mutex_unlock(&d.lock);
		if (got >= d.cap || now_s() - t0 > (double)seconds + 120)
			break;
		struct timespec ts = {0, 20 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	store_close(r.store);
	qsort(d.ms, d.n, sizeof(*d.ms), cmp_u32);
	printf("accept -> commit (batch %u) at %.0f events/s offered (%ld in %.1f s), %zu committed: p50 %u ms, p99 %u ms, "
	       "max %u ms\n",
	       po.batch_events, (double)sent / t_emit, sent, t_emit, d.n, d.n ? d.ms[d.n / 2] : 0,
	       d.n ? d.ms[(size_t)((double)d.n * 0.99)] : 0, d.n ? d.ms[d.n - 1] : 0);
	free(d.ms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "publish") == 0)
		return publish(argv[2], atol(argv[3]), atoll(argv[4]));
	if (argc == 5 && strcmp(argv[1], "collect") == 0)
		return collect(argv[2], argv[3], atol(argv[4]));
	if (argc == 6 && strcmp(argv[1], "latency") == 0)
		return latency(argv[2], argv[3], atol(argv[4]), atol(argv[5]));
	fprintf(stderr, "usage: bench_transport publish URL N STEP_US | collect URL DB N | latency URL DB RATE SECONDS\n");
	return 2;
}
