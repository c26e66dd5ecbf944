/* aggregate.c - the per-source hash table (see aggregate.h). */
#include "aggregate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/xalloc.h"

/* Entries live in a dense array of 8 MB chunks (never moved, only touched
 * when used); the hash table holds 8-byte slots: the upper 32 bits of the
 * hash as a tag and the entry number + 1 (0: empty). The slot array is
 * small enough to stay warm, and growing it moves 8 bytes per source. */
#define CHUNK_SHIFT 16 /* 8 MB of entries */
#define CHUNK_ENTRIES (1u << CHUNK_SHIFT)
#define STAGE (AGG_PIPELINE / 2) /* packets in each of the two pipeline stages */

struct agg {
	uint64_t *slots;
	size_t cap, mask, grow_at;
	uint32_t count;
	struct src_entry **chunks;
	size_t nchunks, chunk_cap;
	/* One ring of the packets in flight (each copied in once); state:
	 * 0 free, 1 slot prefetched, 2 entry found (idx) and prefetched. */
	struct agg_pkt ring[AGG_PIPELINE];
	uint32_t idx[AGG_PIPELINE];
	uint8_t state[AGG_PIPELINE];
	unsigned head, inflight;
};

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t agg_addr_hash(uint8_t af, const uint8_t *addr)
{
	uint64_t a, b;

	if (af == 4) {
		uint32_t v;

		memcpy(&v, addr, 4);
		return mix64(v ^ 0x4000000000ULL);
	}
	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return mix64(a ^ mix64(b ^ 0x6000000000ULL));
}

void agg_pkt_hash(struct agg_pkt *p, uint64_t addr_hash)
{
	p->hash = mix64(addr_hash + (uint64_t)(uint32_t)p->period * 0x9E3779B97F4A7C15ULL);
}

static void *alloc_zeroed(size_t bytes, bool huge)
{
	const size_t align = 2u << 20;
	size_t extra = huge ? align : 0;
	/* Anonymous pages come zeroed and are only backed once touched. */
	uint8_t *m = mmap(NULL, bytes + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		fputs("iotmon: out of memory\n", stderr);
		abort();
	}
	if (!huge)
		return m;
	/* Huge pages need 2 MB alignment: trim the mapping to an aligned
	 * range, then ask for them (random access over many MB: far fewer
	 * TLB misses). */
	uint8_t *a = (uint8_t *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));

	if (a > m)
		munmap(m, (size_t)(a - m));
	if (a + bytes < m + bytes + extra)
		munmap(a + bytes, (size_t)(m + bytes + extra - (a + bytes)));
#ifdef MADV_HUGEPAGE
	madvise(a, bytes, MADV_HUGEPAGE);
#endif
	return a;
}

static void set_cap(struct agg *a, size_t cap)
{
	a->cap = cap;
	a->mask = cap - 1;
	a->grow_at = cap / 10 * 7;
	a->slots = alloc_zeroed(cap * sizeof(uint64_t), cap >= (1u << 18));
}

struct agg *agg_new(size_t initial_sources)
{
	struct agg *a = xcalloc(1, sizeof(*a));
	size_t cap = 1024;

	while (cap / 10 * 7 < initial_sources)
		cap <<= 1;
	set_cap(a, cap);
	return a;
}

static void free_chunks(struct agg *a)
{
	for (size_t i = 0; i < a->nchunks; i++)
		munmap(a->chunks[i], CHUNK_ENTRIES * sizeof(struct src_entry));
	free(a->chunks);
	a->chunks = NULL;
	a->nchunks = a->chunk_cap = 0;
}

void agg_free(struct agg *a)
{
	if (!a)
		return;
	munmap(a->slots, a->cap * sizeof(uint64_t));
	free_chunks(a);
	free(a);
}

void agg_reset(struct agg *a)
{
	size_t cap = a->cap;

	munmap(a->slots, a->cap * sizeof(uint64_t));
	free_chunks(a);
	set_cap(a, cap);
	a->count = 0;
	memset(a->state, 0, sizeof(a->state));
	a->head = a->inflight = 0;
}

static inline struct src_entry *entry_at(const struct agg *a, uint32_t idx)
{
	return &a->chunks[idx >> CHUNK_SHIFT][idx & (CHUNK_ENTRIES - 1)];
}

static uint64_t entry_hash(const struct src_entry *e)
{
	struct agg_pkt p;

	p.period = e->period;
	agg_pkt_hash(&p, agg_addr_hash(e->af, e->addr));
	return p.hash;
}

static void grow(struct agg *a)
{
	uint64_t *old = a->slots;
	size_t oldcap = a->cap;

	set_cap(a, oldcap * 2);
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i])
			continue;
		size_t j = entry_hash(entry_at(a, (uint32_t)old[i] - 1)) & a->mask;

		while (a->slots[j])
			j = (j + 1) & a->mask;
		a->slots[j] = old[i];
	}
	munmap(old, oldcap * sizeof(uint64_t));
}

