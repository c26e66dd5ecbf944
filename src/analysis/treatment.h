/* treatment.h - reproducible, stratified assignment of units to treatment
 * groups for notification experiments.
 *
 * Units (IPs, or networks) are grouped by stratum (their network, or their
 * country for networks). Within a stratum the units are put in text order,
 * shuffled with a PRNG seeded from (seed, stratum), and dealt to the groups
 * in turn from a random starting group: every stratum is split as evenly
 * as possible (group sizes differ by at most one) and the result depends
 * only on the seed and the set of units, not on the order they came in or
 * on other strata. The PRNG is SplitMix64 (Steele, Lea & Flood 2014). */
#ifndef IOTMON_TREATMENT_H
#define IOTMON_TREATMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct assign_unit {
	char unit[IPADDR_STRLEN]; /* an IP, or "AS<n>" */
	char stratum[32];
	size_t group; /* out: index into the groups */
};

/* Assigns n units to ngroups (>= 1) groups; units are reordered (sorted by
 * stratum, then unit). */
void treatment_assign(struct assign_unit *units, size_t n, size_t ngroups, uint64_t seed);

/* SplitMix64: the next value of the generator state *s. */
uint64_t treatment_rng_next(uint64_t *s);

#endif
