/* collector.c - the consumer loop behind collector.h. */
#include "collector.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "event_batch.h"

#define NS_PER_SEC INT64_C(1000000000)
/* A fetch waits this long for its full count when the stream has fewer:
 * the delay a quiet stream adds to accept -> commit (a second made the p99
 * at 20 k events/s 1.2 s; 100 ms makes it 0.5 s). */
#define FETCH_WAIT_MS 100
/* The smallest fetch: messages arriving while one starts stay below half
 * of it (see fetch_size). */
#define FETCH_MIN 64
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 10000
#define LOG_EVERY_US (10 * US_PER_SEC)

/* Decoded events and the messages they came in (acknowledged once the
 * events are committed); a message may hold many events (event_batch.h). */
struct batch {
	struct event *evs;
	size_t n, cap;
	natsMsg **msgs;
	size_t nmsgs, capmsgs;
};

struct collector {
	const struct collector_options *opt;
	struct store *store;
	volatile sig_atomic_t *stop;
	struct collector_stats *st;
	natsConnection *nc;
	jsCtx *js;
	natsSubscription *sub;
	char filter[JS_SUBJECT_MAX], dl_stream[128];
	struct metric *m_received, *m_stored, *m_duplicates, *m_dead, *m_failures, *m_lag;
	int64_t dl_logged_us; /* dead letters: the fetch thread's */
	uint64_t dl_unlogged;

	/* Handover between the fetch thread and the writer (the caller's). */
	pthread_mutex_t lock;
	pthread_cond_t ready, space;
	struct batch next; /* fetched and decoded, waiting for the writer */
	bool fetch_done;
};

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* Whether we are asked to stop: the flag is set from another thread (the
 * signal thread), so it is read atomically. */
static bool stopping(const struct collector *c)
{
	return __atomic_load_n(c->stop, __ATOMIC_RELAXED) != 0;
}

/* Sleeps ms, waking early when asked to stop; returns true if asked. */
static bool sleep_or_stop(struct collector *c, long ms)
{
	for (; ms > 0 && !stopping(c); ms -= 100)
		pause_ms(ms < 100 ? ms : 100);
	return stopping(c);
}

static int collect_item(const char *item, size_t len, void *arg)
{
	char ***list = arg;
	size_t n = 0;

	while ((*list)[n])
		n++;
	*list = xrealloc(*list, (n + 2) * sizeof(**list));
	(*list)[n] = xstrndup(item, len);
	(*list)[n + 1] = NULL;
	return 0;
}

void collector_options_from(const struct config *cfg, struct collector_options *opt, char ***list)
{
	memset(opt, 0, sizeof(*opt));
	js_settings_from(cfg, &opt->js);
	opt->durable = config_str(cfg, "collector", "durable");
	opt->dead_letter = config_str(cfg, "collector", "dead_letter");
	opt->batch = (int)config_int(cfg, "collector", "batch");
	opt->ack_wait_s = (int)config_int(cfg, "collector", "ack_wait_s");
	*list = xcalloc(1, sizeof(**list));
	config_each_item(config_str(cfg, "collector", "sources"), collect_item, list);
	opt->sources = (const char *const *)*list;
	while ((*list)[opt->nsources])
		opt->nsources++;
}

static int ensure_consumer(struct collector *c, struct err *err)
{
	const struct collector_options *o = c->opt;
	jsConsumerInfo *ci = NULL;
	jsConsumerConfig cc;
	jsSubOptions so;
	jsErrCode code = 0;
	natsStatus s;

	s = js_GetConsumerInfo(&ci, c->js, o->js.stream, o->durable, NULL, &code);
	if (s == NATS_NOT_FOUND) {
		jsConsumerConfig_Init(&cc);
		cc.Durable = o->durable;
		cc.AckPolicy = js_AckExplicit;
		cc.AckWait = (int64_t)o->ack_wait_s * NS_PER_SEC;
		cc.MaxAckPending = (int64_t)o->batch * 8 > 1000 ? (int64_t)o->batch * 8 : 1000;
		cc.FilterSubject = c->filter;
		s = js_AddConsumer(&ci, c->js, o->js.stream, &cc, NULL, &code);
		if (s != NATS_OK && code != JSConsumerNameExistErr)
			return js_err(err, "creating the durable consumer", s, code);
	} else if (s != NATS_OK) {
		return js_err(err, "looking up the durable consumer", s, code);
	}
	jsConsumerInfo_Destroy(ci);
	/* Bound to the consumer by name, so the library never deletes it. */
	jsSubOptions_Init(&so);
	so.Stream = o->js.stream;
	so.Consumer = o->durable;
	s = js_PullSubscribe(&c->sub, c->js, c->filter, o->durable, NULL, &so, &code);
	if (s != NATS_OK)
		return js_err(err, "subscribing to the durable consumer", s, code);
	return 0;
}