/* A new entry for p (its key set); returns its number. */
static uint32_t new_entry(struct agg *a, const struct agg_pkt *p)
{
	uint32_t idx = a->count++;
	struct src_entry *e;

	if ((idx >> CHUNK_SHIFT) >= a->nchunks) {
		if (a->nchunks == a->chunk_cap) {
			a->chunk_cap = a->chunk_cap ? a->chunk_cap * 2 : 16;
			a->chunks = xrealloc(a->chunks, a->chunk_cap * sizeof(*a->chunks));
		}
		a->chunks[a->nchunks++] = alloc_zeroed(CHUNK_ENTRIES * sizeof(struct src_entry), true);
	}
	e = entry_at(a, idx);
	memcpy(e->addr, p->addr, 16);
	e->af = p->af;
	e->period = p->period;
	e->first_ms = e->last_ms = p->ms;
	return idx;
}

static inline bool key_equal(const struct src_entry *e, const struct agg_pkt *p)
{
	if (e->af != p->af || e->period != p->period)
		return false;
	if (p->af == 4)
		return memcmp(e->addr, p->addr, 4) == 0;
	return memcmp(e->addr, p->addr, 16) == 0;
}

static inline void hll_add(uint8_t *hll, uint32_t v)
{
	uint64_t h = mix64((uint64_t)v + 0x5bd1e995ULL);
	unsigned idx = (unsigned)(h & 63), rank;
	uint64_t w = h >> 6;

	rank = w ? (unsigned)__builtin_ctzll(w) + 1 : 58;
	if (rank > 15)
		rank = 15;
	uint8_t *b = &hll[idx >> 1];
	unsigned shift = (idx & 1) * 4, cur = (*b >> shift) & 15;

	if (rank > cur)
		*b = (uint8_t)((*b & ~(15u << shift)) | (rank << shift));
}

static void to_hll(struct src_entry *e)
{
	uint32_t vals[AGG_EXACT_DSTS];
	unsigned n = e->ndst;

	memcpy(vals, e->dst.exact, sizeof(vals));
	memset(e->dst.hll, 0, sizeof(e->dst.hll));
	for (unsigned i = 0; i < n; i++)
		hll_add(e->dst.hll, vals[i]);
	e->dst_hll = 1;
	e->ndst = 0;
}

static inline void dst_add(struct src_entry *e, uint32_t v)
{
	if (!e->dst_hll) {
		for (unsigned i = 0; i < e->ndst; i++)
			if (e->dst.exact[i] == v)
				return;
		if (e->ndst < AGG_EXACT_DSTS) {
			e->dst.exact[e->ndst++] = v;
			return;
		}
		to_hll(e);
	}
	hll_add(e->dst.hll, v);
}

static inline void port_add(struct src_entry *e, uint16_t port, uint32_t n)
{
	unsigned min = 0;

	for (unsigned i = 0; i < e->nports; i++)
		if (e->port[i] == port) {
			e->port_n[i] += n;
			return;
		}
	if (e->nports < AGG_PORTS) {
		e->port[e->nports] = port;
		e->port_n[e->nports++] = n;
		return;
	}
	/* Space-saving: the new port takes over the smallest counter. */
	for (unsigned i = 1; i < AGG_PORTS; i++)
		if (e->port_n[i] < e->port_n[min])
			min = i;
	e->port[min] = port;
	e->port_n[min] += n;
}

void agg_apply(struct src_entry *e, const struct agg_pkt *p)
{
	if (!e->af) {
		memcpy(e->addr, p->addr, 16);
		e->af = p->af;
		e->period = p->period;
		e->first_ms = e->last_ms = p->ms;
	} else {
		if (p->ms < e->first_ms)
			e->first_ms = p->ms;
		if (p->ms > e->last_ms)
			e->last_ms = p->ms;
	}
	e->cls[p->cls]++;
	if (p->fps) {
		for (unsigned f = 0; f < FP_COUNT; f++)
			e->fp[f] += (p->fps >> f) & 1;
	}
	if (p->cls == CLASS_BACKSCATTER)
		return; /* answers: their destinations and ports are not probes */
	dst_add(e, p->dst32);
	if (p->has_port)
		port_add(e, p->dport, 1);
}


/* Finds the entry of p; with verify false a tag match is taken as found
 * (stage 1: the key is checked in stage 2, when the entry is in cache). */
static uint32_t lookup(struct agg *a, const struct agg_pkt *p, bool verify)
{
	uint32_t tag = (uint32_t)(p->hash >> 32), idx;
	size_t i = p->hash & a->mask;

	for (;; i = (i + 1) & a->mask) {
		uint64_t s = a->slots[i];

		if (!s)
			break;
		if ((uint32_t)(s >> 32) == tag && (!verify || key_equal(entry_at(a, (uint32_t)s - 1), p)))
			return (uint32_t)s - 1;
	}
	if (a->count >= a->grow_at) {
		grow(a);
		return lookup(a, p, verify);
	}
	idx = new_entry(a, p);
	a->slots[i] = (uint64_t)tag << 32 | (idx + 1);
	return idx;
}

