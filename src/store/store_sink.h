/* store_sink.h - a sink that batches events into the local store.
 *
 * A writer thread owns the store while the sink is open: it commits a batch
 * when batch_max events wait, or early enough that the oldest waiting
 * event is committed interval_ms after it arrived (the batch starts as
 * long before that as a commit recently took), so an accepted event is
 * durable within interval_ms while a commit takes less than half of it. When queue_max events (or queue_max_bytes) wait (the store is slower
 * than the sensors, or the disk is full), emit() blocks (imports:
 * backpressure) or, with never_block (live sensors), drops the event and
 * counts it: /metrics iotmon_events_dropped_total and the stop line.
 *
 * A failed commit is retried with half the batch each time (a batch that
 * does not fit in what is left of the disk still goes in pieces), the log
 * line at most once per 10 s. While the store's folder has less than
 * min_free_bytes free, nothing is attempted. Once flush() or close() asks,
 * a store that keeps failing is given up after give_up_ms and its events
 * are counted dropped, so a full disk cannot hold SIGTERM. */
#ifndef IOTMON_STORE_SINK_H
#define IOTMON_STORE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sink.h"
#include "store.h"

struct store_sink_options {
	size_t batch_max; /* events per transaction at most */
	int interval_ms; /* an event is committed within this of its arrival */
	size_t queue_max; /* waiting events before emit() blocks */
	size_t queue_max_bytes; /* and what they hold at most; 0: no bound */
	const struct enricher *enricher; /* may be NULL */
	bool never_block; /* live sensors: drop and count when full */
	const char *watch_dir; /* folder whose free space is watched; NULL: none */
	uint64_t min_free_bytes;
	int give_up_ms; /* at flush/close; 0: 3000 */
	int retention_days; /* events older than this many UTC days are dropped once a day; 0 keeps */
};

/* The sink uses store from its own thread until closed; the caller must not
 * use the store meanwhile, and closes it after sink_close(). */
struct sink *store_sink_new(struct store *store, const struct store_sink_options *opt);

#endif