/* The central stream, the dead-letter stream and the consumer; retried
 * until they exist or we are asked to stop. */
static int setup(struct collector *c, struct err *err)
{
	const struct collector_options *o = c->opt;
	struct js_settings dl = o->js;
	int64_t logged_us = 0;
	long backoff = BACKOFF_MIN_MS;

	snprintf(c->filter, sizeof(c->filter), "%s.>", o->js.subject_prefix);
	snprintf(c->dl_stream, sizeof(c->dl_stream), "%s_DEADLETTER", o->js.stream);
	dl.stream = c->dl_stream;
	dl.subject_prefix = o->dead_letter;
	while (!stopping(c)) {
		struct err e;
		int rc = -1;

		if (natsConnection_Status(c->nc) != NATS_CONN_STATUS_CONNECTED)
			err_set(&e, "not connected to %s", o->js.url);
		else if (!js_ensure_stream(c->js, &o->js, o->sources, o->nsources, &e) &&
			 !js_ensure_stream(c->js, &dl, NULL, 0, &e) && !ensure_consumer(c, &e))
			rc = 0;
		if (rc == 0)
			return 0;
		if (time_mono_us() - logged_us > LOG_EVERY_US) {
			log_warn("collector: %s; retrying", e.msg);
			logged_us = time_mono_us();
		}
		if (sleep_or_stop(c, backoff))
			break;
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	return err_set(err, "stopped before the stream was ready");
}

static void dead_letter(struct collector *c, natsMsg *msg, const char *why)
{
	const char *subject = natsMsg_GetSubject(msg), *last = strrchr(subject, '.');
	char dl_subject[JS_SUBJECT_MAX];
	natsMsg *m = NULL;
	jsErrCode code = 0;
	natsStatus s;

	/* PREFIX.<last token of the original subject>: the sensor, usually. */
	snprintf(dl_subject, sizeof(dl_subject), "%s.%s", c->opt->dead_letter, last ? last + 1 : subject);
	s = natsMsg_Create(&m, dl_subject, NULL, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, "Iotmon-Error", why);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, "Iotmon-Subject", subject);
	if (s == NATS_OK)
		s = js_PublishMsg(NULL, c->js, m, NULL, &code);
	natsMsg_Destroy(m);
	c->st->dead_letters++;
	metric_add(c->m_dead, 1);
	/* A flood of garbage must not flood the log. */
	if (time_mono_us() - c->dl_logged_us < LOG_EVERY_US) {
		c->dl_unlogged++;
		return;
	}
	log_warn("collector: message on %s is not an event (%s): %s %s%s", subject, why,
		 s == NATS_OK ? "moved to" : "could not be moved to", dl_subject,
		 c->dl_unlogged ? " (and more since the last line)" : "");
	c->dl_logged_us = time_mono_us();
	c->dl_unlogged = 0;
}

static void update_lag(struct collector *c, natsMsg *last)
{
	jsMsgMetaData *meta = NULL;

	if (!last) {
		c->st->lag = 0;
	} else if (natsMsg_GetMetaData(&meta, last) == NATS_OK) {
		c->st->lag = (int64_t)meta->NumPending;
		jsMsgMetaData_Destroy(meta);
	}
	metric_set(c->m_lag, c->st->lag);
}

