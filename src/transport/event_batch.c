/* event_batch.c - batch messages of events (event_batch.h). */
#include "event_batch.h"

#include <stdlib.h>
#include <string.h>

#include "core/event_wire.h"
#include "core/xalloc.h"

#define BATCH_VERSION 1
#define HEAD 5

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void event_batch_reset(struct event_batch *b)
{
	b->len = HEAD;
	b->count = 0;
}

int event_batch_add(struct event_batch *b, const struct event *ev)
{
	size_t n;

	if (b->len < HEAD)
		event_batch_reset(b);
	if (b->count >= EVENT_BATCH_MAX_EVENTS)
		return -1;
	if (b->cap - b->len < 4 + EVENT_WIRE_MAX || !b->buf) {
		b->cap = b->len + 4 + EVENT_WIRE_MAX + b->cap;
		b->buf = xrealloc(b->buf, b->cap);
	}
	n = event_wire_encode(ev, b->buf + b->len + 4);
	if (n == 0)
		return -1;
	put32(b->buf + b->len, (uint32_t)n);
	b->len += 4 + n;
	b->count++;
	return 0;
}

const uint8_t *event_batch_finish(struct event_batch *b, size_t *len)
{
	if (b->len < HEAD)
		event_batch_reset(b);
	if (!b->buf) {
		b->cap = HEAD;
		b->buf = xmalloc(b->cap);
	}
	b->buf[0] = 'I';
	b->buf[1] = 'B';
	b->buf[2] = BATCH_VERSION;
	b->buf[3] = (uint8_t)b->count;
	b->buf[4] = (uint8_t)(b->count >> 8);
	*len = b->len;
	return b->buf;
}

void event_batch_free(struct event_batch *b)
{
	free(b->buf);
	*b = (struct event_batch){0};
}

bool event_batch_is(const void *data, size_t len)
{
	const uint8_t *p = data;

	return len >= 2 && p[0] == 'I' && p[1] == 'B';
}

unsigned event_batch_count(const void *data, size_t len)
{
	const uint8_t *p = data;

	return len >= HEAD && event_batch_is(data, len) ? (unsigned)(p[3] | p[4] << 8) : 0;
}

int event_batch_decode(const uint8_t *buf, size_t len, struct event **evs, size_t *n, struct err *err)
{
	unsigned count;
	size_t off = HEAD, i;
	struct event *out;

	*evs = NULL;
	*n = 0;
	if (len < HEAD || !event_batch_is(buf, len) || buf[2] != BATCH_VERSION)
		return err_set(err, "batch message: not a batch of version %d (%zu bytes)", BATCH_VERSION, len);
	count = event_batch_count(buf, len);
	if (count == 0 || count > EVENT_BATCH_MAX_EVENTS)
		return err_set(err, "batch message: %u events, expected 1-%d", count, EVENT_BATCH_MAX_EVENTS);
	/* Each event takes at least 4 bytes of length: no allocation beyond
	 * what the message itself can describe. */
	if ((len - HEAD) / 4 < count)
		return err_set(err, "batch message: %u events cannot fit in %zu bytes", count, len);
	out = xcalloc(count, sizeof(*out));
	for (i = 0; i < count; i++) {
		uint32_t m;

		if (len - off < 4) {
			err_set(err, "batch message: event %zu at offset %zu: length runs past the end (%zu bytes)", i, off,
				len);
			goto fail;
		}
		m = get32(buf + off);
		off += 4;
		if (m > len - off) {
			err_set(err, "batch message: event %zu at offset %zu: %u bytes, only %zu left", i, off - 4, m,
				len - off);
			goto fail;
		}
		if (event_wire_decode(buf + off, m, &out[i], err)) {
			err_prefix(err, "batch message: event %zu at offset %zu", i, off);
			goto fail;
		}
		off += m;
	}
	if (off != len) {
		err_set(err, "batch message: %zu bytes left over at offset %zu", len - off, off);
		goto fail;
	}
	*evs = out;
	*n = count;
	return 0;
fail:
	for (size_t j = 0; j < i; j++)
		event_free(&out[j]);
	free(out);
	return -1;
}
