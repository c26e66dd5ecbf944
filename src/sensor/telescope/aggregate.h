/* aggregate.h - per-source, per-period (UTC day or hour) state of a telescope.
 *
 * Entries of 128 bytes, one per (source address, period), sit in a dense
 * array; an open-addressing table (linear probing, power-of-two size, grown
 * at 70 % load) of 8-byte slots finds them. The first cache line of an
 * entry holds what every packet touches (key, times, class counts); the
 * second the destination sketch and top ports. At telescope scale (a
 * million sources) this does not fit in cache, so packets go through a
 * two-stage software pipeline: agg_push() prefetches the slot, AGG_PIPELINE/2
 * packets later the entry is found and prefetched, and another AGG_PIPELINE/2
 * packets later the packet is applied.
 *
 * Destinations are counted exactly up to AGG_EXACT_DSTS per entry, then by
 * a 64-register HyperLogLog (about 13 % standard error). Top ports are a
 * space-saving summary of AGG_PORTS counters (exact while a source uses at
 * most that many ports). Both depend only on the order of the source's own
 * packets, so splitting sources over threads never changes a figure. */
#ifndef IOTMON_TELESCOPE_AGGREGATE_H
#define IOTMON_TELESCOPE_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

#define AGG_EXACT_DSTS 8
#define AGG_PORTS 4
#define AGG_PIPELINE 32

struct src_entry {
	/* line 1: touched by every packet */
	uint8_t addr[16]; /* IPv4 in addr[0..3], rest zero */
	int32_t period; /* periods (UTC days or hours) since the epoch */
	uint8_t af; /* 0: empty slot, 4, 6 */
	uint8_t dst_hll; /* destinations: 0 exact list, 1 HyperLogLog */
	uint8_t ndst; /* entries in the exact list */
	uint8_t nports;
	uint32_t first_ms, last_ms; /* milliseconds into the period */
	uint32_t cls[CLASS_COUNT];
	uint32_t fp[FP_COUNT];
	/* line 2 */
	union {
		uint32_t exact[AGG_EXACT_DSTS];
		uint8_t hll[32]; /* 64 registers of 4 bits */
	} dst;
	uint16_t port[AGG_PORTS];
	uint32_t port_n[AGG_PORTS];
	uint32_t spare;
} __attribute__((aligned(64)));

/* One classified packet on its way into the table. */
struct agg_pkt {
	uint8_t addr[16];
	uint64_t hash;
	int32_t period;
	uint32_t ms;
	uint32_t dst32; /* IPv4 destination, or a hash of the IPv6 one */
	uint16_t dport;
	uint8_t af, cls, fps, has_port;
};

struct agg;

/* initial_sources: expected number of (source, period) pairs (a hint). */
struct agg *agg_new(size_t initial_sources);
void agg_free(struct agg *a);
/* Empties the table (keeps its memory). */
void agg_reset(struct agg *a);

/* The hash of an address (af 4 or 6); the same for every period. Threads split
 * sources by it. */
uint64_t agg_addr_hash(uint8_t af, const uint8_t *addr);
/* Fills p->hash from p->addr, p->af, p->period. */
void agg_pkt_hash(struct agg_pkt *p, uint64_t addr_hash);

/* Queues a packet (prefetching its slot), advances the packets queued
 * before it, and applies the one queued AGG_PIPELINE packets earlier. */
void agg_push(struct agg *a, const struct agg_pkt *p);
/* Applies every queued packet. Call before reading the table. */
void agg_drain(struct agg *a);

size_t agg_count(const struct agg *a);
/* Calls fn for every entry (in slot order). */
void agg_each(struct agg *a, void (*fn)(struct src_entry *e, void *arg), void *arg);

/* Destinations of an entry (exact up to AGG_EXACT_DSTS, else estimated). */
uint64_t agg_destinations(const struct src_entry *e);
/* Adds src's counts, times (same period assumed), destinations and ports
 * into dst (for per-source totals across periods). */
void agg_merge(struct src_entry *dst, const struct src_entry *src);
/* Top ports by count (ties: lower port first); returns how many (≤ AGG_PORTS). */
unsigned agg_top_ports(const struct src_entry *e, uint16_t *ports, uint32_t *counts);
/* Packets of the entry. */
uint64_t agg_packets(const struct src_entry *e);

/* Exposed for unit tests. */
void agg_apply(struct src_entry *e, const struct agg_pkt *p);

#endif
