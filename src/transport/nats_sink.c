/* nats_sink.c - the JetStream publisher behind nats_sink.h.
 *
 * emit() appends the event to the batch message being filled (event_batch.h:
 * the binary event form, no JSON tree, no copy of the event); a batch full by
 * size is sealed into a message at once, one that waited PUBLISH_DELAY_US by
 * the publisher thread, which hands messages to the library asynchronously. The client library calls
 * on_ack() from its own thread for every answer: a positive one counts the
 * event as accepted, a negative one puts the message on the retry list.
 * Answers that never come (the server died between storing and answering)
 * are detected by a lack of progress and published again: same message id,
 * so the stream keeps one copy. */
#include "nats_sink.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "event_batch.h"

/* A batch message holds at most opt.batch_events events (at most
 * EVENT_BATCH_MAX_EVENTS) or this many bytes, and waits at most this long
 * for more (the delay is what batching adds to latency). */
#define BATCH_BYTES (48 * 1024)
#define PUBLISH_DELAY_US 2000

struct msg_list {
	natsMsg **v;
	size_t n, cap;
};

struct nats_sink {
	struct sink base;
	struct nats_sink_options opt;
	natsConnection *nc;
	jsCtx *js;

	pthread_mutex_t lock;
	pthread_cond_t wake, space, progress;
	struct event_batch cur; /* the batch being filled */
	char cur_sensor[EVENT_SENSOR_MAX]; /* its events' sensor (one subject) */
	char cur_id[JS_MSG_ID_MAX]; /* its first event's identity */
	int64_t cur_first_us; /* when its first event came */
	size_t waiting; /* events emitted and not handed to the library */
	struct msg_list queue; /* sealed batches, not yet handed to the library */
	struct msg_list retry; /* refused or unanswered messages, ours again */
	uint64_t emitted, acked, duplicates, republished, refused, dropped;
	int64_t inflight; /* handed to the library, not answered */
	int64_t last_progress_us;
	int waiters; /* threads in wait_acked(): only then is each answer signalled */
	bool stopping, abandon, stream_ready;
	pthread_t thread;

	struct metric *m_acked, *m_retried;
};

static void list_push(struct msg_list *l, natsMsg *m)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = m;
}

static void list_free(struct msg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		natsMsg_Destroy(l->v[i]);
	free(l->v);
	*l = (struct msg_list){0};
}

/* Events in a message: a batch says; a JSON message holds one. */
static unsigned msg_events(natsMsg *m)
{
	unsigned n = event_batch_count(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));

	return n ? n : 1;
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
	struct nats_sink *s = closure;
	unsigned n = msg_events(msg);

	(void)js;
	if (pa) {
		natsMsg_Destroy(msg);
		metric_add(s->m_acked, n);
	}
	pthread_mutex_lock(&s->lock);
	s->inflight--;
	s->last_progress_us = time_mono_us();
	if (pa) {
		s->acked += n;
		if (pa->Duplicate)
			s->duplicates += n;
		if (s->waiters)
			pthread_cond_broadcast(&s->progress);
	} else {
		/* No stream yet (a leaf restarting), a full stream, a timeout:
		 * publish it again from the publisher thread. */
		s->refused++;
		if (pae && (pae->Err == NATS_NO_RESPONDERS || pae->ErrCode == JSStreamNotFoundErr))
			s->stream_ready = false;
		list_push(&s->retry, msg);
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
}

/* A message to PREFIX.<sensor> with id as its JetStream message id. */
static natsMsg *make_msg(const struct nats_sink *s, const char *sensor, const char *id, const void *data, size_t len)
{
	char subject[JS_SUBJECT_MAX];
	natsMsg *m = NULL;
	natsStatus st;

	js_event_subject(s->opt.js.subject_prefix, sensor, subject);
	st = natsMsg_Create(&m, subject, NULL, data, (int)len);
	if (st == NATS_OK)
		st = natsMsgHeader_Set(m, "Nats-Msg-Id", id);
	if (st != NATS_OK) {
		natsMsg_Destroy(m);
		m = NULL;
	}
	return m;
}

/* Counts events that could not become a message (out of memory). */
static void lost(struct nats_sink *s, size_t n)
{
	s->dropped += n;
	s->waiting -= n;
	log_error("nats: cannot build a message (out of memory); %zu events dropped", n);
}

