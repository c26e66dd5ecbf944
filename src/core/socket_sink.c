/* socket_sink.c - a sink across a process boundary. */
#include "socket_sink.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "event_wire.h"
#include "log.h"
#include "metrics.h"
#include "xalloc.h"

struct socket_sink {
	struct sink base;
	int fd;
	pthread_mutex_t lock;
	uint8_t *buf; /* EVENT_WIRE_MAX */
	uint64_t emitted, sent, dropped;
	/* the metrics pump */
	const char *const *prefixes;
	int interval_ms, stop;
	bool pumping, blocking;
	pthread_t pump;
};

/* Metrics messages: "IM" version count, then count samples of type(1)
 * value(8) name(64) labels(128) help(160), the texts NUL-padded. */
#define METRICS_MSG_MAX 32
#define SAMPLE_BYTES (1 + 8 + 64 + 128 + 160)

static size_t metrics_encode(const char *const *prefixes, uint8_t *buf)
{
	struct metric_sample ms[METRICS_MSG_MAX];
	int n = 0;
	uint8_t *p = buf + 4;

	for (const char *const *pre = prefixes; *pre && n < METRICS_MSG_MAX; pre++)
		n += metrics_snapshot(*pre, ms + n, METRICS_MSG_MAX - n);
	buf[0] = 'I';
	buf[1] = 'M';
	buf[2] = 1;
	buf[3] = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		*p++ = (uint8_t)ms[i].type;
		for (int b = 0; b < 8; b++)
			*p++ = (uint8_t)((uint64_t)ms[i].value >> (8 * b));
		memcpy(p, ms[i].name, 64);
		memcpy(p + 64, ms[i].labels, 128);
		memcpy(p + 192, ms[i].help, 160);
		p += 352;
	}
	return (size_t)(p - buf);
}

/* A text field of a sample: NUL-terminated inside its room, printable. */
static bool field_ok(const uint8_t *f, size_t room)
{
	const uint8_t *end = memchr(f, 0, room);

	if (!end)
		return false;
	for (const uint8_t *c = f; c < end; c++)
		if (*c < 0x20 || *c > 0x7e || *c == '\\')
			return false;
	return true;
}

/* Applies a metrics message from the child: only names under prefixes. */
static int metrics_apply(const uint8_t *buf, size_t len, const char *const *prefixes)
{
	size_t n;

	if (!prefixes || len < 4 || buf[2] != 1)
		return -1;
	n = buf[3];
	if (n > METRICS_MSG_MAX || len != 4 + n * SAMPLE_BYTES)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = buf + 4 + i * SAMPLE_BYTES;
		const char *name = (const char *)p + 9;
		bool allowed = false;
		int64_t v = 0;

		if (p[0] > METRIC_GAUGE || !field_ok(p + 9, 64) || !field_ok(p + 73, 128) || !field_ok(p + 201, 160))
			return -1;
		for (const char *const *pre = prefixes; *pre; pre++)
			allowed |= strncmp(name, *pre, strlen(*pre)) == 0;
		if (!allowed || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name))
			return -1;
		for (int b = 0; b < 8; b++)
			v |= (int64_t)((uint64_t)p[1 + b] << (8 * b));
		metric_set(metric_get(name, (const char *)p + 73, (enum metric_type)p[0], (const char *)p + 201), v);
	}
	return 0;
}

