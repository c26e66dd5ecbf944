/* enrich.h - the configured enrichment sources as one enricher.
 *
 * [enrich] names an ASN source (an MMDB and/or range CSVs) and a country
 * source (an MMDB and/or range CSVs), paths relative to the data folder
 * (core/datadir.h). The combined enricher asks each source in turn (ASN
 * CSVs, ASN MMDB, country CSVs, country MMDB: local range files override a
 * big database) and keeps the first answer for each field; data_time_us is
 * the newest date among the sources that answered (each CSV file is a
 * source with its own date). A configured file that is missing is skipped, so the same
 * defaults work with and without `make data`. */
#ifndef IOTMON_ENRICH_H
#define IOTMON_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/enrichment.h"
#include "core/err.h"

struct enrich;

/* Loads every configured source that exists. Returns NULL and sets err
 * when no source could be loaded (or one is present but unreadable). */
struct enrich *enrich_open(const struct config *cfg, struct err *err);
void enrich_close(struct enrich *e);
const struct enricher *enrich_enricher(struct enrich *e);
/* One line naming the sources loaded and their dates, for logs. */
const char *enrich_describe(const struct enrich *e);
/* Newest date among the loaded sources (µs). */
int64_t enrich_data_time(const struct enrich *e);

/* The date of a range CSV: the ip-location-db package version (…YYYYMMDDHH)
 * in a VERSION file beside it when there is one, else the file's mtime;
 * 0 when neither is known. */
int64_t enrich_csv_date(const char *path);

#endif