/* Takes evs[0, n) (moved, not copied) and the message they came in. */
static void batch_push(struct batch *b, const struct event *evs, size_t n, natsMsg *m)
{
	if (b->n + n > b->cap) {
		b->cap = b->n + n > b->cap * 2 ? b->n + n + 1024 : b->cap * 2;
		b->evs = xrealloc(b->evs, b->cap * sizeof(*b->evs));
	}
	if (n)
		memcpy(b->evs + b->n, evs, n * sizeof(*evs));
	b->n += n;
	if (b->nmsgs == b->capmsgs) {
		b->capmsgs = b->capmsgs ? b->capmsgs * 2 : 256;
		b->msgs = xrealloc(b->msgs, b->capmsgs * sizeof(*b->msgs));
	}
	b->msgs[b->nmsgs++] = m;
}

/* Moves everything in src to the end of dst. */
static void batch_move(struct batch *dst, struct batch *src)
{
	if (src->nmsgs == 0)
		return;
	/* Every event goes with the last message: the writer only needs
	 * both lists whole. */
	for (size_t i = 0; i + 1 < src->nmsgs; i++)
		batch_push(dst, NULL, 0, src->msgs[i]);
	batch_push(dst, src->evs, src->n, src->msgs[src->nmsgs - 1]);
	src->n = src->nmsgs = 0;
}

/* Frees the events and messages; keeps the arrays for the next batch. */
static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		event_free(&b->evs[i]);
	for (size_t i = 0; i < b->nmsgs; i++)
		natsMsg_Destroy(b->msgs[i]);
	b->n = b->nmsgs = 0;
}

static void batch_free(struct batch *b)
{
	batch_clear(b);
	free(b->evs);
	free(b->msgs);
	*b = (struct batch){0};
}

/* Tells the server we still hold these messages (no redelivery). */
static void batch_in_progress(const struct batch *b)
{
	for (size_t i = 0; i < b->nmsgs; i++)
		natsMsg_InProgress(b->msgs[i], NULL);
}

/* Sensors publish batches of events in the binary form (event_batch.h);
 * one event as a JSON line (older sensors, an event too large for the
 * binary form, an operator's `nats pub`) is read too. */
static int decode_events(const char *data, size_t len, struct event **evs, size_t *n, struct err *err)
{
	if (event_batch_is(data, len))
		return event_batch_decode((const uint8_t *)data, len, evs, n, err);
	*evs = xmalloc(sizeof(**evs));
	*n = 1;
	if (event_from_json(data, len, *evs, err) == 0)
		return 0;
	free(*evs);
	*evs = NULL;
	*n = 0;
	return -1;
}

/* Commits events (retrying with backoff while the store refuses); false if
 * asked to stop first. */
