/* Fuzz target: batch messages of events (event_batch_decode), which the
 * collector reads from the network as hostile input. A message that
 * decodes must encode again to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/event_batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_batch b = {0};
	struct event *evs;
	const uint8_t *again;
	struct err err;
	size_t n, len;

	if (event_batch_decode(data, size, &evs, &n, &err))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (event_batch_add(&b, &evs[i]))
			abort(); /* what we decoded we must be able to send */
		event_free(&evs[i]);
	}
	free(evs);
	again = event_batch_finish(&b, &len);
	if (event_batch_decode(again, len, &evs, &n, &err))
		abort();
	for (size_t i = 0; i < n; i++)
		event_free(&evs[i]);
	free(evs);
	event_batch_free(&b);
	return 0;
}