/* Stage 2 done: the entry is in cache. */
static inline void finish(struct agg *a, unsigned i)
{
	struct src_entry *e = entry_at(a, a->idx[i]);

	if (__builtin_expect(!key_equal(e, &a->ring[i]), 0)) /* a tag collision */
		e = entry_at(a, lookup(a, &a->ring[i], true));
	agg_apply(e, &a->ring[i]);
}

/* Advances the ring by one position: the packet queued STAGE positions ago
 * (its slot now in cache) gets its entry found and prefetched, then the one
 * queued AGG_PIPELINE positions ago is applied, freeing position head. The
 * order (lookup, then apply) is that of packets in the file. */
static inline void advance(struct agg *a)
{
	unsigned h = a->head, j = (h - STAGE) & (AGG_PIPELINE - 1);

	if (a->state[j] == 1) {
		const struct src_entry *e;

		a->idx[j] = lookup(a, &a->ring[j], false);
		a->state[j] = 2;
		e = entry_at(a, a->idx[j]);
		__builtin_prefetch(e, 1, 3);
		__builtin_prefetch((const char *)e + 64, 1, 3);
	}
	if (a->state[h] == 2) {
		finish(a, h);
		a->state[h] = 0;
		a->inflight--;
	}
}

void agg_push(struct agg *a, const struct agg_pkt *p)
{
	unsigned h;

	advance(a);
	h = a->head;
	a->ring[h] = *p;
	a->state[h] = 1;
	a->inflight++;
	__builtin_prefetch(&a->slots[p->hash & a->mask], 1, 3);
	a->head = (h + 1) & (AGG_PIPELINE - 1);
}

void agg_drain(struct agg *a)
{
	while (a->inflight) {
		advance(a);
		a->head = (a->head + 1) & (AGG_PIPELINE - 1);
	}
}

size_t agg_count(const struct agg *a)
{
	return a->count;
}

void agg_each(struct agg *a, void (*fn)(struct src_entry *e, void *arg), void *arg)
{
	for (uint32_t i = 0; i < a->count; i++)
		fn(entry_at(a, i), arg);
}

uint64_t agg_destinations(const struct src_entry *e)
{
	double sum = 0, est;
	unsigned zeros = 0;

	if (!e->dst_hll)
		return e->ndst;
	for (unsigned i = 0; i < 64; i++) {
		unsigned r = (e->dst.hll[i >> 1] >> ((i & 1) * 4)) & 15;

		sum += ldexp(1.0, -(int)r);
		zeros += r == 0;
	}
	est = 0.709 * 64 * 64 / sum;
	if (est <= 2.5 * 64 && zeros)
		est = 64 * log(64.0 / zeros); /* linear counting for small sets */
	/* The exact list overflowed, so there were more than it holds. */
	if (est < AGG_EXACT_DSTS + 1)
		est = AGG_EXACT_DSTS + 1;
	return (uint64_t)llround(est);
}

void agg_merge(struct src_entry *d, const struct src_entry *s)
{
	if (s->first_ms < d->first_ms)
		d->first_ms = s->first_ms;
	if (s->last_ms > d->last_ms)
		d->last_ms = s->last_ms;
	for (unsigned c = 0; c < CLASS_COUNT; c++)
		d->cls[c] += s->cls[c];
	for (unsigned f = 0; f < FP_COUNT; f++)
		d->fp[f] += s->fp[f];
	if (!s->dst_hll) {
		for (unsigned i = 0; i < s->ndst; i++)
			dst_add(d, s->dst.exact[i]);
	} else {
		if (!d->dst_hll)
			to_hll(d);
		for (unsigned i = 0; i < 64; i++) {
			unsigned sh = (i & 1) * 4;
			unsigned rs = (s->dst.hll[i >> 1] >> sh) & 15, rd = (d->dst.hll[i >> 1] >> sh) & 15;

			if (rs > rd)
				d->dst.hll[i >> 1] = (uint8_t)((d->dst.hll[i >> 1] & ~(15u << sh)) | (rs << sh));
		}
	}
	for (unsigned i = 0; i < s->nports; i++)
		port_add(d, s->port[i], s->port_n[i]);
}

unsigned agg_top_ports(const struct src_entry *e, uint16_t *ports, uint32_t *counts)
{
	unsigned n = e->nports;

	for (unsigned i = 0; i < n; i++) {
		ports[i] = e->port[i];
		counts[i] = e->port_n[i];
	}
	for (unsigned i = 1; i < n; i++) /* insertion sort of at most AGG_PORTS */
		for (unsigned j = i; j > 0 && (counts[j] > counts[j - 1] ||
					       (counts[j] == counts[j - 1] && ports[j] < ports[j - 1]));
		     j--) {
			uint16_t tp = ports[j];
			uint32_t tc = counts[j];

			ports[j] = ports[j - 1];
			counts[j] = counts[j - 1];
			ports[j - 1] = tp;
			counts[j - 1] = tc;
		}
	return n;
}

uint64_t agg_packets(const struct src_entry *e)
{
	uint64_t n = 0;

	for (unsigned c = 0; c < CLASS_COUNT; c++)
		n += e->cls[c];
	return n;
}
