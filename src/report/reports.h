/* reports.h - aggregated reports for policy makers and manufacturers.
 *
 * Both read the store and write one of four forms into a strbuf: a text
 * table (terminal), CSV, JSON or an SVG chart. Neither ever prints an IP
 * address: they count infected devices (distinct source IPs).
 *
 * countries: infected devices per UTC day per country (observations), the
 * mean per day over the range, the peak, and per million inhabitants from
 * the population table; ranked by per-million figure (countries without a
 * population row are listed after the ranking, unranked).
 *
 * manufacturers: per vendor / model / firmware of characterized devices
 * (the devices table) observed infected in the range: devices, share of all
 * characterized infected devices, devices per ISO week (Monday start),
 * families, and infection vectors (devices seen trying credentials, devices
 * seen sending exploits, and the CVEs). */
#ifndef IOTMON_REPORTS_H
#define IOTMON_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "report/population.h"
#include "store/store.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON, REPORT_SVG };

/* "text", "csv", "json", "svg"; -1 for anything else. */
int report_format_parse(const char *s);

struct report_range {
	int64_t from, to; /* UTC days, inclusive; INT64_MIN / INT64_MAX: from the data */
};

/* daily: CSV/text list (day, country) rows instead of the ranking. */
int report_countries(struct store *s, const struct report_range *r, const struct population *pop, bool daily,
		     enum report_format fmt, struct strbuf *out, struct err *err);

int report_manufacturers(struct store *s, const struct report_range *r, enum report_format fmt, struct strbuf *out,
			 struct err *err);

#endif
