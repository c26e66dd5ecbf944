/* obs_batch.h - folding a batch of new events into observations.
 *
 * A store turns each batch of newly inserted events into one observation
 * per (source IP, UTC day) before it writes them, so a burst of a thousand
 * logins from one bot costs one row update, not a thousand. Any store
 * implementation can use it; the merge rules match the stores' upsert:
 * widen first/last, OR the kinds, add the counts, keep the latest known
 * family. */
#ifndef IOTMON_OBS_BATCH_H
#define IOTMON_OBS_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct obs_batch {
	struct observation *rows;
	size_t n, cap;
	uint32_t *slots; /* open addressing: index + 1 into rows, 0 = empty */
	size_t nslots;
};

void obs_batch_init(struct obs_batch *b);
void obs_batch_free(struct obs_batch *b);
void obs_batch_reset(struct obs_batch *b);
/* Adds ev if its kind makes its source listed (KINDS_INFECTED) and its
 * source can be a device (addrclass.h). */
void obs_batch_add(struct obs_batch *b, const struct event *ev);

#endif
