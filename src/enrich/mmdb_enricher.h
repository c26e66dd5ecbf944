/* mmdb_enricher.h - network and country from an MMDB file (libmaxminddb).
 *
 * Works with any vendor's layout because the record paths are given: each
 * of asn / as_name / cc is a list of dotted paths tried in order (GeoLite2
 * and DB-IP: autonomous_system_number, country.iso_code; IPinfo: asn as
 * "AS123", as_name, country_code; ip-location-db: country_code). The answer's
 * data_time_us is the database's build_epoch. */
#ifndef IOTMON_MMDB_ENRICHER_H
#define IOTMON_MMDB_ENRICHER_H

#include <stdint.h>

#include "core/enrichment.h"
#include "core/err.h"

struct mmdb_enricher;

/* Path lists are comma-separated (a config LIST value); an empty list means
 * the field is not read from this file. */
struct mmdb_enricher *mmdb_enricher_open(const char *path, const char *asn_paths, const char *as_name_paths,
					 const char *cc_paths, struct err *err);
void mmdb_enricher_close(struct mmdb_enricher *m);
const struct enricher *mmdb_enricher_get(struct mmdb_enricher *m);
/* build_epoch in µs, and the database_type text. */
int64_t mmdb_enricher_build_us(const struct mmdb_enricher *m);
const char *mmdb_enricher_type(const struct mmdb_enricher *m);

#endif
