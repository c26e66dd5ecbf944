/* event_batch.h - several events in one JetStream message.
 *
 * Each message costs the NATS server about the same whatever its size (on
 * the development machine ~15 us of server CPU to store and acknowledge a
 * publish, ~10 us to deliver and take an acknowledgement), so a sensor
 * sends its events in batches, and the collector stores and acknowledges
 * whole messages. Every event in a batch keeps its identity; the store's
 * identity makes a re-sent batch harmless, and JetStream's duplicate window
 * drops a re-sent message (its id is the first event's identity and the
 * count).
 *
 * Layout (little-endian): "IB" version(1) count(2), then count times
 * length(4) + one event in the event_wire.h form. The collector treats a
 * message as hostile: each length is checked against what is left, each
 * event is decoded by event_wire_decode, and nothing is left over. */
#ifndef IOTMON_EVENT_BATCH_H
#define IOTMON_EVENT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"

#define EVENT_BATCH_MAX_EVENTS 4096

/* A batch being filled (the publisher side). */
struct event_batch {
	uint8_t *buf;
	size_t len, cap;
	unsigned count;
};

/* Empties b (keeping its buffer). */
void event_batch_reset(struct event_batch *b);
/* Appends ev; -1 when the event has a text too long for the wire form or
 * the batch holds EVENT_BATCH_MAX_EVENTS already (ev is then not added). */
int event_batch_add(struct event_batch *b, const struct event *ev);
/* The message: header written, b->buf[0, *len). */
const uint8_t *event_batch_finish(struct event_batch *b, size_t *len);
void event_batch_free(struct event_batch *b);

/* Whether data starts as a batch message does. */
bool event_batch_is(const void *data, size_t len);
/* Events in a batch message, from its header (0 when it is not one). */
unsigned event_batch_count(const void *data, size_t len);
/* Decodes every event of a batch message into *evs (malloc'ed array of *n;
 * event_free each, then free the array); -1 with err naming the event and
 * offset when anything is malformed (nothing is returned then). */
int event_batch_decode(const uint8_t *buf, size_t len, struct event **evs, size_t *n, struct err *err);

#endif
