/* socket_sink.c - a sink across a process boundary. */
#include "socket_sink.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "event_wire.h"
#include "log.h"
#include "xalloc.h"

struct socket_sink {
	struct sink base;
	int fd;
	pthread_mutex_t lock;
	uint8_t *buf; /* EVENT_WIRE_MAX */
	uint64_t emitted, sent, dropped;
};

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
		w = n ? send(s->fd, s->buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) : -1;
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

struct socket_relay {
	int fd;
	struct sink *target;
	void (*on_eof)(void);
	unsigned long refused;
	pthread_t thread;
};

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
	if (r->on_eof)
		r->on_eof();
	return NULL;
}

struct socket_relay *socket_relay_start(int fd, struct sink *target, void (*on_eof)(void), struct err *err)
{
	struct socket_relay *r = xcalloc(1, sizeof(*r));
	int rc;

	r->fd = fd;
	r->target = target;
	r->on_eof = on_eof;
	rc = pthread_create(&r->thread, NULL, relay_main, r);
	if (rc) {
		err_set(err, "relay thread: %s", strerror(rc));
		close(fd);
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
	free(r);
	return refused;
}