/* Queues m, a message of n events, for the publisher (lock held); a NULL m
 * (out of memory) counts the n events as lost. */
static void enqueue(struct nats_sink *s, natsMsg *m, size_t n)
{
	if (!m) {
		lost(s, n);
		return;
	}
	list_push(&s->queue, m);
	if (s->queue.n == 1)
		pthread_cond_signal(&s->wake);
}

/* Turns the batch being filled into a queued message (lock held). Its id
 * is the first event's identity and the count: the same batch sent again
 * has the same id, so the stream keeps one copy. */
static void seal(struct nats_sink *s)
{
	char id[JS_MSG_ID_MAX + 8];
	const uint8_t *data;
	size_t len;

	if (s->cur.count == 0)
		return;
	data = event_batch_finish(&s->cur, &len);
	snprintf(id, sizeof(id), "%s+%u", s->cur_id, s->cur.count);
	enqueue(s, make_msg(s, s->cur_sensor, id, data, len), s->cur.count);
	event_batch_reset(&s->cur);
}

/* An event alone, as its JSON line with its identity as the message id:
 * every event when batching is off, else one the wire form cannot hold
 * (a text over its bound) (lock held). */
static void queue_json(struct nats_sink *s, const struct event *ev)
{
	char id[JS_MSG_ID_MAX], *json = event_to_json(ev);
	natsMsg *m;

	js_event_msg_id(ev, id);
	m = make_msg(s, ev->sensor, id, json, strlen(json));
	free(json);
	enqueue(s, m, 1);
}

/* Whether the batch being filled should go now (lock held). */
static bool cur_due(const struct nats_sink *s, int64_t now)
{
	return s->cur.count && (s->stopping || s->waiters || now - s->cur_first_us >= PUBLISH_DELAY_US);
}

/* Hands msgs[0..n) to the library (ours until it takes one); what it
 * refuses goes to *left with everything after it. Returns false then. */
static bool publish_all(struct nats_sink *s, natsMsg **msgs, size_t n, struct msg_list *left)
{
	size_t i = 0;

	if (n == 0)
		return true;
	pthread_mutex_lock(&s->lock);
	if (s->inflight == 0)
		s->last_progress_us = time_mono_us();
	s->inflight += (int64_t)n;
	pthread_mutex_unlock(&s->lock);
	while (i < n && js_PublishMsgAsync(s->js, &msgs[i], NULL) == NATS_OK)
		i++;
	if (i == n)
		return true;
	pthread_mutex_lock(&s->lock);
	s->inflight -= (int64_t)(n - i);
	pthread_mutex_unlock(&s->lock);
	for (; i < n; i++)
		list_push(left, msgs[i]);
	return false;
}

/* Answers that never came: take the messages back and publish them again. */
static void reclaim_unanswered(struct nats_sink *s)
{
	natsMsgList pending = {0};
	int64_t now = time_mono_us();
	bool stalled;

	pthread_mutex_lock(&s->lock);
	/* While disconnected the library holds the publishes for the next
	 * connection: the clock starts again once connected. */
	if (natsConnection_Status(s->nc) != NATS_CONN_STATUS_CONNECTED)
		s->last_progress_us = now;
	stalled = s->inflight > 0 && now - s->last_progress_us > (int64_t)s->opt.ack_timeout_ms * 1000;
	pthread_mutex_unlock(&s->lock);
	if (!stalled || js_PublishAsyncGetPendingList(&pending, s->js) != NATS_OK)
		return;
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < pending.Count; i++) {
		list_push(&s->retry, pending.Msgs[i]);
		pending.Msgs[i] = NULL;
	}
	s->inflight -= pending.Count;
	s->republished += (uint64_t)pending.Count;
	s->last_progress_us = now;
	pthread_mutex_unlock(&s->lock);
	metric_add(s->m_retried, pending.Count);
	log_warn("nats: %d messages not acknowledged within %d ms; publishing them again", pending.Count,
		 s->opt.ack_timeout_ms);
	natsMsgList_Destroy(&pending);
}

