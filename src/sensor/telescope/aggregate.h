/* aggregate.h - per-source, per-period (UTC day or hour) state of a telescope.
 *
 * An entry of 128 bytes per (source address, period). At telescope scale (a
 * million sources, 130 MB) one table does not fit in any cache or TLB, and a
 * lookup per packet is a random DRAM access plus a page walk. So the table
 * is split into partitions by the key's hash, each small enough for the L2
 * cache (about AGG_PART_SOURCES entries), and packets are applied in rounds:
 * agg_push() appends a 20-byte record to its partition's buffer in the
 * current round (sequential writes); when the round is full, each partition
 * applies its records to its own table, in order, with a short prefetch
 * pipeline. With threads > 1 the partitions are applied by helper threads
 * while the caller fills the next round.
 *
 * Destinations are counted exactly up to AGG_EXACT_DSTS per entry, then by
 * a 64-register HyperLogLog (about 13 % standard error). Top ports are a
 * space-saving summary of AGG_PORTS counters (exact while a source uses at
 * most that many ports). Both depend only on the order of the entry's own
 * packets, which rounds, partitions and threads keep, so no figure depends
 * on them. */
#ifndef IOTMON_TELESCOPE_AGGREGATE_H
#define IOTMON_TELESCOPE_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "classify.h"

#define AGG_EXACT_DSTS 8
#define AGG_PORTS 4
#define AGG_PART_SOURCES 4096 /* entries a partition is sized for */

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
	uint8_t addr[16]; /* IPv4 in addr[0..3] (the rest is not read) */
	int32_t period;
	uint32_t ms;
	uint32_t dst32; /* IPv4 destination, or a hash of the IPv6 one */
	uint16_t dport;
	uint8_t af, cls, fps, has_port;
};

struct agg;

/* A packet as a partition stores it in a round. */
struct agg_rec {
	uint32_t src; /* IPv4 source (as stored bytes), or the IPv6 source's index in the round */
	uint32_t dst;
	uint32_t ms;
	int32_t period;
	uint16_t dport;
	uint8_t cls;
	uint8_t flags; /* AGG_REC_FP_MASK: fingerprint bits; AGG_REC_PORT; AGG_REC_V6 */
};

#define AGG_REC_FP_MASK 0x07u
#define AGG_REC_PORT 0x10u
#define AGG_REC_V6 0x20u

/* Records reach the round through a small buffer per partition (one group
 * of AGG_WC_RECS, 320 bytes: five cache lines), written out whole with
 * streaming stores: scattering to hundreds of partitions would otherwise
 * read every destination line from memory before writing it. */
#define AGG_WC_RECS 16

/* What agg_push touches: the first member of struct agg, so the push is
 * inline in the reading loop (a call, and a packet copied through memory
 * into it, cost more than the push itself). */
struct agg_writer {
	struct agg_rec (*wc)[AGG_WC_RECS]; /* per partition */
	uint8_t *wc_n; /* records in each group */
	unsigned pbits; /* partitions: 1 << pbits */
	uint32_t seed; /* of the partition hash, secret (see key_hash in aggregate.c) */
	uint32_t left; /* records the current round still takes */
};

/* expected_sources: expected number of (source, period) pairs (a hint for
 * the number of partitions); threads: 1 applies rounds in the caller's
 * thread, N > 1 in N - 1 helper threads. */
struct agg *agg_new(size_t expected_sources, unsigned threads);
void agg_free(struct agg *a);
/* Empties the table: entries and partition tables are freed, the round
 * buffers stay. */
void agg_reset(struct agg *a);

/* Out of line parts of agg_push. */
void agg_group_full(struct agg *a, unsigned part);
void agg_round_full(struct agg *a);
void agg_push_v6(struct agg *a, const struct agg_pkt *p);

/* The partition of a packet: one multiplication of its (seeded) key, top
 * bits. */
static inline unsigned agg_part(const struct agg_writer *w, const struct agg_pkt *p)
{
	uint32_t v;

	if (!w->pbits)
		return 0;
	if (p->af == 4) {
		memcpy(&v, p->addr, 4);
	} else {
		uint64_t x, y;

		memcpy(&x, p->addr, 8);
		memcpy(&y, p->addr + 8, 8);
		x ^= y;
		v = (uint32_t)(x ^ x >> 32);
	}
	return ((v ^ w->seed ^ (uint32_t)p->period * 0x9E3779B9u) * 0x85EBCA6Bu) >> (32 - w->pbits);
}

static inline void agg_rec_fill(struct agg_rec *x, const struct agg_pkt *p, uint32_t src)
{
	x->src = src;
	x->dst = p->dst32;
	x->ms = p->ms;
	x->period = p->period;
	x->dport = p->dport;
	x->cls = p->cls;
	x->flags = (uint8_t)((p->fps & AGG_REC_FP_MASK) | (p->has_port ? AGG_REC_PORT : 0));
}

/* Queues a packet in the current round; a full round is applied (or handed
 * to the helper threads). */
static inline void agg_push(struct agg *a, const struct agg_pkt *p)
{
	struct agg_writer *w = (struct agg_writer *)a;
	unsigned part;
	uint32_t src;

	if (p->af != 4) {
		agg_push_v6(a, p);
		return;
	}
	if (__builtin_expect(!w->left, 0))
		agg_round_full(a);
	part = agg_part(w, p);
	memcpy(&src, p->addr, 4);
	w->left--;
	agg_rec_fill(&w->wc[part][w->wc_n[part]], p, src);
	if (++w->wc_n[part] == AGG_WC_RECS)
		agg_group_full(a, part);
}

/* Applies every queued packet and waits for the helpers. Call before
 * reading the table. */
void agg_drain(struct agg *a);

size_t agg_count(const struct agg *a);
/* Calls fn for every entry (partition by partition; the order is not
 * meaningful). */
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

/* Exposed for unit tests: applies one packet to an entry (an empty entry
 * takes the packet's key). */
void agg_apply(struct src_entry *e, const struct agg_pkt *p);
/* Exposed for unit tests: packets per round (default 1 << 20); small rounds
 * exercise the hand-over between rounds. */
void agg_set_round(struct agg *a, uint32_t records);

#endif
