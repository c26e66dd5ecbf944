/* enrichment.h - what a network lookup tells about an IP address.
 *
 * The interface lives in core because the store enriches an observation the
 * moment it is made; implementations (MMDB, range tables) are in src/enrich. */
#ifndef IOTMON_ENRICHMENT_H
#define IOTMON_ENRICHMENT_H

#include <stdint.h>

#include "ipaddr.h"

struct enrichment {
	uint32_t asn; /* 0 when unknown */
	char as_name[128]; /* "" when unknown */
	char cc[3]; /* ISO 3166 alpha-2, "" when unknown */
	int64_t data_time_us; /* date of the data that answered (build time) */
};

struct enricher {
	/* Fills out for addr; returns 0 (found or not: unknown fields stay
	 * empty). Must be safe to call from any one thread at a time. */
	int (*lookup)(const struct enricher *self, const struct ipaddr *addr, struct enrichment *out);
};

#endif
