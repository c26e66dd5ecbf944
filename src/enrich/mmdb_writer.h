/* mmdb_writer.h - writes a small MaxMind DB (format 2.0) file.
 *
 * For tests and benchmarks: it turns the same ranges the range table loads
 * into an MMDB that libmaxminddb reads, so both can be asked the same
 * questions. An IPv6 tree (IPv4 under ::/96), 32-bit records; each range
 * becomes the CIDR blocks covering it, with one record per range: a map with
 * autonomous_system_number (uint32) + autonomous_system_organization when
 * asn is non-zero, and country_code when cc is given (ip-location-db's
 * layout, the default), or another vendor's layout (mmdb_writer_layout).
 * Ranges must not overlap. */
#ifndef IOTMON_MMDB_WRITER_H
#define IOTMON_MMDB_WRITER_H

#include <stdint.h>

#include "core/err.h"
#include "core/ipaddr.h"

struct mmdb_writer;

enum mmdb_layout {
	MMDB_LAYOUT_IPLOCATIONDB, /* autonomous_system_number, ..._organization, country_code */
	MMDB_LAYOUT_GEOLITE2,	  /* autonomous_system_number, ..._organization, country: {iso_code} */
	MMDB_LAYOUT_IPINFO,	  /* asn: "AS123", as_name, country_code */
};

struct mmdb_writer *mmdb_writer_new(const char *database_type, uint64_t build_epoch);
void mmdb_writer_free(struct mmdb_writer *w);
/* Record layout of the ranges added afterwards. */
void mmdb_writer_layout(struct mmdb_writer *w, enum mmdb_layout layout);
/* [start, end], both of one family; returns -1 when end < start or the
 * families differ. */
int mmdb_writer_add_range(struct mmdb_writer *w, const struct ipaddr *start, const struct ipaddr *end,
			  uint32_t asn, const char *as_name, const char *cc);
int mmdb_writer_write(struct mmdb_writer *w, const char *path, struct err *err);

#endif
