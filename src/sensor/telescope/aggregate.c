/* aggregate.c - the partitioned per-source table (see aggregate.h). */
#include "aggregate.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "core/xalloc.h"

#if defined(__x86_64__) || defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_STREAM_STORES 1
#else
#define HAVE_STREAM_STORES 0
#endif

#define ROUND_DEFAULT (1u << 20) /* records per round: 20 MB */
#define ROUND_FIRST (1u << 16) /* the first round; each next one twice as big */
#define PART_BITS_MAX 12
#define LOOKAHEAD 16 /* records between the slot prefetch, the lookup and the apply */

_Static_assert(sizeof(struct agg_rec) == 20 && AGG_WC_RECS * sizeof(struct agg_rec) % 64 == 0,
	       "a group of records fills whole cache lines");

#define WC_RECS AGG_WC_RECS
#define REC_FP_MASK AGG_REC_FP_MASK
#define REC_PORT AGG_REC_PORT
#define REC_V6 AGG_REC_V6

/* Entries come in blocks of BLOCK_ENTRIES from arenas of ARENA_BYTES shared
 * by all partitions: dense (every block but a partition's last is full),
 * backed by huge pages where the kernel has them, zero when new, never
 * moved. */
#define BLOCK_SHIFT 6
#define BLOCK_ENTRIES (1u << BLOCK_SHIFT)
#define ARENA_BYTES (32u << 20)

/* One partition: an open-addressing table (linear probing, grown at 70 %
 * load) of 8-byte slots, the tag (hash) above the entry number + 1 (0:
 * empty), over its entries, numbered in order of arrival. */
struct part {
	uint64_t *slots;
	uint32_t cap, mask, grow_at, count;
	struct src_entry **blk;
	uint32_t nblk, blkcap;
};

/* A round: partition p's records at rec + p * per_part, n[p] of them. */
struct round {
	struct agg_rec *rec;
	uint32_t *n;
	uint8_t (*v6)[16];
	uint32_t nv6, v6cap;
	size_t bytes;
	unsigned pending; /* helpers still applying it (under agg.m) */
	atomic_uint next; /* the next partition to take: whoever applies takes the next one */
};

struct arena {
	pthread_mutex_t m; /* helpers take blocks concurrently */
	uint8_t **maps;
	size_t nmaps, mapcap, used; /* bytes used of the last map */
};

struct agg {
	struct agg_writer w; /* first: agg_push (aggregate.h) sees only this */
	/* The reader writes w for every packet; what the helpers read for every
	 * record must not share its cache line (that ping-pong once cost two
	 * threads 60 % more CPU). struct agg is allocated 64-byte aligned. */
	_Alignas(64) uint64_t seed; /* of the slot hash (key_hash) */
	struct arena arena;
	unsigned nparts;
	uint32_t per_part, round_max; /* per_part: a multiple of WC_RECS */
	uint32_t round_now; /* this round's size: rounds start small so helpers start early */
	struct part *parts;
	struct round rounds[2];
	unsigned cur;
	/* Helpers take partitions of the handed-over round one at a time; the
	 * caller takes some too when it would otherwise wait for them. */
	unsigned nhelpers;
	pthread_t *tids;
	pthread_mutex_t m;
	pthread_cond_t cv;
	struct round *job;
	uint64_t jobs; /* rounds handed over so far */
	bool quit;
	/* The second round's memory, for a helper to fault in before the first
	 * hand-over (the reader then does not pay for it); prefaulting: being
	 * done. */
	void *prefault;
	size_t prefault_bytes;
	bool prefaulting;
};

_Static_assert(sizeof(struct agg_writer) <= 64, "the reader's fields fit one cache line");

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The slot hash of a key: its low bits pick the slot, all 32 are the tag.
 * Keyed with a secret seed: sources can be spoofed at will towards a
 * telescope, and with a known hash a sender could choose addresses that
 * all probe the same slots. */
