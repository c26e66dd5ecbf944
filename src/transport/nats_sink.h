/* nats_sink.h - a sink that publishes events to NATS JetStream.
 *
 * What a sensor uses instead of the store sink when [transport] nats is set.
 * Each event goes as its canonical JSON line (docs/events.md) to subject
 * PREFIX.<sensor name>, with the event identity as the JetStream message id,
 * so a re-sent event is dropped by the server's duplicate window.
 *
 * Publishing is asynchronous with at most max_pending unacknowledged
 * messages; an event is *accepted* (sink_stats committed) once JetStream has
 * acknowledged it. The server is meant to be the host's own leaf node with a
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
