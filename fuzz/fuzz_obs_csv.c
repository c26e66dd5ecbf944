/* fuzz_obs_csv.c - the observations CSV parser: the first line is a header,
 * every further line a record, as the importer feeds them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ingest/obs_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct obs_csv_header h;
	struct observation o;
	struct err err;
	const char *nl = memchr(p, '\n', size);

	if (!nl)
		nl = end;
	if (obs_csv_header(p, (size_t)(nl - p), &h, &err))
		return 0;
	for (p = nl < end ? nl + 1 : end; p < end;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (obs_csv_line(&h, p, (size_t)(nl - p), &o, &err) == 0 && o.ip.af != 4 && o.ip.af != 6)
			__builtin_trap(); /* an accepted line always has an address */
		p = nl < end ? nl + 1 : end;
	}
	return 0;
}
