/* store_sink.h - a sink that batches events into the local store.
 *
 * A writer thread owns the store while the sink is open: it commits a batch
 * when batch_max events wait or when the oldest waiting event is
 * interval_ms old, whichever comes first, so an accepted event is durable
 * within about a second. emit() blocks when queue_max events wait (the
 * store is slower than the sensors): backpressure, never silent loss. A
 * failed commit is logged and retried; nothing is dropped. */
#ifndef IOTMON_STORE_SINK_H
#define IOTMON_STORE_SINK_H

#include <stddef.h>

#include "core/sink.h"
#include "store.h"

struct store_sink_options {
	size_t batch_max; /* events per transaction at most */
	int interval_ms; /* oldest waiting event is committed within this */
	size_t queue_max; /* waiting events before emit() blocks */
	const struct enricher *enricher; /* may be NULL */
	int retention_days; /* events older than this many UTC days are dropped once a day; 0 keeps */
};

/* The sink uses store from its own thread until closed; the caller must not
 * use the store meanwhile, and closes it after sink_close(). */
struct sink *store_sink_new(struct store *store, const struct store_sink_options *opt);

#endif