static inline uint32_t key_hash(uint64_t seed, uint8_t af, const uint8_t *addr, int32_t period)
{
	uint64_t x, y;

	if (af == 4) {
		uint32_t v;

		memcpy(&v, addr, 4);
		return (uint32_t)mix64(((uint64_t)v | (uint64_t)(uint32_t)period << 32) ^ seed);
	}
	memcpy(&x, addr, 8);
	memcpy(&y, addr + 8, 8);
	return (uint32_t)mix64(x ^ mix64(y ^ (uint64_t)(uint32_t)period ^ seed));
}

static uint32_t entry_hash(uint64_t seed, const struct src_entry *e)
{
	return key_hash(seed, e->af, e->addr, e->period);
}

/* ---- entry blocks ---- */

#define HUGE_ALIGN (2u << 20)

static size_t map_size(size_t bytes)
{
	return (bytes + HUGE_ALIGN - 1) & ~(size_t)(HUGE_ALIGN - 1);
}

/* Zeroed memory, in huge pages where the kernel has them: random access
 * over many MB costs far fewer TLB misses (and in a virtual machine far
 * fewer page walks). Free with unmap_zeroed(p, bytes). */
static void *map_zeroed(size_t bytes)
{
	const size_t align = HUGE_ALIGN;
	uint8_t *m, *p;

	bytes = map_size(bytes);
	/* Anonymous pages come zeroed and are only backed once touched. */
	m = mmap(NULL, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fputs("iotmon: out of memory\n", stderr);
		abort();
	}
	/* Huge pages need 2 MB alignment: trim the mapping to an aligned range. */
	p = (uint8_t *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
	if (p > m)
		munmap(m, (size_t)(p - m));
	munmap(p + bytes, (size_t)(m + bytes + align - (p + bytes)));
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void unmap_zeroed(void *p, size_t bytes)
{
	munmap(p, map_size(bytes));
}

static struct src_entry *arena_block(struct arena *ar)
{
	const size_t bytes = BLOCK_ENTRIES * sizeof(struct src_entry);
	struct src_entry *b;

	pthread_mutex_lock(&ar->m);
	if (!ar->nmaps || ar->used + bytes > ARENA_BYTES) {
		if (ar->nmaps == ar->mapcap) {
			ar->mapcap = ar->mapcap ? ar->mapcap * 2 : 16;
			ar->maps = xrealloc(ar->maps, ar->mapcap * sizeof(*ar->maps));
		}
		ar->maps[ar->nmaps++] = map_zeroed(ARENA_BYTES);
		ar->used = 0;
	}
	b = (struct src_entry *)(ar->maps[ar->nmaps - 1] + ar->used);
	ar->used += bytes;
	pthread_mutex_unlock(&ar->m);
	return b;
}

static void arena_free(struct arena *ar)
{
	for (size_t i = 0; i < ar->nmaps; i++)
		unmap_zeroed(ar->maps[i], ARENA_BYTES);
	free(ar->maps);
	ar->maps = NULL;
	ar->nmaps = ar->mapcap = ar->used = 0;
}

static inline struct src_entry *part_entry(const struct part *pt, uint32_t idx)
{
	return &pt->blk[idx >> BLOCK_SHIFT][idx & (BLOCK_ENTRIES - 1)];
}

/* ---- one partition ---- */

static void part_set_cap(struct part *pt, uint32_t cap)
{
	pt->cap = cap;
	pt->mask = cap - 1;
	pt->grow_at = cap / 10 * 7;
	pt->slots = xcalloc(cap, sizeof(uint64_t));
}

static void part_grow(struct part *pt, uint64_t seed)
{
	uint64_t *old = pt->slots;
	uint32_t oldcap = pt->cap;

	part_set_cap(pt, oldcap * 2);
	for (uint32_t i = 0; i < oldcap; i++) {
		if (!old[i])
			continue;
		uint32_t j = entry_hash(seed, part_entry(pt, (uint32_t)old[i] - 1)) & pt->mask;

		while (pt->slots[j])
			j = (j + 1) & pt->mask;
		pt->slots[j] = old[i];
	}
	free(old);
}

static void part_free(struct part *pt)
{
	free(pt->slots);
	free(pt->blk);
	memset(pt, 0, sizeof(*pt));
}

static inline const uint8_t *rec_addr(const struct round *r, const struct agg_rec *x)
{
	return x->flags & REC_V6 ? r->v6[x->src] : (const uint8_t *)&x->src;
}

static inline bool key_equal(const struct src_entry *e, const struct round *r, const struct agg_rec *x)
{
	if (e->period != x->period)
		return false;
	if (!(x->flags & REC_V6))
		return e->af == 4 && memcmp(e->addr, &x->src, 4) == 0;
	return e->af == 6 && memcmp(e->addr, r->v6[x->src], 16) == 0;
}

/* A new entry with x's key; returns its number. */
static uint32_t part_new_entry(struct agg *a, struct part *pt, const struct round *r, const struct agg_rec *x)
{
	uint32_t idx = pt->count++;
	struct src_entry *e;

	if ((idx & (BLOCK_ENTRIES - 1)) == 0) {
		if (pt->nblk == pt->blkcap) {
			pt->blkcap = pt->blkcap ? pt->blkcap * 2 : 16;
			pt->blk = xrealloc(pt->blk, pt->blkcap * sizeof(*pt->blk));
		}
		pt->blk[pt->nblk++] = arena_block(&a->arena);
	}
	e = part_entry(pt, idx); /* zero: blocks are never reused */
	e->af = x->flags & REC_V6 ? 6 : 4;
	memcpy(e->addr, rec_addr(r, x), e->af == 4 ? 4 : 16);
	e->period = x->period;
	e->first_ms = e->last_ms = x->ms;
	return idx;
}

/* The entry of x (slot hash h), made when missing. With verify false a tag
 * match is taken as found (the key is checked when the entry is in cache). */
static uint32_t part_lookup(struct agg *a, struct part *pt, const struct round *r, const struct agg_rec *x,
			    uint32_t h, bool verify)
{
	uint32_t i = h & pt->mask, idx;

	for (;; i = (i + 1) & pt->mask) {
		uint64_t s = pt->slots[i];

		if (!s)
			break;
		if ((uint32_t)(s >> 32) == h && (!verify || key_equal(part_entry(pt, (uint32_t)s - 1), r, x)))
			return (uint32_t)s - 1;
	}
	if (pt->count >= pt->grow_at) {
		part_grow(pt, a->seed);
		return part_lookup(a, pt, r, x, h, verify);
	}
	idx = part_new_entry(a, pt, r, x);
	pt->slots[i] = (uint64_t)h << 32 | (idx + 1);
	return idx;
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
	unsigned min = 0, m = 0;

	for (unsigned i = 0; i < AGG_PORTS; i++) /* as exact_match */
		m |= (unsigned)(e->port[i] == port) << i;
	m &= (1u << e->nports) - 1;
	if (m) {
		e->port_n[__builtin_ctz(m)] += n;
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

static inline void rec_apply(struct src_entry *e, const struct agg_rec *x)
{
	if (x->ms < e->first_ms)
		e->first_ms = x->ms;
	if (x->ms > e->last_ms)
		e->last_ms = x->ms;
	e->cls[x->cls]++;
	e->fp[0] += x->flags & 1;
	e->fp[1] += (x->flags >> 1) & 1;
	e->fp[2] += (x->flags >> 2) & 1;
	if (x->cls == CLASS_BACKSCATTER)
		return; /* answers: their destinations and ports are not probes */
	dst_add(e, x->dst);
	if (x->flags & REC_PORT)
		port_add(e, x->dport, 1);
}

/* Applies n records of one partition, in order. Three steps LOOKAHEAD
 * records apart: hash the key and prefetch the slot, look up (or make) the
 * entry and prefetch it, apply. */
static void part_apply(struct agg *a, struct part *pt, const struct round *r, const struct agg_rec *x, uint32_t n)
{
	/* A record's hash is written at step k and read up to 2 * LOOKAHEAD
	 * steps later (a tag collision looks up again): the ring must be longer
	 * than that, or step k overwrites the hash of record k - 2 * LOOKAHEAD
	 * before its collision lookup reads it. */
	const unsigned ring = 4 * LOOKAHEAD;
	uint32_t idx[4 * LOOKAHEAD], hs[4 * LOOKAHEAD];

	if (!pt->slots)
		part_set_cap(pt, 1024);
	for (uint32_t k = 0; k < n + 2 * LOOKAHEAD; k++) {
		if (k < n) {
			const struct agg_rec *y = &x[k];
			uint32_t h = key_hash(a->seed, y->flags & REC_V6 ? 6 : 4, rec_addr(r, y), y->period);

			if (k + 4 * LOOKAHEAD < n) /* the round's records come from memory */
				__builtin_prefetch(&x[k + 4 * LOOKAHEAD], 0, 3);
			hs[k % ring] = h;
			__builtin_prefetch(&pt->slots[h & pt->mask], 0, 3);
		}
		if (k >= LOOKAHEAD && k - LOOKAHEAD < n) {
			uint32_t j = k - LOOKAHEAD, id = part_lookup(a, pt, r, &x[j], hs[j % ring], false);
			const struct src_entry *e = part_entry(pt, id);

			idx[j % ring] = id;
			__builtin_prefetch(e, 1, 3);
			__builtin_prefetch((const char *)e + 64, 1, 3);
		}
		if (k >= 2 * LOOKAHEAD) {
			uint32_t i = k - 2 * LOOKAHEAD;
			struct src_entry *e = part_entry(pt, idx[i % ring]);

			if (__builtin_expect(!key_equal(e, r, &x[i]), 0)) /* a tag collision */
				e = part_entry(pt, part_lookup(a, pt, r, &x[i], hs[i % ring], true));
			rec_apply(e, &x[i]);
		}
	}
}

/* ---- rounds and helpers ---- */

/* Applies partitions of r until none is left to take. */
static void round_apply(struct agg *a, struct round *r)
{
	unsigned p;

	while ((p = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed)) < a->nparts)
		if (r->n[p])
			part_apply(a, &a->parts[p], r, r->rec + (size_t)p * a->per_part, r->n[p]);
}

static void *helper_main(void *arg)
{
	struct agg *a = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&a->m);
	for (;;) {
		if (a->prefault) {
			void *p = a->prefault;

			a->prefault = NULL;
			a->prefaulting = true;
			pthread_mutex_unlock(&a->m);
#ifdef MADV_POPULATE_WRITE
			madvise(p, a->prefault_bytes, MADV_POPULATE_WRITE); /* a hint: failure is harmless */
#endif
			pthread_mutex_lock(&a->m);
			a->prefaulting = false;
			pthread_cond_broadcast(&a->cv);
			continue;
		}
		while (a->jobs == seen && !a->quit && !a->prefault)
			pthread_cond_wait(&a->cv, &a->m);
		if (a->prefault)
			continue;
		if (a->jobs == seen)
			break;
		struct round *r = a->job;

		seen = a->jobs;
		pthread_mutex_unlock(&a->m);
		round_apply(a, r);
		pthread_mutex_lock(&a->m);
		if (--r->pending == 0)
			pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->m);
	return NULL;
}

/* Waits until no round is being applied, taking partitions of the one in
 * flight (the one not being filled) meanwhile. */
static void wait_idle(struct agg *a)
{
	round_apply(a, &a->rounds[a->cur ^ 1]);
	pthread_mutex_lock(&a->m);
	while (a->rounds[0].pending || a->rounds[1].pending)
		pthread_cond_wait(&a->cv, &a->m);
	pthread_mutex_unlock(&a->m);
}

static void round_clear(struct agg *a, struct round *r)
{
	memset(r->n, 0, a->nparts * sizeof(*r->n));
	r->nv6 = 0;
}

/* Applies the current round, or hands it to the helpers and makes the
 * other round (applied by then) current. With last, the caller takes
 * partitions too and waits for the end. */
static void round_submit(struct agg *a, bool last)
{
	struct round *r = &a->rounds[a->cur];

	if (a->w.left == a->round_now)
		return; /* nothing pushed */
	for (unsigned p = 0; p < a->nparts; p++) {
		memcpy(r->rec + (size_t)p * a->per_part + r->n[p], a->w.wc[p], a->w.wc_n[p] * sizeof(struct agg_rec));
		r->n[p] += a->w.wc_n[p];
		a->w.wc_n[p] = 0;
	}
#if HAVE_STREAM_STORES
	_mm_sfence(); /* streaming stores are weakly ordered: done before another thread reads */
#endif
	if (a->round_now < a->round_max)
		a->round_now = a->round_now * 2 < a->round_max ? a->round_now * 2 : a->round_max;
	a->w.left = a->round_now;
	atomic_store_explicit(&r->next, 0, memory_order_relaxed);
	if (!a->nhelpers) {
		round_apply(a, r);
		round_clear(a, r);
		return;
	}
	wait_idle(a);
	pthread_mutex_lock(&a->m);
	r->pending = a->nhelpers;
	a->job = r;
	a->jobs++;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->m);
	a->cur ^= 1;
	round_clear(a, &a->rounds[a->cur]);
	if (last)
		wait_idle(a);
}

static void round_alloc(struct agg *a, struct round *r)
{
	size_t bytes = (size_t)a->nparts * a->per_part * sizeof(*r->rec);

	r->bytes = bytes;
	r->rec = map_zeroed(bytes);
	r->n = xcalloc(a->nparts, sizeof(*r->n));
}

static void round_free(struct round *r)
{
	if (r->rec)
		unmap_zeroed(r->rec, r->bytes);
	free(r->n);
	free(r->v6);
	memset(r, 0, sizeof(*r));
}

static void layout(struct agg *a, uint32_t round_max)
{
	a->round_max = round_max;
	a->round_now = round_max < ROUND_FIRST ? round_max : ROUND_FIRST;
	a->w.left = a->round_now;
	/* Room for 1.25 times a partition's share, so a round rarely ends
	 * early because one partition's buffer is full. */
	a->per_part = (round_max / a->nparts + round_max / a->nparts / 4) / WC_RECS * WC_RECS + 2 * WC_RECS;
	pthread_mutex_lock(&a->m);
	a->prefault = NULL;
	while (a->prefaulting)
		pthread_cond_wait(&a->cv, &a->m);
	pthread_mutex_unlock(&a->m);
	for (unsigned i = 0; i < 2; i++) {
		round_free(&a->rounds[i]);
		round_alloc(a, &a->rounds[i]);
	}
	if (a->nhelpers) {
		pthread_mutex_lock(&a->m);
		a->prefault = a->rounds[1].rec;
		a->prefault_bytes = map_size(a->rounds[1].bytes);
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->m);
	}
}

