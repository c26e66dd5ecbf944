/* Fuzz target: event messages from the sensor child (event_wire_decode),
 * which the privileged parent reads as hostile input. A message that
 * decodes must encode again and decode to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event ev, again;
	struct err err;
	uint8_t *buf;
	size_t n, m;

	if (event_wire_decode(data, size, &ev, &err))
		return 0;
	buf = malloc(2 * EVENT_WIRE_MAX);
	n = event_wire_encode(&ev, buf);
	if (n && event_wire_decode(buf, n, &again, &err) == 0) {
		m = event_wire_encode(&again, buf + EVENT_WIRE_MAX);
		if (m != n || memcmp(buf, buf + EVENT_WIRE_MAX, n) != 0)
			abort();
		event_free(&again);
	} else if (n) {
		abort(); /* what we encode we must read back */
	}
	event_free(&ev);
	free(buf);
	return 0;
}
