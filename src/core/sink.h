/* sink.h - where sensors hand their events.
 *
 * Sensors never talk to a database: they emit into a sink. On one machine
 * the sink is the local store (store_sink.c, batched by a writer thread); a
 * multi-sensor deployment puts a network publisher here instead, without
 * touching any sensor.
 *
 * Contract: emit() copies the event (the caller keeps ownership of its own)
 * and may block briefly when the sink is full, unless the sink was made for
 * a live sensor: then a full sink drops the event and counts it (dropped),
 * because an event loop that waits on a disk can be stalled from outside.
 * It is thread-safe. An event is *accepted* once flush() has returned 0
 * after it, or once the sink has committed it on its own schedule; every
 * emitted event ends committed or dropped. close() flushes and frees. */
#ifndef IOTMON_SINK_H
#define IOTMON_SINK_H

#include <stdint.h>

#include "err.h"
#include "event.h"

struct sink;

struct sink_stats {
	uint64_t emitted; /* handed to the sink */
	uint64_t committed; /* durably stored (new or already known) */
	uint64_t inserted; /* new in the store (the rest were duplicates) */
	uint64_t failed_batches; /* commits that failed and were retried */
	uint64_t dropped; /* refused (sink full) or given up (store failing at shutdown) */
};

struct sink_ops {
	const char *name;
	int (*emit)(struct sink *s, const struct event *ev);
	int (*flush)(struct sink *s, struct err *err);
	void (*stats)(struct sink *s, struct sink_stats *out);
	/* Flushes, then frees; returns -1 if events could not be stored. */
	int (*close)(struct sink *s, struct err *err);
};

struct sink {
	const struct sink_ops *ops;
};

static inline int sink_emit(struct sink *s, const struct event *ev)
{
	return s->ops->emit(s, ev);
}

static inline int sink_flush(struct sink *s, struct err *err)
{
	return s->ops->flush(s, err);
}

static inline void sink_stats(struct sink *s, struct sink_stats *out)
{
	s->ops->stats(s, out);
}

static inline int sink_close(struct sink *s, struct err *err)
{
	return s ? s->ops->close(s, err) : 0;
}

/* A sink that counts and drops (--no-store). */
struct sink *null_sink_new(void);

#endif