struct agg *agg_new(size_t expected_sources, unsigned threads)
{
	struct agg *a = aligned_alloc(64, sizeof(*a));

	if (!a) {
		fputs("iotmon: out of memory\n", stderr);
		abort();
	}
	memset(a, 0, sizeof(*a));
	/* Without the kernel's randomness the seed is still unknown outside:
	 * the address of the table and the clock. */
	if (getrandom(&a->seed, sizeof(a->seed), GRND_NONBLOCK) != sizeof(a->seed))
		a->seed = (uint64_t)(uintptr_t)a ^ (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
	a->w.seed = (uint32_t)(a->seed >> 32);
	while (a->w.pbits < PART_BITS_MAX && ((size_t)AGG_PART_SOURCES << a->w.pbits) < expected_sources)
		a->w.pbits++;
	a->nparts = 1u << a->w.pbits;
	a->parts = xcalloc(a->nparts, sizeof(*a->parts));
	a->w.wc = aligned_alloc(64, a->nparts * sizeof(*a->w.wc));
	if (!a->w.wc) {
		fputs("iotmon: out of memory\n", stderr);
		abort();
	}
	a->w.wc_n = xcalloc(a->nparts, 1);
	pthread_mutex_init(&a->m, NULL);
	pthread_cond_init(&a->cv, NULL);
	pthread_mutex_init(&a->arena.m, NULL);
	a->nhelpers = threads > 1 ? threads - 1 : 0;
	layout(a, ROUND_DEFAULT);
	if (a->nhelpers) {
		a->tids = xcalloc(a->nhelpers, sizeof(*a->tids));
		for (unsigned k = 0; k < a->nhelpers; k++)
			if (pthread_create(&a->tids[k], NULL, helper_main, a) != 0)
				abort();
	}
	return a;
}

void agg_set_round(struct agg *a, uint32_t records)
{
	agg_drain(a);
	layout(a, records < 1 ? 1 : records);
}

void agg_free(struct agg *a)
{
	if (!a)
		return;
	agg_drain(a);
	pthread_mutex_lock(&a->m);
	a->quit = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->m);
	for (unsigned k = 0; k < a->nhelpers; k++)
		pthread_join(a->tids[k], NULL);
	free(a->tids);
	for (unsigned p = 0; p < a->nparts; p++)
		part_free(&a->parts[p]);
	free(a->parts);
	free(a->w.wc);
	free(a->w.wc_n);
	round_free(&a->rounds[0]);
	round_free(&a->rounds[1]);
	arena_free(&a->arena);
	pthread_mutex_destroy(&a->arena.m);
	pthread_mutex_destroy(&a->m);
	pthread_cond_destroy(&a->cv);
	free(a);
}

