/* obs_detail.h - an observation's device and network from a joined row.
 *
 * Both backends answer query_observation_details with the same columns
 * after the observation's own: a "device known" flag, vendor, type, model,
 * firmware, rule, probed_us, expires_us, then a "network known" flag, name,
 * cc, abuse_contact. Each reads its row its own way (a column_reader); the
 * layout and what fills what are here once. */
#ifndef IOTMON_OBS_DETAIL_H
#define IOTMON_OBS_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* How one backend reads column col of the current row. */
struct column_reader {
	bool (*flag)(const void *row, int col);
	int64_t (*int64)(const void *row, int col);
	void (*text)(const void *row, int col, char *dst, size_t size); /* cut to fit, NUL-terminated */
};

/* Fills dev and net from the columns from col on and points d at those
 * known; d->obs (o) must be filled already (its ip and asn are theirs). */
void obs_detail_read(const struct column_reader *r, const void *row, int col, struct observation_detail *d,
		     struct device *dev, struct network *net);

#endif
