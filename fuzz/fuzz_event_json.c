/* Fuzz target: one line of `iotmon import events` (canonical event JSON),
 * parsed, printed and parsed again: the second parse must succeed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event ev, again;
	struct err err;
	char *json;

	if (event_from_json((const char *)data, size, &ev, &err) != 0)
		return 0;
	json = event_to_json(&ev);
	if (event_from_json(json, strlen(json), &again, &err) != 0)
		abort(); /* what we print we must read */
	(void)event_uid(&again);
	event_free(&again);
	free(json);
	event_free(&ev);
	return 0;
}