static void *pump_main(void *arg)
{
	struct socket_sink *s = arg;
	uint8_t *buf = xmalloc(4 + METRICS_MSG_MAX * SAMPLE_BYTES);

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		struct timespec ts = {s->interval_ms / 1000, (long)(s->interval_ms % 1000) * 1000000L};
		size_t n = metrics_encode(s->prefixes, buf);

		if (send(s->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
			break;
		nanosleep(&ts, NULL);
	}
	free(buf);
	return NULL;
}

int socket_sink_pump_metrics(struct sink *base, const char *const *prefixes, int interval_ms, struct err *err)
{
	struct socket_sink *s = (struct socket_sink *)base;
	int rc;

	s->prefixes = prefixes;
	s->interval_ms = interval_ms;
	rc = pthread_create(&s->pump, NULL, pump_main, s);
	if (rc)
		return err_set(err, "metrics thread: %s", strerror(rc));
	s->pumping = true;
	return 0;
}

static int ss_emit(struct sink *base, const struct event *ev)
{
	static struct log_limit full = LOG_LIMIT_INIT;
	struct socket_sink *s = (struct socket_sink *)base;
	size_t n;
	ssize_t w;

	pthread_mutex_lock(&s->lock);
	s->emitted++;
	n = event_wire_encode(ev, s->buf);
	do
		w = n ? send(s->fd, s->buf, n, (s->blocking ? 0 : MSG_DONTWAIT) | MSG_NOSIGNAL) : -1;
	while (w < 0 && errno == EINTR);
	if (w == (ssize_t)n && n)
		s->sent++;
	else
		s->dropped++;
	pthread_mutex_unlock(&s->lock);
	if (w != (ssize_t)n || !n) {
		log_limited(&full, LOG_WARN, "sensor: event not handed to the store writer: %s",
			    n ? strerror(errno) : "too large");
		return -1;
	}
	return 0;
}

void socket_sink_set_blocking(struct sink *base)
{
	((struct socket_sink *)base)->blocking = true;
}

/* Start messages: "IS" (started) or "IX" and the reason. */
int socket_sink_started(struct sink *base, const char *error)
{
	struct socket_sink *s = (struct socket_sink *)base;
	char msg[2 + SOCKET_START_TEXT_MAX];
	size_t n = 2;
	ssize_t w;

	msg[0] = 'I';
	msg[1] = error ? 'X' : 'S';
	if (error) {
		n += strnlen(error, SOCKET_START_TEXT_MAX);
		memcpy(msg + 2, error, n - 2);
	}
	do
		w = send(s->fd, msg, n, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)n ? 0 : -1;
}

static int ss_flush(struct sink *base, struct err *err)
{
	(void)base;
	(void)err;
	return 0; /* the parent commits on its own schedule */
}

static void ss_stats(struct sink *base, struct sink_stats *out)
{
	struct socket_sink *s = (struct socket_sink *)base;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->lock);
	out->emitted = s->emitted;
	out->dropped = s->dropped;
	pthread_mutex_unlock(&s->lock);
}

static int ss_close(struct sink *base, struct err *err)
{
	struct socket_sink *s = (struct socket_sink *)base;

	(void)err;
	if (s->pumping) {
		__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
		pthread_join(s->pump, NULL);
		/* The last word: the values at the end (sessions open: 0). */
		uint8_t *buf = xmalloc(4 + METRICS_MSG_MAX * SAMPLE_BYTES);
		if (send(s->fd, buf, metrics_encode(s->prefixes, buf), MSG_NOSIGNAL) < 0)
			s->dropped += 0; /* the parent is gone: nothing to tell */
		free(buf);
	}
	/* Counted like the store sink's full queue: said, not an error. */
	if (s->dropped)
		log_warn("%llu events dropped: the store writer fell behind (socket full)",
			 (unsigned long long)s->dropped);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s->buf);
	free(s);
	return 0;
}

static const struct sink_ops socket_sink_ops = {"socket", ss_emit, ss_flush, ss_stats, ss_close};

struct sink *socket_sink_new(int fd)
{
	struct socket_sink *s = xcalloc(1, sizeof(*s));

	s->base.ops = &socket_sink_ops;
	s->fd = fd;
	s->buf = xmalloc(EVENT_WIRE_MAX);
	pthread_mutex_init(&s->lock, NULL);
	return &s->base;
}

/* ---- the parent's end ---- */

enum start_state { START_WAITING, START_OK, START_FAILED, START_EOF };

struct socket_relay {
	int fd;
	const char *const *prefixes;
	struct sink *target;
	void (*on_eof)(void);
	unsigned long refused;
	pthread_t thread;
	/* the child's start message */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	enum start_state start;
	char reason[SOCKET_START_TEXT_MAX + 1];
};