static bool stream_ready(struct nats_sink *s)
{
	static int64_t last_log_us;
	struct err err;
	bool ready;

	pthread_mutex_lock(&s->lock);
	ready = s->stream_ready;
	pthread_mutex_unlock(&s->lock);
	if (ready)
		return true;
	if (natsConnection_Status(s->nc) != NATS_CONN_STATUS_CONNECTED)
		return false;
	if (js_ensure_stream(s->js, &s->opt.js, NULL, 0, &err)) {
		if (time_mono_us() - last_log_us > 10 * US_PER_SEC) {
			log_warn("nats: stream %s not ready: %s; retrying", s->opt.js.stream, err.msg);
			last_log_us = time_mono_us();
		}
		return false;
	}
	pthread_mutex_lock(&s->lock);
	s->stream_ready = true;
	pthread_mutex_unlock(&s->lock);
	return true;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* Waits (lock held) until there is work: a sealed message, a batch that
 * has waited long enough, refused messages, or the end; at most 100 ms
 * while answers are outstanding, so that missing ones are noticed. */
static void wait_for_work(struct nats_sink *s, bool have_left)
{
	for (;;) {
		int64_t now = time_mono_us(), deadline;
		struct timespec ts;

		if (have_left || s->retry.n || s->queue.n || cur_due(s, now) ||
		    (s->stopping && (s->abandon || (s->inflight == 0 && s->cur.count == 0))))
			return;
		if (s->cur.count == 0 && s->inflight == 0) {
			pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}
		deadline = s->cur.count ? s->cur_first_us + PUBLISH_DELAY_US : now + 100 * 1000;
		ts.tv_sec = deadline / US_PER_SEC;
		ts.tv_nsec = (long)(deadline % US_PER_SEC) * 1000;
		if (pthread_cond_timedwait(&s->wake, &s->lock, &ts) != 0 && s->cur.count == 0)
			return;
	}
}

static void *publisher_main(void *arg)
{
	struct nats_sink *s = arg;
	struct msg_list retry = {0}, left = {0}, batch = {0};

	for (;;) {
		pthread_mutex_lock(&s->lock);
		wait_for_work(s, left.n > 0);
		if (s->stopping && (s->abandon || (s->queue.n == 0 && s->cur.count == 0 && s->retry.n == 0 && !left.n &&
						   s->inflight == 0))) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		if (cur_due(s, time_mono_us()))
			seal(s);
		/* Take what the library refused and every queued message
		 * (swapping arrays: emitters never wait on the network). */
		retry = s->retry;
		s->retry = (struct msg_list){0};
		if (s->queue.n) {
			struct msg_list t = batch;

			batch = s->queue;
			s->queue = t;
			s->queue.n = 0;
			for (size_t i = 0; i < batch.n; i++)
				s->waiting -= msg_events(batch.v[i]);
			pthread_cond_broadcast(&s->space);
		}
		pthread_mutex_unlock(&s->lock);

		/* Oldest first: what was refused before, then the new ones. */
		for (size_t i = 0; i < retry.n; i++)
			list_push(&left, retry.v[i]);
		free(retry.v);
		retry = (struct msg_list){0};
		for (size_t i = 0; i < batch.n; i++)
			list_push(&left, batch.v[i]);
		batch.n = 0;
		if (!stream_ready(s)) {
			pause_ms(100);
			continue;
		}
		struct msg_list todo = left;
		bool failed;

		left = (struct msg_list){0};
		failed = !publish_all(s, todo.v, todo.n, &left);
		free(todo.v);
		reclaim_unanswered(s);
		if (failed)
			pause_ms(50);
	}
	list_free(&batch);
	list_free(&left);
	return NULL;
}

static int nats_emit(struct sink *base, const struct event *ev)
{
	struct nats_sink *s = (struct nats_sink *)base;

	pthread_mutex_lock(&s->lock);
	while (s->waiting >= s->opt.queue_max && !s->stopping)
		pthread_cond_wait(&s->space, &s->lock);
	s->emitted++;
	s->waiting++;
	/* One subject per message: a batch holds one sensor's events. */
	if (s->cur.count && (s->cur.len >= BATCH_BYTES || strcmp(s->cur_sensor, ev->sensor) != 0))
		seal(s);
	if (s->opt.batch_events > 1 && event_batch_add(&s->cur, ev) == 0) {
		if (s->cur.count == 1) {
			snprintf(s->cur_sensor, sizeof(s->cur_sensor), "%s", ev->sensor);
			js_event_msg_id(ev, s->cur_id);
			s->cur_first_us = time_mono_us();
			pthread_cond_signal(&s->wake); /* starts the publisher's clock */
		}
		if (s->cur.count >= s->opt.batch_events)
			seal(s);
	} else {
		queue_json(s, ev);
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Waits until every event emitted so far is acknowledged, or the timeout. */
static int wait_acked(struct nats_sink *s, struct err *err)
{
	int64_t deadline = time_mono_us() + (int64_t)s->opt.close_timeout_ms * 1000;
	uint64_t target;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	target = s->emitted - s->dropped;
	s->waiters++;
	pthread_cond_signal(&s->wake);
	while (s->acked < target && time_mono_us() < deadline) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&s->progress, &s->lock, &ts);
	}
	s->waiters--;
	if (s->acked < target)
		rc = err_set(err, "nats: %llu events not acknowledged by JetStream (stream %s at %s)",
			     (unsigned long long)(target - s->acked), s->opt.js.stream, s->opt.js.url);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int nats_flush(struct sink *base, struct err *err)
{
	return wait_acked((struct nats_sink *)base, err);
}

static void nats_stats(struct sink *base, struct sink_stats *out)
{
	struct nats_sink *s = (struct nats_sink *)base;

	pthread_mutex_lock(&s->lock);
	out->emitted = s->emitted;
	out->committed = s->acked;
	out->inserted = s->acked - s->duplicates;
	out->failed_batches = s->refused + s->republished;
	out->dropped = s->dropped;
	pthread_mutex_unlock(&s->lock);
}

static int nats_close(struct sink *base, struct err *err)
{
	struct nats_sink *s = (struct nats_sink *)base;
	int rc = wait_acked(s, err);
	natsMsgList pending = {0};

	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	if (rc) {
		/* Given up: let the thread end with the rest unanswered. */
		s->abandon = true;
	}
	pthread_cond_broadcast(&s->wake);
	pthread_cond_broadcast(&s->space);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	if (js_PublishAsyncGetPendingList(&pending, s->js) == NATS_OK)
		natsMsgList_Destroy(&pending);
	js_disconnect(s->nc, s->js);
	list_free(&s->retry);
	list_free(&s->queue);
	event_batch_free(&s->cur);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->space);
	pthread_cond_destroy(&s->progress);
	free(s);
	return rc;
}

static const struct sink_ops nats_sink_ops = {"nats", nats_emit, nats_flush, nats_stats, nats_close};

struct sink *nats_sink_new(const struct nats_sink_options *opt, struct err *err)
{
	struct nats_sink *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t monotonic;
	jsOptions jo;

	s->base.ops = &nats_sink_ops;
	s->opt = *opt;
	if (s->opt.max_pending <= 0)
		s->opt.max_pending = 4096;
	if (s->opt.queue_max < (size_t)s->opt.max_pending)
		s->opt.queue_max = (size_t)s->opt.max_pending * 16;
	if (s->opt.ack_timeout_ms <= 0)
		s->opt.ack_timeout_ms = 5000;
	if (s->opt.batch_events == 0)
		s->opt.batch_events = 1;
	if (s->opt.batch_events > EVENT_BATCH_MAX_EVENTS)
		s->opt.batch_events = EVENT_BATCH_MAX_EVENTS;
	if (s->opt.close_timeout_ms <= 0)
		s->opt.close_timeout_ms = 30000;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &monotonic);
	pthread_condattr_destroy(&monotonic);
	pthread_cond_init(&s->space, NULL);
	pthread_cond_init(&s->progress, NULL);
	s->m_acked = metric_get("iotmon_transport_acked_total", NULL, METRIC_COUNTER,
				"events acknowledged by JetStream (accepted)");
	s->m_retried = metric_get("iotmon_transport_republished_total", NULL, METRIC_COUNTER,
				  "events published again after no acknowledgement");

	jsOptions_Init(&jo);
	jo.PublishAsync.MaxPending = s->opt.max_pending;
	jo.PublishAsync.AckHandler = on_ack;
	jo.PublishAsync.AckHandlerClosure = s;
	if (js_connect(s->opt.js.url, "iotmon sensor", &s->nc, &s->js, &jo, err)) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		pthread_cond_destroy(&s->space);
		pthread_cond_destroy(&s->progress);
		free(s);
		return NULL;
	}
	if (pthread_create(&s->thread, NULL, publisher_main, s) != 0) {
		log_error("nats: cannot start the publisher thread");
		abort();
	}
	return &s->base;
}
