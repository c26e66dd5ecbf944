/* aggregate_test.c - the partitioned table against a one-entry-at-a-time
 * reference: rounds, partitions and helper threads must not change a figure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/telescope/aggregate.h"

struct stream {
	struct agg_pkt *p;
	size_t n;
};

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* n packets from about `sources` sources (a tenth IPv6), over three periods,
 * with a few heavy sources, mixed classes, fingerprints and ports. */
static struct stream make_stream(size_t n, uint32_t sources, uint64_t seed)
{
	struct stream st = {calloc(n, sizeof(struct agg_pkt)), n};

	for (size_t i = 0; i < n; i++) {
		struct agg_pkt *p = &st.p[i];
		uint64_t r = rng(&seed);
		uint32_t src = (uint32_t)(r % 8 == 0 ? r % 5 : r % sources);

		p->af = src % 10 == 7 ? 6 : 4;
		if (p->af == 4) {
			uint32_t v = 0x0a000000u + src;

			memcpy(p->addr, &v, 4);
		} else {
			p->addr[0] = 0x20;
			p->addr[1] = 0x01;
			p->addr[2] = 0x0d;
			p->addr[3] = 0xb8;
			memcpy(p->addr + 12, &src, 4);
		}
		p->period = 20000 + (int32_t)(i * 3 / n);
		p->ms = (uint32_t)(i % 86400000);
		p->dst32 = (uint32_t)(r >> 32) % (src % 3 == 0 ? 4 : 100000);
		p->dport = (uint16_t)(r >> 20 & 1 ? 23 : (r >> 24) % 6 * 1000);
		p->has_port = (r >> 30 & 3) != 0;
		p->cls = (uint8_t)((r >> 40) % CLASS_COUNT);
		p->fps = (uint8_t)((r >> 44) & 7);
	}
	return st;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct src_entry *x = a, *y = b;
	int r;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	r = memcmp(x->addr, y->addr, 16);
	if (r)
		return r;
	return (x->period > y->period) - (x->period < y->period);
}

/* The reference: packets sorted by key (stable), applied one entry at a
 * time in stream order. */
struct ref {
	struct src_entry *e;
	size_t n;
};

static const struct agg_pkt *sort_base;

static int cmp_pkt_index(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct agg_pkt *x = &sort_base[i], *y = &sort_base[j];
	int r = x->af != y->af ? (x->af < y->af ? -1 : 1) : memcmp(x->addr, y->addr, 16);

	if (!r)
		r = (x->period > y->period) - (x->period < y->period);
	return r ? r : (i > j) - (i < j);
}

static struct ref make_ref(const struct stream *st)
{
	struct ref r = {calloc(st->n, sizeof(struct src_entry)), 0};
	size_t *ix = malloc(st->n * sizeof(*ix));

	for (size_t i = 0; i < st->n; i++)
		ix[i] = i;
	sort_base = st->p;
	qsort(ix, st->n, sizeof(*ix), cmp_pkt_index);
	for (size_t k = 0; k < st->n; k++) {
		const struct agg_pkt *p = &st->p[ix[k]];
		const struct src_entry *last = r.n ? &r.e[r.n - 1] : NULL;

		if (!last || last->af != p->af || memcmp(last->addr, p->addr, 16) != 0 || last->period != p->period)
			r.n++;
		agg_apply(&r.e[r.n - 1], p);
	}
	free(ix);
	return r;
}

struct collect {
	struct src_entry *v;
	size_t n;
};

static void collect(struct src_entry *e, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = *e;
}

/* Pushes the stream through a table and compares every entry with ref. */
static void check_against(const struct stream *st, const struct ref *ref, size_t hint, unsigned threads,
			  uint32_t round)
{
	struct agg *a = agg_new(hint, threads);
	struct collect c;

	if (round)
		agg_set_round(a, round);
	for (size_t i = 0; i < st->n; i++)
		agg_push(a, &st->p[i]);
	agg_drain(a);
	assert_int_equal(agg_count(a), ref->n);
	c.v = calloc(ref->n, sizeof(*c.v));
	c.n = 0;
	agg_each(a, collect, &c);
	assert_int_equal(c.n, ref->n);
	qsort(c.v, c.n, sizeof(*c.v), cmp_entry);
	for (size_t i = 0; i < c.n; i++)
		assert_memory_equal(&c.v[i], &ref->e[i], sizeof(struct src_entry));
	free(c.v);
	agg_free(a);
}

static void test_same_as_reference(void **state)
{
	struct stream st = make_stream(60000, 8000, 42);
	struct ref ref = make_ref(&st);
	(void)state;

	assert_true(ref.n > 8000); /* three periods */
	/* One partition, and hints that make partitions outgrow their size. */
	check_against(&st, &ref, 0, 1, 0);
	check_against(&st, &ref, 1u << 18, 1, 0);
	/* Rounds that end every 3 packets, every 7, and at the partition limit. */
	check_against(&st, &ref, 100000, 1, 3);
	check_against(&st, &ref, 100000, 1, 7);
	check_against(&st, &ref, 100000, 2, 7);
	check_against(&st, &ref, 100000, 3, 1000);
	check_against(&st, &ref, 1u << 18, 4, 0);
	free(ref.e);
	free(st.p);
}

static void test_reset_and_reuse(void **state)
{
	struct stream st = make_stream(50000, 5000, 7);
	struct agg *a = agg_new(5000, 2);
	(void)state;

	for (size_t i = 0; i < st.n; i++)
		agg_push(a, &st.p[i]);
	agg_drain(a);
	size_t first = agg_count(a);

	assert_true(first > 5000);
	agg_reset(a);
	assert_int_equal(agg_count(a), 0);
	for (size_t i = 0; i < st.n; i++)
		agg_push(a, &st.p[i]);
	agg_drain(a);
	assert_int_equal(agg_count(a), first);
	/* A drain with nothing queued changes nothing. */
	agg_drain(a);
	assert_int_equal(agg_count(a), first);
	agg_free(a);
	free(st.p);
}

/* Enough sources in one partition that some share a 32-bit slot tag (about
 * n^2 / 2^33 pairs, under a new secret seed every table): each must still be
 * one entry, whatever the seed, so every run counts the same. */
static void test_tag_collisions(void **state)
{
	const uint32_t sources = 400000;
	(void)state;

	for (unsigned run = 0; run < 4; run++) {
		struct agg *a = agg_new(0, run % 2 ? 2 : 1);
		struct agg_pkt p = {.af = 4, .period = 20000, .cls = CLASS_SYN, .has_port = 1, .dport = 23};
		uint64_t two = 0;
		struct collect c;

		for (unsigned pass = 0; pass < 2; pass++)
			for (uint32_t s = 0; s < sources; s++) {
				uint32_t v = 0x01000000u + s * 7;

				memcpy(p.addr, &v, 4);
				p.ms = pass;
				p.dst32 = s + pass;
				agg_push(a, &p);
			}
		agg_drain(a);
		assert_int_equal(agg_count(a), sources);
		c.v = calloc(sources, sizeof(*c.v));
		c.n = 0;
		agg_each(a, collect, &c);
		for (size_t i = 0; i < c.n; i++)
			two += agg_packets(&c.v[i]) == 2;
		assert_int_equal(two, sources);
		free(c.v);
		agg_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_reference),
		cmocka_unit_test(test_reset_and_reuse),
		cmocka_unit_test(test_tag_collisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
