/* stats.h - the aggregates behind the public pages, read from the store.
 *
 * Counting rule: an infected device is a source IP with an observation (one
 * per IP and UTC day, see store.h). Within a period a device counts once per
 * group, however many days it was seen. Nothing here returns an address:
 * only counts per country, network, family, manufacturer and model. */
#ifndef IOTMON_WEB_STATS_H
#define IOTMON_WEB_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct stats_period {
	int64_t from_day, to_day; /* inclusive, UTC days */
	int days;
};

/* The period of `days` days ending at to_day; to_day INT64_MIN means the
 * last day with observations (today when there are none). */
int stats_period(struct store *s, int64_t to_day, int days, struct stats_period *p, struct err *err);

/* Observations per day in the period: counts[i * p->days + d] for country
 * ccs[i] (ncc of them) and all[d] for every country. */
int stats_daily(struct store *s, const struct stats_period *p, char (*ccs)[3], size_t ncc, uint64_t *counts,
		uint64_t *all, struct err *err);

/* One group of a table. */
struct stats_row {
	char key[160]; /* country code, "AS64500", family, vendor or "vendor\x1fmodel" */
	char name[128]; /* AS name; model */
	char cc[3]; /* network's country; device type for models */
	char type[32];
	uint32_t asn;
	uint64_t devices; /* distinct devices in the period */
	uint64_t last_day; /* devices on the period's last day */
	uint64_t device_days; /* observations: (device, day) pairs in the period */
};

struct stats_table {
	struct stats_row *rows; /* most devices first, then by key */
	size_t n, cap;
	size_t *index; /* hash of key -> row + 1 */
	size_t index_cap;
};

enum stats_by { STATS_BY_COUNTRY, STATS_BY_NETWORK, STATS_BY_FAMILY };

void stats_table_init(struct stats_table *t);
void stats_table_free(struct stats_table *t);
/* Groups the period's devices by country, network or family. */
int stats_group(struct store *s, const struct stats_period *p, enum stats_by by, struct stats_table *t,
		struct err *err);
/* Devices with a stored device record, grouped by vendor and by
 * vendor+model; *all counts every infected device of the period,
 * *characterized those with a known vendor. */
int stats_manufacturers(struct store *s, const struct stats_period *p, struct stats_table *vendors,
			struct stats_table *models, uint64_t *characterized, uint64_t *all, struct err *err);

#endif