static void set_start(struct socket_relay *r, enum start_state st, const uint8_t *text, size_t len)
{
	pthread_mutex_lock(&r->lock);
	if (r->start == START_WAITING) {
		r->start = st;
		/* The reason is the child's text: printable ASCII, bounded. */
		for (size_t i = 0; i < len && i < SOCKET_START_TEXT_MAX; i++)
			r->reason[i] = text[i] >= 0x20 && text[i] < 0x7f ? (char)text[i] : '?';
		r->reason[len < SOCKET_START_TEXT_MAX ? len : SOCKET_START_TEXT_MAX] = '\0';
	}
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
}

static void *relay_main(void *arg)
{
	static struct log_limit bad = LOG_LIMIT_INIT;
	struct socket_relay *r = arg;
	uint8_t *buf = xmalloc(EVENT_WIRE_MAX + 1);

	for (;;) {
		/* One message per recv: a longer one is cut (MSG_TRUNC tells its
		 * real length) and refused by the size check. */
		ssize_t n = recv(r->fd, buf, EVENT_WIRE_MAX + 1, MSG_TRUNC);
		struct event ev;
		struct err err;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (n >= 2 && buf[0] == 'I' && (buf[1] == 'S' || buf[1] == 'X')) {
			if (r->start != START_WAITING || (buf[1] == 'S' && n != 2) || n > 2 + SOCKET_START_TEXT_MAX)
				r->refused++;
			else
				set_start(r, buf[1] == 'S' ? START_OK : START_FAILED, buf + 2, (size_t)n - 2);
			continue;
		}
		if (n >= 2 && buf[0] == 'I' && buf[1] == 'M') {
			if (metrics_apply(buf, (size_t)n > EVENT_WIRE_MAX ? EVENT_WIRE_MAX : (size_t)n, r->prefixes)) {
				r->refused++;
				log_limited(&bad, LOG_WARN, "sensor child: malformed metrics message (refused)");
			}
			continue;
		}
		if (event_wire_decode(buf, (size_t)n > EVENT_WIRE_MAX + 1 ? EVENT_WIRE_MAX + 1 : (size_t)n, &ev,
				      &err)) {
			r->refused++;
			log_limited(&bad, LOG_WARN, "sensor child: %s (refused)", err.msg);
			continue;
		}
		sink_emit(r->target, &ev);
		event_free(&ev);
	}
	free(buf);
	set_start(r, START_EOF, NULL, 0);
	if (r->on_eof)
		r->on_eof();
	return NULL;
}

struct socket_relay *socket_relay_start(int fd, struct sink *target, const char *const *metric_prefixes,
				       void (*on_eof)(void), struct err *err)
{
	struct socket_relay *r = xcalloc(1, sizeof(*r));
	int rc;

	r->fd = fd;
	r->prefixes = metric_prefixes;
	r->target = target;
	r->on_eof = on_eof;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	rc = pthread_create(&r->thread, NULL, relay_main, r);
	if (rc) {
		err_set(err, "relay thread: %s", strerror(rc));
		close(fd);
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->changed);
		free(r);
		return NULL;
	}
	return r;
}

unsigned long socket_relay_join(struct socket_relay *r)
{
	unsigned long refused;

	pthread_join(r->thread, NULL);
	close(r->fd);
	refused = r->refused;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->changed);
	free(r);
	return refused;
}

int socket_relay_wait_started(struct socket_relay *r, int timeout_ms, struct err *err)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while (r->start == START_WAITING && rc == 0)
		rc = pthread_cond_timedwait(&r->changed, &r->lock, &until);
	switch (r->start) {
	case START_OK:
		rc = 0;
		break;
	case START_FAILED:
		rc = err_set(err, "%s", r->reason[0] ? r->reason : "the child failed to start");
		break;
	case START_EOF:
		rc = err_set(err, "the child exited during start-up");
		break;
	default:
		rc = err_set(err, "the child did not start within %g s", timeout_ms / 1000.0);
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}