static bool commit(struct collector *c, struct batch *b, size_t *inserted)
{
	long backoff = BACKOFF_MIN_MS;
	int64_t logged_us = 0;
	uint64_t failures = 0;
	struct err err;

	for (;;) {
		if (store_insert_events(c->store, b->evs, b->n, c->opt->enricher, inserted, &err) == 0) {
			if (failures)
				log_info("collector: store accepts batches again after %llu failures",
					 (unsigned long long)failures);
			return true;
		}
		failures++;
		c->st->store_failures++;
		metric_add(c->m_failures, 1);
		if (time_mono_us() - logged_us > LOG_EVERY_US) {
			log_error("collector: store refused a batch of %zu events: %s; retrying in %ld ms (nothing acknowledged)",
				  b->n, err.msg, backoff);
			logged_us = time_mono_us();
		}
		/* Keep the messages ours while we wait for the store: this batch
		 * and the one the fetcher has filled meanwhile. */
		batch_in_progress(b);
		pthread_mutex_lock(&c->lock);
		batch_in_progress(&c->next);
		pthread_mutex_unlock(&c->lock);
		if (sleep_or_stop(c, backoff))
			return false;
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
}

/* The writer: one transaction per batch, then the acknowledgements. */
static void write_batch(struct collector *c, struct batch *b)
{
	size_t inserted = 0;

	if (!commit(c, b, &inserted)) {
		log_warn("collector: stopping with %zu events not committed; JetStream delivers them again", b->n);
		return;
	}
	if (c->opt->committed)
		c->opt->committed(b->evs, b->n, c->opt->committed_arg);
	for (size_t i = 0; i < b->nmsgs; i++)
		natsMsg_Ack(b->msgs[i], NULL);
	__atomic_add_fetch(&c->st->stored, inserted, __ATOMIC_RELAXED);
	__atomic_add_fetch(&c->st->duplicates, b->n - inserted, __ATOMIC_RELAXED);
	metric_add(c->m_stored, (int64_t)inserted);
	metric_add(c->m_duplicates, (int64_t)(b->n - inserted));
}

/* Decodes fetched messages into b; what is not an event goes to the
 * dead-letter subject at once. Takes the messages out of the list. */
static void decode_into(struct collector *c, natsMsgList *list, struct batch *b)
{
	struct event *evs;
	struct err err;
	size_t n;

	for (int i = 0; i < list->Count; i++) {
		natsMsg *m = list->Msgs[i];
		int len = natsMsg_GetDataLength(m);

		list->Msgs[i] = NULL;
		if (len > JS_EVENT_MAX_BYTES) {
			snprintf(err.msg, sizeof(err.msg), "%d bytes, more than %d", len, JS_EVENT_MAX_BYTES);
		} else if (decode_events(natsMsg_GetData(m), (size_t)len, &evs, &n, &err) == 0) {
			batch_push(b, evs, n, m);
			free(evs);
			continue;
		}
		dead_letter(c, m, err.msg);
		natsMsg_Ack(m, NULL);
		natsMsg_Destroy(m);
	}
	__atomic_add_fetch(&c->st->received, (uint64_t)list->Count, __ATOMIC_RELAXED);
	metric_add(c->m_received, list->Count);
}

/* How many messages to ask natsSubscription_Fetch() for, given room.
 * libnats 3.4.1 (Debian 12) takes the messages a previous fetch left
 * waiting in the subscription first (a pull request the server answered
 * after the client gave up), then asks the server for the rest and
 * compares its count with the *reduced* request: when the leftovers were
 * more than half of the request, it writes past its array until the
 * timeout (heap corruption; seen at 50 k one-event messages/s in
 * bench/scale). So the request is always more than twice what is waiting,
 * with a margin for messages that come in meanwhile. */
static int fetch_size(natsSubscription *sub, int room)
{
	int waiting = 0;

	if (natsSubscription_GetPending(sub, &waiting, NULL) != NATS_OK || waiting < 0)
		waiting = 0;
	if (room < FETCH_MIN)
		room = FETCH_MIN;
	if (waiting > (INT_MAX - 2 * FETCH_MIN) / 2)
		waiting = (INT_MAX - 2 * FETCH_MIN) / 2;
	return room > 2 * waiting + FETCH_MIN ? room : 2 * waiting + FETCH_MIN;
}

/* The fetcher: fetches and decodes while the writer commits, filling
 * c->next up to the batch size (then it waits: backpressure). The writer
 * takes c->next whole when it is done, so batches grow with the load and
 * stay small (quick) when the stream is quiet. */
static void *fetch_main(void *arg)
{
	struct collector *c = arg;
	int64_t fetch_logged_us = 0;
	struct batch got = {0};
	/* Events per message in the last fetch; at first, as many as a
	 * sensor batches (a first fetch of single events only comes out
	 * small, a first fetch of batches by 1 would be one huge commit). */
	size_t per_msg = 128;

	while (!stopping(c)) {
		natsMsgList list = {0};
		jsErrCode code = 0;
		natsStatus s;
		int room;

		pthread_mutex_lock(&c->lock);
		while ((room = c->opt->batch - (int)c->next.n) <= 0 && !stopping(c)) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&c->space, &c->lock, &ts);
		}
		pthread_mutex_unlock(&c->lock);
		if (stopping(c))
			break;
		/* The batch counts events; a message holds per_msg of them lately. */
		room = fetch_size(c->sub, room / (int)per_msg > 0 ? room / (int)per_msg : 1);
		s = natsSubscription_Fetch(&list, c->sub, room, FETCH_WAIT_MS, &code);
		if (s == NATS_OK && list.Count > room) {
			/* The library wrote past its array (fetch_size): the heap is
			 * not to be trusted; nothing is acknowledged, so stopping
			 * here loses nothing (JetStream delivers again). */
			log_error("collector: libnats returned %d messages for a fetch of %d (memory corrupted); stopping",
				  list.Count, room);
			abort();
		}
		if (s == NATS_TIMEOUT) {
			update_lag(c, NULL);
			continue;
		}
		if (s != NATS_OK) {
			/* The hub is away or restarting: the consumer is durable,
			 * so carry on where we were once it is back. */
			if (time_mono_us() - fetch_logged_us > LOG_EVERY_US) {
				struct err e;

				js_err(&e, "collector: fetching", s, code);
				log_warn("%s; retrying", e.msg);
				fetch_logged_us = time_mono_us();
			}
			sleep_or_stop(c, 250);
			continue;
		}
		if (list.Count)
			update_lag(c, list.Msgs[list.Count - 1]);
		decode_into(c, &list, &got);
		natsMsgList_Destroy(&list);
		if (got.nmsgs)
			per_msg = got.n / got.nmsgs > 0 ? got.n / got.nmsgs : 1;
		pthread_mutex_lock(&c->lock);
		batch_move(&c->next, &got);
		if (c->next.nmsgs)
			pthread_cond_signal(&c->ready);
		pthread_mutex_unlock(&c->lock);
	}
	batch_free(&got);
	pthread_mutex_lock(&c->lock);
	c->fetch_done = true;
	pthread_cond_signal(&c->ready);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int collector_run(struct store *store, const struct collector_options *opt, volatile sig_atomic_t *stop,
		  void (*ready)(void *arg), void *arg, struct collector_stats *stats, struct err *err)
{
	struct collector c = {.opt = opt, .store = store, .stop = stop, .st = stats};
	struct batch mine = {0};
	pthread_t fetcher;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	c.m_received = metric_get("iotmon_collector_received_total", NULL, METRIC_COUNTER, "messages fetched from JetStream");
	c.m_stored = metric_get("iotmon_collector_stored_total", NULL, METRIC_COUNTER, "events new in the store");
	c.m_duplicates = metric_get("iotmon_collector_duplicates_total", NULL, METRIC_COUNTER,
				    "events already stored (redeliveries)");
	c.m_dead = metric_get("iotmon_collector_dead_letters_total", NULL, METRIC_COUNTER,
			      "messages that were not valid events");
	c.m_failures = metric_get("iotmon_collector_store_failures_total", NULL, METRIC_COUNTER,
				  "batches the store refused (retried)");
	c.m_lag = metric_get("iotmon_collector_lag", NULL, METRIC_GAUGE,
			     "messages in the stream not yet delivered to the collector");
	if (js_connect(opt->js.url, "iotmon collector", &c.nc, &c.js, NULL, err))
		return -1;
	if (setup(&c, err)) {
		js_disconnect(c.nc, c.js);
		return __atomic_load_n(stop, __ATOMIC_RELAXED) ? 0 : -1;
	}
	ready(arg);
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.ready, NULL);
	pthread_cond_init(&c.space, NULL);
	if (pthread_create(&fetcher, NULL, fetch_main, &c) != 0) {
		log_error("collector: cannot start the fetch thread");
		abort();
	}
	for (;;) {
		pthread_mutex_lock(&c.lock);
		while (c.next.nmsgs == 0 && !c.fetch_done)
			pthread_cond_wait(&c.ready, &c.lock);
		if (c.next.nmsgs == 0) {
			pthread_mutex_unlock(&c.lock);
			break;
		}
		/* Take the filled batch, leave our empty arrays to fill. */
		struct batch t = c.next;
		c.next = mine;
		mine = t;
		pthread_cond_signal(&c.space);
		pthread_mutex_unlock(&c.lock);
		write_batch(&c, &mine);
		batch_clear(&mine);
	}
	pthread_join(fetcher, NULL);
	batch_free(&mine);
	batch_free(&c.next);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.ready);
	pthread_cond_destroy(&c.space);
	/* Acknowledgements are asynchronous: push them out before leaving. */
	if (natsConnection_FlushTimeout(c.nc, 5000) != NATS_OK)
		log_warn("collector: acknowledgements may not have reached the server; the last batch may be delivered again");
	natsSubscription_Destroy(c.sub);
	js_disconnect(c.nc, c.js);
	return rc;
}
