/* null_sink.c - a sink that counts events and keeps none (--no-store). */
#include <stdatomic.h>
#include <stdlib.h>

#include "sink.h"
#include "xalloc.h"

struct null_sink {
	struct sink base;
	atomic_uint_least64_t emitted;
};

static int null_emit(struct sink *s, const struct event *ev)
{
	(void)ev;
	atomic_fetch_add(&((struct null_sink *)s)->emitted, 1);
	return 0;
}

static int null_flush(struct sink *s, struct err *err)
{
	(void)s;
	(void)err;
	return 0;
}

static void null_stats(struct sink *s, struct sink_stats *out)
{
	out->emitted = atomic_load(&((struct null_sink *)s)->emitted);
	out->committed = out->inserted = out->failed_batches = out->dropped = 0;
}

static int null_close(struct sink *s, struct err *err)
{
	(void)err;
	free(s);
	return 0;
}

static const struct sink_ops null_ops = {"null", null_emit, null_flush, null_stats, null_close};

struct sink *null_sink_new(void)
{
	struct null_sink *s = xcalloc(1, sizeof(*s));

	s->base.ops = &null_ops;
	return &s->base;
}