void agg_reset(struct agg *a)
{
	agg_drain(a);
	for (unsigned p = 0; p < a->nparts; p++)
		part_free(&a->parts[p]);
	arena_free(&a->arena);
}

void agg_group_full(struct agg *a, unsigned p)
{
	struct round *r = &a->rounds[a->cur];
	struct agg_rec *dst = r->rec + (size_t)p * a->per_part + r->n[p];
#if HAVE_STREAM_STORES
	const __m128i *src = (const __m128i *)a->w.wc[p];
	__m128i *d = (__m128i *)dst;

	for (unsigned i = 0; i < WC_RECS * sizeof(struct agg_rec) / 16; i++)
		_mm_stream_si128(d + i, _mm_load_si128(src + i));
#else
	memcpy(dst, a->w.wc[p], sizeof(a->w.wc[p]));
#endif
	r->n[p] += WC_RECS;
	a->w.wc_n[p] = 0;
	/* Room for the next group, or the round is full. */
	if (r->n[p] + WC_RECS > a->per_part)
		round_submit(a, false);
}

void agg_round_full(struct agg *a)
{
	round_submit(a, false);
}

void agg_push_v6(struct agg *a, const struct agg_pkt *p)
{
	struct round *r;
	struct agg_rec *x;
	unsigned part = agg_part(&a->w, p);

	if (!a->w.left)
		round_submit(a, false);
	r = &a->rounds[a->cur];
	if (r->nv6 == r->v6cap) {
		r->v6cap = r->v6cap ? r->v6cap * 2 : 1024;
		r->v6 = xrealloc(r->v6, r->v6cap * sizeof(*r->v6));
	}
	memcpy(r->v6[r->nv6], p->addr, 16);
	a->w.left--;
	x = &a->w.wc[part][a->w.wc_n[part]];
	agg_rec_fill(x, p, r->nv6++);
	x->flags |= REC_V6;
	if (++a->w.wc_n[part] == WC_RECS)
		agg_group_full(a, part);
}

void agg_drain(struct agg *a)
{
	round_submit(a, true);
	if (a->nhelpers)
		wait_idle(a);
}

size_t agg_count(const struct agg *a)
{
	size_t n = 0;

	for (unsigned p = 0; p < a->nparts; p++)
		n += a->parts[p].count;
	return n;
}

void agg_each(struct agg *a, void (*fn)(struct src_entry *e, void *arg), void *arg)
{
	for (unsigned p = 0; p < a->nparts; p++)
		for (uint32_t i = 0; i < a->parts[p].count; i++)
			fn(part_entry(&a->parts[p], i), arg);
}

void agg_apply(struct src_entry *e, const struct agg_pkt *p)
{
	struct agg_rec x;

	agg_rec_fill(&x, p, 0);

	if (!e->af) {
		memcpy(e->addr, p->addr, p->af == 4 ? 4 : 16);
		e->af = p->af;
		e->period = p->period;
		e->first_ms = e->last_ms = p->ms;
	}
	rec_apply(e, &x);
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
