/* nats_sink.h - a sink that publishes events to NATS JetStream.
 *
 * What a sensor uses instead of the store sink when [transport] nats is set.
 * By default each event is one message, its JSON line, on subject
 * PREFIX.<sensor name> with the event identity as the JetStream message id,
 * so a re-sent event is dropped by the server's duplicate window (and any
 * that gets past it by the store's identity); any JetStream client can read
 * the stream. With batch_events > 1 events go in batch messages
 * (event_batch.h: up to batch_events events of one sensor, at most 2 ms old)
 * with the first event's identity and the count as the message id: the
 * server's cost is per message, so this is what lets one sensor publish
 * hundreds of thousands of events a second (docs/performance.md); only
 * `iotmon collect` reads those messages.
 *
 * Publishing is asynchronous with at most max_pending unacknowledged
 * messages; an event is *accepted* (sink_stats committed) once JetStream has
 * acknowledged its message. The server is meant to be the host's own leaf node with a
 * disk-backed stream (docs/deploy.md), so a sensor keeps working while the
 * central site is away; while the leaf itself is down, events wait in memory
 * (emit() blocks at queue_max) and unacknowledged ones are published again. */
#ifndef IOTMON_NATS_SINK_H
#define IOTMON_NATS_SINK_H

#include <stddef.h>

#include "core/sink.h"
#include "jetstream.h"

struct nats_sink_options {
	struct js_settings js;
	int max_pending; /* unacknowledged publishes at most */
	size_t queue_max; /* waiting events before emit() blocks */
	int ack_timeout_ms; /* no acknowledgement for this long: publish again */
	int close_timeout_ms; /* flush()/close() give up after this */
	unsigned batch_events; /* events per message at most; 0 or 1: one JSON event each */
};

/* Connects (or keeps trying in the background); NULL and err only when the
 * URL or the client library refuses. */
struct sink *nats_sink_new(const struct nats_sink_options *opt, struct err *err);

#endif
