/* range_table.h - IP ranges to network and country, in memory.
 *
 * Loads ip-location-db range CSVs: `start,end,asn,org` (ASN files) and
 * `start,end,cc` (country files), addresses textual (1.0.0.0, 2001::) or
 * numeric (16777216, a decimal up to 2^128-1; above 2^32-1 means IPv6), IPv4 and
 * IPv6 in one table. After range_table_finish() the table is two sorted
 * arrays (IPv4 entries of 16 bytes with their value inline, IPv6 as 128-bit
 * integers), each with a 64 Ki-bucket index on the top 16 bits when large,
 * searched by bisection; names are de-duplicated in one pool. Lookups are
 * read-only and safe from many threads.
 *
 * Overlapping ranges are clipped (the earlier-starting range keeps its
 * addresses) and counted; a malformed line is skipped and counted, and the
 * first one is described as "FILE:LINE: reason". */
#ifndef IOTMON_RANGE_TABLE_H
#define IOTMON_RANGE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enrichment.h"
#include "core/err.h"
#include "core/ipaddr.h"

struct range_table;

struct range_load_stats {
	size_t lines, ranges, bad;
	char first_bad[256]; /* "" when no line was bad */
};

struct range_table *range_table_new(void);
void range_table_free(struct range_table *t);
/* Adds the ranges of one CSV file (plain text). A file that cannot be read
 * is an error; bad lines are not (see stats, which accumulates). */
int range_table_load_file(struct range_table *t, const char *path, struct range_load_stats *st,
			  struct err *err);
/* The same for text in memory; name is used in messages. */
void range_table_load_buf(struct range_table *t, const char *buf, size_t len, const char *name,
			  struct range_load_stats *st);
/* Sorts, indexes and drops the loading state; required once after loading
 * and before lookups (lines loaded afterwards are counted as bad).
 * Returns the number of ranges clipped because they overlapped. */
size_t range_table_finish(struct range_table *t);

/* Fills the fields the table knows for addr (asn + as_name and/or cc);
 * leaves the others untouched. Returns true when a range matched. */
bool range_table_lookup(const struct range_table *t, const struct ipaddr *addr, struct enrichment *out);
/* Fast path for IPv4 in host order. */
bool range_table_lookup_v4(const struct range_table *t, uint32_t ip, struct enrichment *out);

/* Calls fn for every range of a finished table, IPv4 then IPv6, in address
 * order (export, benchmarks); stops when fn returns non-zero. */
int range_table_each(const struct range_table *t,
		     int (*fn)(const struct ipaddr *start, const struct ipaddr *end, const struct enrichment *e, void *arg),
		     void *arg);

size_t range_table_count(const struct range_table *t);
/* Bytes held by the finished table. */
size_t range_table_memory(const struct range_table *t);

#endif
