/* figures.h - the one analysis layer behind every figure the dashboard and
 * `iotmon report` show: a period resolved against the data, daily series,
 * per-country figures (per million inhabitants), and groups by network and
 * family. report/ and web/ only render what these return, so the page and
 * the report cannot disagree for the same store and period.
 *
 * Counting rule: an infected device is a source IP with an observation (one
 * per IP and UTC day, see store.h). Within a period a device counts once per
 * group, however many days it was seen. Nothing here returns an address:
 * only counts per country, network, family, manufacturer and model. */
#ifndef IOTMON_WEB_FIGURES_H
#define IOTMON_WEB_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "report/population.h"
#include "store/store.h"

/* What a caller asks for; open ends come from the data. */
struct figures_request {
	int64_t from, to; /* UTC days, inclusive; INT64_MIN / INT64_MAX: from the data */
	int last_days; /* > 0 with an open from: the last N days up to `to`, but
			  never before the first day with data */
	bool complete_days; /* an open `to` stops at yesterday when the data
			       reach today (today's partial day left out) */
};

/* A drill-down: only observations of this country / network / family. */
struct figures_filter {
	char cc[3]; /* "" any */
	bool has_asn;
	uint32_t asn;
	bool has_family;
	char family[EVENT_FAMILY_MAX]; /* "" the unknown family */
};

struct figures_period {
	int64_t from_day, to_day; /* inclusive, UTC days */
	int days;
	bool today_left_out; /* the data reach today, which was left out */
	struct figures_filter filter;
};

/* Resolves rq against the store's observation span into p (filter empty). */
int figures_period(struct store *s, const struct figures_request *rq, struct figures_period *p, struct err *err);

/* Observations per day in the period: counts[i * p->days + d] for country
 * ccs[i] (ncc of them) and all[d] for every country. */
int figures_daily(struct store *s, const struct figures_period *p, char (*ccs)[3], size_t ncc, uint64_t *counts,
		uint64_t *all, struct err *err);

/* One group of a table. */
struct figures_row {
	char key[160]; /* country code, "AS64500", family, vendor or "vendor\x1fmodel" */
	char name[128]; /* AS name; model */
	char cc[3]; /* network's country; device type for models */
	char type[32];
	uint32_t asn;
	uint64_t devices; /* distinct devices in the period */
	uint64_t last_day; /* devices on the period's last day */
	uint64_t device_days; /* observations: (device, day) pairs in the period */
};

struct figures_table {
	struct figures_row *rows; /* most devices first, then by key */
	size_t n, cap;
	size_t *index; /* hash of key -> row + 1 */
	size_t index_cap;
};

enum figures_by { FIGURES_BY_COUNTRY, FIGURES_BY_NETWORK, FIGURES_BY_FAMILY };

void figures_table_init(struct figures_table *t);
void figures_table_free(struct figures_table *t);
/* Groups the period's devices by country, network or family. */
int figures_group(struct store *s, const struct figures_period *p, enum figures_by by, struct figures_table *t,
		struct err *err);
/* Infected devices per destination port: for each port, the distinct
 * sources of the period's events to that port whose (source, day) has an
 * observation within the filter. Rows keyed by the port number ("23"),
 * asn = the port; events without a port are not counted. */
int figures_ports(struct store *s, const struct figures_period *p, struct figures_table *t, struct err *err);
/* One country of figures_countries. */
struct figures_country {
	char cc[3];
	const struct population_row *pop; /* NULL: no population row */
	uint64_t devices; /* distinct devices in the period */
	uint64_t last_day; /* devices on the period's last day */
	uint64_t device_days; /* observations in the period */
	uint64_t peak; /* most devices on one day */
	double mean_per_day; /* device_days / days */
	double per_million; /* mean_per_day per million inhabitants; 0 without pop */
	int rank; /* 1.. by per_million; 0: unranked (no population) */
	uint64_t *daily; /* devices per day of the period (days entries) */
};

struct figures_countries {
	struct figures_country *v; /* ranked first (per million, then mean per day, then code), unranked after */
	size_t n;
	uint64_t unknown_devices, unknown_device_days; /* without a country */
};

/* Countries of the period; pop may be NULL. */
int figures_countries(struct store *s, const struct figures_period *p, const struct population *pop,
		      struct figures_countries *out, struct err *err);
void figures_countries_free(struct figures_countries *c);

#endif
