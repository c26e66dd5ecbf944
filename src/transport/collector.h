/* collector.h - the central consumer: JetStream stream -> store.
 *
 * A durable pull consumer on the central stream. A fetch thread fetches and
 * decodes messages (batches of events, event_batch.h, or one JSON event)
 * while the caller's thread commits the previous batch with one
 * store_insert_events() transaction and only then acknowledges its messages. A crash between commit and acknowledgement redelivers the
 * batch; the event identity makes the second insert a no-op (counted as
 * duplicates). A message that is not a valid event is published to the
 * dead-letter subject (a stream of its own), counted, logged at most every
 * few seconds and acknowledged, so it never blocks the stream. While the
 * store refuses a batch nothing is acknowledged; the batch is retried with
 * exponential backoff (its messages kept in progress). */
#ifndef IOTMON_COLLECTOR_H
#define IOTMON_COLLECTOR_H

#include <signal.h>
#include <stdint.h>

#include "core/config.h"
#include "jetstream.h"
#include "store/store.h"

struct collector_options {
	struct js_settings js;
	const char *durable;
	const char *dead_letter; /* subject */
	const char *const *sources; /* leaf JetStream domains the stream sources */
	size_t nsources;
	int batch;
	int ack_wait_s;
	const struct enricher *enricher; /* may be NULL */
	/* Called after each committed batch (before the acknowledgements);
	 * NULL for none. For measurements (bench/scale: accept -> commit). */
	void (*committed)(const struct event *evs, size_t n, void *arg);
	void *committed_arg;
};

/* Fills opt from [transport] and [collector]; sources point into *list
 * (free it with free()). */
void collector_options_from(const struct config *cfg, struct collector_options *opt, char ***list);

struct collector_stats {
	uint64_t received, stored, duplicates, dead_letters, store_failures;
	int64_t lag; /* messages in the stream not yet delivered to us */
};

/* Consumes until *stop is set; once consuming, calls ready(arg). Returns 0
 * (the last fetched batch committed and acknowledged, or left for
 * redelivery if the store refused it) or -1 with err when the stream or
 * consumer cannot be set up while the server answers. */
int collector_run(struct store *store, const struct collector_options *opt, volatile sig_atomic_t *stop,
		  void (*ready)(void *arg), void *arg, struct collector_stats *stats, struct err *err);

#endif
