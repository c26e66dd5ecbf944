/* event_wire.c - events as messages between a sensor child and its parent. */
#include "event_wire.h"

#include <string.h>

#define WIRE_VERSION 1
#define HEAD 66 /* bytes before the first string */
#define ABSENT 0xffffffffu

static void put(uint8_t **p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		*(*p)++ = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_fixed(uint8_t **p, const char *s, size_t size)
{
	size_t n = strnlen(s, size - 1);

	*(*p)++ = (uint8_t)n;
	memcpy(*p, s, n);
	*p += n;
}

static int put_text(uint8_t **p, const char *s)
{
	size_t n;

	if (!s) {
		put(p, ABSENT, 4);
		return 0;
	}
	n = strlen(s);
	if (n > EVENT_WIRE_TEXT_MAX)
		return -1;
	put(p, n, 4);
	memcpy(*p, s, n);
	*p += n;
	return 0;
}

size_t event_wire_encode(const struct event *ev, uint8_t *buf)
{
	uint8_t *p = buf;

	*p++ = 'I';
	*p++ = 'E';
	*p++ = WIRE_VERSION;
	*p++ = (uint8_t)ev->kind;
	*p++ = (uint8_t)ev->transport;
	*p++ = (uint8_t)(ev->success + 1);
	*p++ = ev->src.af;
	*p++ = ev->dst.af;
	put(&p, (uint64_t)ev->time_us, 8);
	put(&p, ev->seq, 4);
	put(&p, ev->src_port, 2);
	put(&p, ev->dst_port, 2);
	put(&p, ev->packets, 8);
	memcpy(p, ev->src.b, 16);
	p += 16;
	memcpy(p, ev->dst.b, 16);
	p += 16;
	put(&p, 0, 2); /* reserved */
	put_fixed(&p, ev->sensor, sizeof(ev->sensor));
	put_fixed(&p, ev->family, sizeof(ev->family));
	put_fixed(&p, ev->session, sizeof(ev->session));
	put_fixed(&p, ev->sha256, sizeof(ev->sha256));
	if (put_text(&p, ev->username) || put_text(&p, ev->password) || put_text(&p, ev->input) ||
	    put_text(&p, ev->url) || put_text(&p, ev->cve) || put_text(&p, ev->extra))
		return 0;
	return (size_t)(p - buf);
}

struct reader {
	const uint8_t *buf;
	size_t len, off;
	struct err *err;
};

static int need(struct reader *r, size_t n, const char *what)
{
	if (r->len - r->off < n)
		return err_set(r->err, "event message: %s at offset %zu runs past the end (%zu bytes)", what, r->off,
			       r->len);
	return 0;
}

static int get_fixed(struct reader *r, char *dst, size_t size, const char *what)
{
	size_t n;

	if (need(r, 1, what))
		return -1;
	n = r->buf[r->off];
	if (n >= size)
		return err_set(r->err, "event message: %s at offset %zu: %zu bytes, at most %zu", what, r->off, n,
			       size - 1);
	r->off++;
	if (need(r, n, what))
		return -1;
	event_set_fixed(dst, size, (const char *)r->buf + r->off, n);
	r->off += n;
	return 0;
}

static int get_text(struct reader *r, char **dst, const char *what)
{
	uint32_t n;

	if (need(r, 4, what))
		return -1;
	n = (uint32_t)get(r->buf + r->off, 4);
	r->off += 4;
	if (n == ABSENT)
		return 0;
	if (n > EVENT_WIRE_TEXT_MAX)
		return err_set(r->err, "event message: %s at offset %zu: %u bytes, at most %d", what, r->off - 4, n,
			       EVENT_WIRE_TEXT_MAX);
	if (need(r, n, what))
		return -1;
	event_set_text(dst, (const char *)r->buf + r->off, n);
	r->off += n;
	return 0;
}

int event_wire_decode(const uint8_t *buf, size_t len, struct event *ev, struct err *err)
{
	struct reader r = {buf, len, HEAD, err};
	const uint8_t *p = buf;

	event_init(ev);
	if (len < HEAD || len > EVENT_WIRE_MAX || p[0] != 'I' || p[1] != 'E' || p[2] != WIRE_VERSION)
		return err_set(err, "event message: not an event (%zu bytes)", len);
	if (p[3] >= EVENT_KIND_COUNT || p[4] >= TRANSPORT_COUNT || p[5] > 2)
		return err_set(err, "event message: kind %u, transport %u or success %u out of range", p[3], p[4],
			       p[5]);
	if ((p[6] != 0 && p[6] != 4 && p[6] != 6) || (p[7] != 0 && p[7] != 4 && p[7] != 6))
		return err_set(err, "event message: address family %u/%u", p[6], p[7]);
	ev->kind = (enum event_kind)p[3];
	ev->transport = (enum transport)p[4];
	ev->success = (int8_t)(p[5] - 1);
	ev->src.af = p[6];
	ev->dst.af = p[7];
	ev->time_us = (int64_t)get(p + 8, 8);
	ev->seq = (uint32_t)get(p + 16, 4);
	ev->src_port = (uint16_t)get(p + 20, 2);
	ev->dst_port = (uint16_t)get(p + 22, 2);
	ev->packets = get(p + 24, 8);
	memcpy(ev->src.b, p + 32, 16);
	memcpy(ev->dst.b, p + 48, 16);
	/* bytes 64-65 reserved */
	if (get_fixed(&r, ev->sensor, sizeof(ev->sensor), "sensor") ||
	    get_fixed(&r, ev->family, sizeof(ev->family), "family") ||
	    get_fixed(&r, ev->session, sizeof(ev->session), "session") ||
	    get_fixed(&r, ev->sha256, sizeof(ev->sha256), "sha256") || get_text(&r, &ev->username, "username") ||
	    get_text(&r, &ev->password, "password") || get_text(&r, &ev->input, "input") ||
	    get_text(&r, &ev->url, "url") || get_text(&r, &ev->cve, "cve") || get_text(&r, &ev->extra, "extra"))
		goto fail;
	if (r.off != len) {
		err_set(err, "event message: %zu bytes left over at offset %zu", len - r.off, r.off);
		goto fail;
	}
	return 0;
fail:
	event_free(ev);
	event_init(ev);
	return -1;
}
