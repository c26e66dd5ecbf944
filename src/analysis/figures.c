/* figures.c - see figures.h. One pass over the period's observations;
 * distinct devices per group are counted with a hash set of (group, address). */
#include "analysis/figures.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"

int figures_period(struct store *s, const struct figures_request *rq, struct figures_period *p, struct err *err)
{
	int64_t first = 0, last = 0, today = time_day_of(time_now_us()), from, to;
	bool found;

	if (store_observation_span(s, &first, &last, &found, err))
		return -1;
	memset(p, 0, sizeof(*p));
	to = rq->to != INT64_MAX ? rq->to : found ? last : today;
	if (rq->to == INT64_MAX && rq->complete_days && found && to >= today && first < today) {
		to = today - 1;
		p->today_left_out = true;
	}
	if (rq->from != INT64_MIN)
		from = rq->from;
	else if (rq->last_days > 0)
		from = found && to - rq->last_days + 1 < first ? first : to - rq->last_days + 1;
	else
		from = found ? first : to;
	if (from > to)
		from = to;
	p->from_day = from;
	p->to_day = to;
	p->days = (int)(to - from + 1);
	return 0;
}

/* --- distinct (group, address) pairs --------------------------------- */

struct pair {
	uint32_t group; /* 0 = empty slot; groups are stored + 1 */
	struct ipaddr ip;
};

struct pairset {
	struct pair *slots;
	size_t cap, n;
};

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u;
	return h;
}

static uint64_t pair_hash(uint32_t group, const struct ipaddr *ip)
{
	uint64_t h = hash_bytes(&group, sizeof(group), 14695981039346656037u);

	h = hash_bytes(&ip->af, 1, h);
	return hash_bytes(ip->b, ip->af == 4 ? 4 : 16, h);
}

/* Adds (group, ip); true when it was new. */
static bool pairset_add(struct pairset *ps, uint32_t group, const struct ipaddr *ip)
{
	size_t i;

	if ((ps->n + 1) * 2 > ps->cap) {
		struct pairset bigger = {xcalloc(ps->cap ? ps->cap * 2 : 1024, sizeof(struct pair)),
					 ps->cap ? ps->cap * 2 : 1024, 0};

		for (size_t j = 0; j < ps->cap; j++)
			if (ps->slots[j].group)
				pairset_add(&bigger, ps->slots[j].group - 1, &ps->slots[j].ip);
		free(ps->slots);
		*ps = bigger;
	}
	i = pair_hash(group, ip) & (ps->cap - 1);
	while (ps->slots[i].group) {
		if (ps->slots[i].group == group + 1 && ipaddr_equal(&ps->slots[i].ip, ip))
			return false;
		i = (i + 1) & (ps->cap - 1);
	}
	ps->slots[i].group = group + 1;
	ps->slots[i].ip = *ip;
	ps->n++;
	return true;
}

static bool pairset_has(const struct pairset *ps, uint32_t group, const struct ipaddr *ip)
{
	size_t i;

	if (!ps->cap)
		return false;
	i = pair_hash(group, ip) & (ps->cap - 1);
	while (ps->slots[i].group) {
		if (ps->slots[i].group == group + 1 && ipaddr_equal(&ps->slots[i].ip, ip))
			return true;
		i = (i + 1) & (ps->cap - 1);
	}
	return false;
}

/* --- tables ------------------------------------------------------------ */

void figures_table_init(struct figures_table *t)
{
	memset(t, 0, sizeof(*t));
}

