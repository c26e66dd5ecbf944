/* nats_sink.h - a sink that publishes events to NATS JetStream.
 *
 * What a sensor uses instead of the store sink when [transport] nats is set.
 * Events go in batch messages (event_batch.h: up to 128 events of one
 * sensor, at most 2 ms old) to subject PREFIX.<sensor name>, with the first
 * event's identity and the count as the JetStream message id, so a re-sent
 * message is dropped by the server's duplicate window (and any event that
 * gets past it by the store's identity).
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
};

/* Connects (or keeps trying in the background); NULL and err only when the
 * URL or the client library refuses. */
struct sink *nats_sink_new(const struct nats_sink_options *opt, struct err *err);

#endif
