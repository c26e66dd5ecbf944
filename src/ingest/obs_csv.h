/* obs_csv.h - the observations CSV format (`iotmon import observations`).
 *
 * A header line names the columns, in any order: `ip` and `date` are
 * required; `asn`, `cc`, `family` and `treatment` are optional. Then one
 * infected IP per day per line. Fields may be quoted ("a,b", "" for a
 * quote); spaces around a field are ignored.
 *   ip        IPv4 or IPv6 address
 *   date      YYYY-MM-DD, or an RFC 3339 time (its UTC day counts)
 *   asn       AS number, with or without "AS"; empty: unknown
 *   cc        ISO 3166 alpha-2 country code (case-insensitive); empty: unknown
 *   family    malware family: 1-31 of [A-Za-z0-9._-]; empty: unknown
 *   treatment notification group: 1-31 of [A-Za-z0-9._-]; empty: none
 * Every line must have as many fields as the header. */
#ifndef IOTMON_OBS_CSV_H
#define IOTMON_OBS_CSV_H

#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

#define OBS_CSV_MAX_COLS 6
#define OBS_CSV_MAX_FIELD 128

enum obs_col { OBS_COL_IP, OBS_COL_DATE, OBS_COL_ASN, OBS_COL_CC, OBS_COL_FAMILY, OBS_COL_TREATMENT };

struct obs_csv_header {
	int ncols;
	enum obs_col col[OBS_CSV_MAX_COLS]; /* what each position holds */
};

/* Parses the header; a UTF-8 byte order mark in front is skipped. */
int obs_csv_header(const char *line, size_t len, struct obs_csv_header *h, struct err *err);
/* Parses one data line into o (zeroed first; source "import", one event,
 * first/last at 00:00 UTC of the day). */
int obs_csv_line(const struct obs_csv_header *h, const char *line, size_t len, struct observation *o,
		 struct err *err);

#endif