void figures_table_free(struct figures_table *t)
{
	free(t->rows);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

static void index_insert(struct figures_table *t, size_t row)
{
	size_t i = hash_bytes(t->rows[row].key, strlen(t->rows[row].key), 14695981039346656037u) & (t->index_cap - 1);

	while (t->index[i])
		i = (i + 1) & (t->index_cap - 1);
	t->index[i] = row + 1;
}

/* The row of key, made (zeroed) when new; returns its index. */
static size_t table_row(struct figures_table *t, const char *key)
{
	size_t i;

	if (t->index_cap) {
		i = hash_bytes(key, strlen(key), 14695981039346656037u) & (t->index_cap - 1);
		while (t->index[i]) {
			if (strcmp(t->rows[t->index[i] - 1].key, key) == 0)
				return t->index[i] - 1;
			i = (i + 1) & (t->index_cap - 1);
		}
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	snprintf(t->rows[t->n].key, sizeof(t->rows[0].key), "%s", key);
	t->n++;
	if (t->n * 2 > t->index_cap) {
		free(t->index);
		t->index_cap = t->index_cap ? t->index_cap * 2 : 128;
		t->index = xcalloc(t->index_cap, sizeof(size_t));
		for (size_t r = 0; r < t->n; r++)
			index_insert(t, r);
	} else {
		index_insert(t, t->n - 1);
	}
	return t->n - 1;
}

static int by_devices(const void *a, const void *b)
{
	const struct figures_row *x = a, *y = b;

	if (x->devices != y->devices)
		return x->devices > y->devices ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Sorting moves rows, so the key index is dropped: the table is final. */
static void table_finish(struct figures_table *t, int (*order)(const void *, const void *))
{
	if (t->n > 1) /* rows is NULL when empty: qsort's base must not be */
		qsort(t->rows, t->n, sizeof(t->rows[0]), order);
	free(t->index);
	t->index = NULL;
	t->index_cap = 0;
}

/* --- queries ------------------------------------------------------------ */

/* The store query of the period (days, country and network of its filter). */
static void filter_of(const struct figures_period *p, struct obs_filter *f)
{
	obs_filter_init(f);
	f->day_from = p->from_day;
	f->day_to = p->to_day;
	if (p->filter.cc[0])
		f->cc = p->filter.cc;
	f->has_asn = p->filter.has_asn;
	f->asn = p->filter.asn;
}

/* The filter's family, which the store does not select. */
static bool family_ok(const struct figures_period *p, const struct observation *o)
{
	return !p->filter.has_family || strcmp(p->filter.family, o->family) == 0;
}

struct daily_arg {
	const struct figures_period *p;
	char (*ccs)[3];
	size_t ncc;
	uint64_t *counts, *all;
};

static int daily_cb(const struct observation *o, void *arg)
{
	struct daily_arg *a = arg;
	int64_t d = o->day - a->p->from_day;

	if (d < 0 || d >= a->p->days || !family_ok(a->p, o))
		return 0;
	a->all[d]++;
	for (size_t i = 0; i < a->ncc; i++)
		if (strcmp(a->ccs[i], o->net.cc) == 0)
			a->counts[i * (size_t)a->p->days + (size_t)d]++;
	return 0;
}

int figures_daily(struct store *s, const struct figures_period *p, char (*ccs)[3], size_t ncc, uint64_t *counts,
		uint64_t *all, struct err *err)
{
	struct daily_arg a = {p, ccs, ncc, counts, all};
	struct obs_filter f;

	memset(counts, 0, ncc * (size_t)p->days * sizeof(*counts));
	memset(all, 0, (size_t)p->days * sizeof(*all));
	filter_of(p, &f);
	return store_query_observations(s, &f, daily_cb, &a, err);
}

struct group_arg {
	const struct figures_period *p;
	enum figures_by by;
	struct figures_table *t;
	struct pairset seen, seen_last;
};

static int group_cb(const struct observation *o, void *arg)
{
	struct group_arg *a = arg;
	char key[64];
	size_t row;

	if (!family_ok(a->p, o))
		return 0;
	switch (a->by) {
	case FIGURES_BY_COUNTRY:
		snprintf(key, sizeof(key), "%s", o->net.cc[0] ? o->net.cc : "??");
		break;
	case FIGURES_BY_NETWORK:
		snprintf(key, sizeof(key), "AS%u", o->net.asn);
		break;
	case FIGURES_BY_FAMILY:
		snprintf(key, sizeof(key), "%s", o->family);
		break;
	}
	row = table_row(a->t, key);
	if (a->by == FIGURES_BY_NETWORK) {
		struct figures_row *r = &a->t->rows[row];

		r->asn = o->net.asn;
		if (!r->name[0] && o->net.as_name[0])
			snprintf(r->name, sizeof(r->name), "%s", o->net.as_name);
		if (!r->cc[0] && o->net.cc[0])
			memcpy(r->cc, o->net.cc, sizeof(r->cc));
	}
	a->t->rows[row].device_days++;
	if (pairset_add(&a->seen, (uint32_t)row, &o->ip))
		a->t->rows[row].devices++;
	if (o->day == a->p->to_day && pairset_add(&a->seen_last, (uint32_t)row, &o->ip))
		a->t->rows[row].last_day++;
	return 0;
}

static int group_observations(struct store *s, const struct figures_period *p,
			      int (*cb)(const struct observation *, void *), void *arg, struct err *err)
{
	struct obs_filter f;

	filter_of(p, &f);
	return store_query_observations(s, &f, cb, arg, err);
}

int figures_group(struct store *s, const struct figures_period *p, enum figures_by by, struct figures_table *t,
		struct err *err)
{
	struct group_arg a = {.p = p, .by = by, .t = t};
	int rc = group_observations(s, p, group_cb, &a, err);

	free(a.seen.slots);
	free(a.seen_last.slots);
	table_finish(t, by_devices);
	return rc;
}

/* --- ports --------------------------------------------------------------- */

struct ports_arg {
	const struct figures_period *p;
	struct figures_table *t;
	struct pairset infected; /* (day in the period, source) within the filter */
	struct pairset seen; /* (port, source) */
};

static int infected_cb(const struct observation *o, void *arg)
{
	struct ports_arg *a = arg;
	int64_t d = o->day - a->p->from_day;

	if (d >= 0 && d < a->p->days && family_ok(a->p, o))
		pairset_add(&a->infected, (uint32_t)d, &o->ip);
	return 0;
}

static int port_cb(const struct event *ev, void *arg)
{
	struct ports_arg *a = arg;
	int64_t d = time_day_of(ev->time_us) - a->p->from_day;
	char key[8];
	size_t row;

	if (!ev->dst_port || d < 0 || d >= a->p->days || !pairset_has(&a->infected, (uint32_t)d, &ev->src))
		return 0;
	if (!pairset_add(&a->seen, ev->dst_port, &ev->src))
		return 0;
	snprintf(key, sizeof(key), "%u", ev->dst_port);
	row = table_row(a->t, key);
	a->t->rows[row].asn = ev->dst_port;
	a->t->rows[row].devices++;
	return 0;
}

/* Ports sort by devices, then by number (not by their text). */
static int by_port(const void *a, const void *b)
{
	const struct figures_row *x = a, *y = b;

	if (x->devices != y->devices)
		return x->devices > y->devices ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

int figures_ports(struct store *s, const struct figures_period *p, struct figures_table *t, struct err *err)
{
	struct ports_arg a = {.p = p, .t = t};
	struct event_filter f;
	int rc = group_observations(s, p, infected_cb, &a, err);

	if (rc == 0 && a.infected.n) {
		event_filter_init(&f);
		f.since_us = p->from_day * 86400 * INT64_C(1000000);
		f.until_us = (p->to_day + 1) * 86400 * INT64_C(1000000);
		rc = store_query_events(s, &f, port_cb, &a, err);
	}
	free(a.infected.slots);
	free(a.seen.slots);
	table_finish(t, by_port);
	return rc;
}

/* --- countries ----------------------------------------------------------- */

/* Two upper-case letters index 26 * 26 slots directly. */
#define NSLOTS (26 * 26)

struct country_arg {
	const struct figures_period *p;
	struct figures_country *slot[NSLOTS];
	struct pairset seen, seen_last, unknown;
	uint64_t unknown_days;
};

static int slot_of(const char *cc)
{
	int a = cc[0] & ~0x20, b = cc[0] ? cc[1] & ~0x20 : 0;

	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || cc[2])
		return -1;
	return (a - 'A') * 26 + (b - 'A');
}

static int country_cb(const struct observation *o, void *arg)
{
	struct country_arg *a = arg;
	int k = slot_of(o->net.cc);
	int64_t d = o->day - a->p->from_day;
	struct figures_country *c;

	if (d < 0 || d >= a->p->days || !family_ok(a->p, o))
		return 0;
	if (k < 0) {
		a->unknown_days++;
		pairset_add(&a->unknown, 0, &o->ip);
		return 0;
	}
	c = a->slot[k];
	if (!c) {
		c = a->slot[k] = xcalloc(1, sizeof(*c));
		c->cc[0] = (char)('A' + k / 26);
		c->cc[1] = (char)('A' + k % 26);
		c->daily = xcalloc((size_t)a->p->days, sizeof(*c->daily));
	}
	c->daily[d]++;
	c->device_days++;
	if (pairset_add(&a->seen, (uint32_t)k, &o->ip))
		c->devices++;
	if (o->day == a->p->to_day && pairset_add(&a->seen_last, (uint32_t)k, &o->ip))
		c->last_day++;
	return 0;
}

static int by_rank(const void *a, const void *b)
{
	const struct figures_country *x = a, *y = b;

	if (!!x->pop != !!y->pop)
		return x->pop ? -1 : 1;
	if (x->pop && x->per_million != y->per_million)
		return x->per_million > y->per_million ? -1 : 1;
	if (x->mean_per_day != y->mean_per_day)
		return x->mean_per_day > y->mean_per_day ? -1 : 1;
	return strcmp(x->cc, y->cc);
}

int figures_countries(struct store *s, const struct figures_period *p, const struct population *pop,
		      struct figures_countries *out, struct err *err)
{
	struct country_arg a = {.p = p};
	int rc = group_observations(s, p, country_cb, &a, err), rank = 0;

	memset(out, 0, sizeof(*out));
	out->v = xcalloc(NSLOTS, sizeof(*out->v));
	for (int k = 0; k < NSLOTS; k++) {
		struct figures_country *c = a.slot[k];

		if (!c)
			continue;
		c->pop = pop ? population_find(pop, c->cc) : NULL;
		c->mean_per_day = (double)c->device_days / (double)p->days;
		for (int d = 0; d < p->days; d++)
			if (c->daily[d] > c->peak)
				c->peak = c->daily[d];
		if (c->pop)
			c->per_million = c->mean_per_day * 1e6 / (double)c->pop->population;
		out->v[out->n++] = *c;
		free(c);
	}
	qsort(out->v, out->n, sizeof(*out->v), by_rank);
	for (size_t i = 0; i < out->n; i++)
		out->v[i].rank = out->v[i].pop ? ++rank : 0;
	out->unknown_devices = a.unknown.n;
	out->unknown_device_days = a.unknown_days;
	free(a.seen.slots);
	free(a.seen_last.slots);
	free(a.unknown.slots);
	return rc;
}

void figures_countries_free(struct figures_countries *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].daily);
	free(c->v);
	memset(c, 0, sizeof(*c));
}
