/* stats.c - see stats.h. One pass over the period's observations; distinct
 * devices per group are counted with a hash set of (group, address). */
#include "stats.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"

int stats_period(struct store *s, int64_t to_day, int days, struct stats_period *p, struct err *err)
{
	int64_t first, last;
	bool found;

	if (to_day == INT64_MIN) {
		if (store_observation_span(s, &first, &last, &found, err))
			return -1;
		to_day = found ? last : time_day_of(time_now_us());
	}
	p->to_day = to_day;
	p->days = days;
	p->from_day = to_day - days + 1;
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

/* --- tables ------------------------------------------------------------ */

void stats_table_init(struct stats_table *t)
{
	memset(t, 0, sizeof(*t));
}

void stats_table_free(struct stats_table *t)
{
	free(t->rows);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

static void index_insert(struct stats_table *t, size_t row)
{
	size_t i = hash_bytes(t->rows[row].key, strlen(t->rows[row].key), 14695981039346656037u) & (t->index_cap - 1);

	while (t->index[i])
		i = (i + 1) & (t->index_cap - 1);
	t->index[i] = row + 1;
}

/* The row of key, made (zeroed) when new; returns its index. */
static size_t table_row(struct stats_table *t, const char *key)
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
	const struct stats_row *x = a, *y = b;

	if (x->devices != y->devices)
		return x->devices > y->devices ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Sorting moves rows, so the key index is dropped: the table is final. */
static void table_finish(struct stats_table *t)
{
	if (t->n > 1) /* rows is NULL when empty: qsort's base must not be */
		qsort(t->rows, t->n, sizeof(t->rows[0]), by_devices);
	free(t->index);
	t->index = NULL;
	t->index_cap = 0;
}

/* --- queries ------------------------------------------------------------ */

struct daily_arg {
	const struct stats_period *p;
	char (*ccs)[3];
	size_t ncc;
	uint64_t *counts, *all;
};

static int daily_cb(const struct observation *o, void *arg)
{
	struct daily_arg *a = arg;
	int64_t d = o->day - a->p->from_day;

	if (d < 0 || d >= a->p->days)
		return 0;
	a->all[d]++;
	for (size_t i = 0; i < a->ncc; i++)
		if (strcmp(a->ccs[i], o->net.cc) == 0)
			a->counts[i * (size_t)a->p->days + (size_t)d]++;
	return 0;
}

int stats_daily(struct store *s, const struct stats_period *p, char (*ccs)[3], size_t ncc, uint64_t *counts,
		uint64_t *all, struct err *err)
{
	struct daily_arg a = {p, ccs, ncc, counts, all};
	struct obs_filter f;

	memset(counts, 0, ncc * (size_t)p->days * sizeof(*counts));
	memset(all, 0, (size_t)p->days * sizeof(*all));
	obs_filter_init(&f);
	f.day_from = p->from_day;
	f.day_to = p->to_day;
	return store_query_observations(s, &f, daily_cb, &a, err);
}

struct group_arg {
	const struct stats_period *p;
	enum stats_by by;
	struct stats_table *t;
	struct pairset seen, seen_last;
};

static int group_cb(const struct observation *o, void *arg)
{
	struct group_arg *a = arg;
	char key[64];
	size_t row;

	switch (a->by) {
	case STATS_BY_COUNTRY:
		snprintf(key, sizeof(key), "%s", o->net.cc[0] ? o->net.cc : "??");
		break;
	case STATS_BY_NETWORK:
		snprintf(key, sizeof(key), "AS%u", o->net.asn);
		break;
	case STATS_BY_FAMILY:
		snprintf(key, sizeof(key), "%s", o->family);
		break;
	}
	row = table_row(a->t, key);
	if (a->by == STATS_BY_NETWORK) {
		struct stats_row *r = &a->t->rows[row];

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

static int group_observations(struct store *s, const struct stats_period *p,
			      int (*cb)(const struct observation *, void *), void *arg, struct err *err)
{
	struct obs_filter f;

	obs_filter_init(&f);
	f.day_from = p->from_day;
	f.day_to = p->to_day;
	return store_query_observations(s, &f, cb, arg, err);
}

int stats_group(struct store *s, const struct stats_period *p, enum stats_by by, struct stats_table *t,
		struct err *err)
{
	struct group_arg a = {.p = p, .by = by, .t = t};
	int rc = group_observations(s, p, group_cb, &a, err);

	free(a.seen.slots);
	free(a.seen_last.slots);
	table_finish(t);
	return rc;
}

struct device_arg {
	const struct stats_period *p;
	struct pairset ips; /* distinct devices of the period, group 0 */
	struct pairset last; /* ... seen on the last day */
};

static int device_cb(const struct observation *o, void *arg)
{
	struct device_arg *a = arg;

	pairset_add(&a->ips, 0, &o->ip);
	if (o->day == a->p->to_day)
		pairset_add(&a->last, 0, &o->ip);
	return 0;
}

static bool in_set(const struct pairset *ps, const struct ipaddr *ip)
{
	size_t i;

	if (!ps->cap)
		return false;
	i = pair_hash(0, ip) & (ps->cap - 1);
	while (ps->slots[i].group) {
		if (ipaddr_equal(&ps->slots[i].ip, ip))
			return true;
		i = (i + 1) & (ps->cap - 1);
	}
	return false;
}

int stats_manufacturers(struct store *s, const struct stats_period *p, struct stats_table *vendors,
			struct stats_table *models, uint64_t *characterized, uint64_t *all, struct err *err)
{
	struct device_arg a = {.p = p};
	int rc = group_observations(s, p, device_cb, &a, err);

	*characterized = 0;
	*all = a.ips.n;
	for (size_t i = 0; rc == 0 && i < a.ips.cap; i++) {
		struct device d;
		bool found, last;
		char key[160];
		size_t row;

		if (!a.ips.slots[i].group)
			continue;
		if ((rc = store_get_device(s, &a.ips.slots[i].ip, &d, &found, err)) != 0)
			break;
		free(d.evidence);
		if (!found || !d.vendor[0])
			continue;
		(*characterized)++;
		last = in_set(&a.last, &a.ips.slots[i].ip);
		row = table_row(vendors, d.vendor);
		vendors->rows[row].devices++;
		vendors->rows[row].last_day += last;
		snprintf(key, sizeof(key), "%s\x1f%s", d.vendor, d.model);
		row = table_row(models, key);
		snprintf(models->rows[row].name, sizeof(models->rows[row].name), "%s", d.model);
		snprintf(models->rows[row].type, sizeof(models->rows[row].type), "%s", d.type);
		models->rows[row].devices++;
		models->rows[row].last_day += last;
	}
	free(a.ips.slots);
	free(a.last.slots);
	table_finish(vendors);
	table_finish(models);
	return rc;
}
