/* manufacturers.c - see manufacturers.h. One pass over the period's
 * observations joined with their device records, one over its exploit
 * events (CVEs per address), then a sort by (model, address, week). */
#include "analysis/manufacturers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"

#define NONE UINT32_MAX

struct sighting {
	uint32_t model; /* "vendor\x1fmodel\x1ffirmware" in models */
	uint32_t family; /* NONE: unknown */
	uint32_t kinds;
	int64_t week; /* day of the Monday */
	struct ipaddr ip;
};

/* A CVE an IP sent an exploit for (in the range). */
struct ip_cve {
	struct ipaddr ip;
	uint32_t cve;
};

struct magg {
	const struct figures_period *p;
	struct strtab models, *names; /* names: families and CVEs */
	struct ipaddr *ips; /* every device seen, with repeats */
	size_t nips, ipcap;
	struct sighting *v;
	size_t n, cap;
	struct ip_cve *cves;
	size_t ncves, cvecap;
};

static int64_t week_of(int64_t day)
{
	/* Day 0 (1970-01-01) was a Thursday: Monday is 3 days before. */
	return day - (((day + 3) % 7) + 7) % 7;
}

static int on_detail(const struct observation_detail *d, void *arg)
{
	struct magg *g = arg;
	struct sighting *s;
	char key[64 * 3 + 32 + 5];

	if (g->p->filter.has_family && strcmp(g->p->filter.family, d->obs->family) != 0)
		return 0;
	if (g->nips == g->ipcap) {
		g->ipcap = g->ipcap ? 2 * g->ipcap : 1024;
		g->ips = xrealloc(g->ips, g->ipcap * sizeof(*g->ips));
	}
	g->ips[g->nips++] = d->obs->ip;
	if (!d->device || (!d->device->vendor[0] && !d->device->model[0]))
		return 0; /* not characterized */
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 1024;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	s = &g->v[g->n++];
	snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%s", d->device->vendor, d->device->model, d->device->firmware,
		 d->device->type);
	s->model = strtab_intern(&g->models, key);
	s->family = d->obs->family[0] ? strtab_intern(g->names, d->obs->family) : NONE;
	s->kinds = d->obs->kinds;
	s->week = week_of(d->obs->day);
	s->ip = d->obs->ip;
	return 0;
}

static int on_exploit(const struct event *ev, void *arg)
{
	struct magg *g = arg;

	if (!ev->cve || !*ev->cve)
		return 0;
	if (g->ncves == g->cvecap) {
		g->cvecap = g->cvecap ? 2 * g->cvecap : 1024;
		g->cves = xrealloc(g->cves, g->cvecap * sizeof(*g->cves));
	}
	g->cves[g->ncves].ip = ev->src;
	g->cves[g->ncves++].cve = strtab_intern(g->names, ev->cve);
	return 0;
}

static int cmp_ip_cve(const void *a, const void *b)
{
	const struct ip_cve *x = a, *y = b;
	int c = ipaddr_compare(&x->ip, &y->ip);

	return c ? c : (x->cve < y->cve ? -1 : x->cve > y->cve);
}

/* The first (ip, cve) pair of ip, or NULL. */
static const struct ip_cve *first_cve(const struct magg *g, const struct ipaddr *ip)
{
	size_t lo = 0, hi = g->ncves;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ipaddr_compare(&g->cves[mid].ip, ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->ncves && ipaddr_compare(&g->cves[lo].ip, ip) == 0 ? &g->cves[lo] : NULL;
}

static int cmp_sighting(const void *a, const void *b)
{
	const struct sighting *x = a, *y = b;
	int c;

	if (x->model != y->model)
		return x->model < y->model ? -1 : 1;
	c = ipaddr_compare(&x->ip, &y->ip);
	if (c)
		return c;
	return x->week < y->week ? -1 : x->week > y->week;
}



static void bump(struct manufacturers_count **v, size_t *n, uint32_t id, int64_t key)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].id == id && (*v)[i].key == key) {
			(*v)[i].n++;
			return;
		}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].id = id;
	(*v)[*n].key = key;
	(*v)[(*n)++].n = 1;
}

static int cmp_count(const void *a, const void *b)
{
	const struct manufacturers_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_week(const void *a, const void *b)
{
	const struct manufacturers_count *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_row(const void *a, const void *b)
{
	const struct manufacturers_model *x = a, *y = b;
	int c;

	if (x->devices != y->devices)
		return x->devices > y->devices ? -1 : 1;
	if ((c = strcmp(x->vendor, y->vendor)) || (c = strcmp(x->name, y->name)))
		return c;
	return strcmp(x->firmware, y->firmware);
}

static int cmp_ip(const void *a, const void *b)
{
	return ipaddr_compare(a, b);
}

/* Field k (0..3) of a "vendor\x1fmodel\x1ffirmware\x1ftype" key into out. */
static void key_field(const char *key, int k, char *out, size_t size)
{
	const char *end;

	for (; k > 0 && key; k--)
		key = strchr(key, '\x1f') ? strchr(key, '\x1f') + 1 : NULL;
	if (!key) {
		out[0] = '\0';
		return;
	}
	end = strchr(key, '\x1f');
	snprintf(out, size, "%.*s", end ? (int)(end - key) : (int)strlen(key), key);
}

int manufacturers_compute(struct store *s, const struct figures_period *p, struct manufacturers *out,
			  struct err *err)
{
	struct magg g = {.p = p};
	struct obs_filter f;
	struct event_filter ef;
	int rc;

	memset(out, 0, sizeof(*out));
	g.names = &out->names;
	obs_filter_init(&f);
	f.day_from = p->from_day;
	f.day_to = p->to_day;
	if (p->filter.cc[0])
		f.cc = p->filter.cc;
	f.has_asn = p->filter.has_asn;
	f.asn = p->filter.asn;
	rc = store_query_observation_details(s, &f, on_detail, &g, err);
	if (rc)
		goto out;
	/* Exploit CVEs per IP: one pass over the range's exploit events (the
	 * store has no index by source, so no per-device lookups). */
	event_filter_init(&ef);
	ef.kind = EVENT_EXPLOIT;
	ef.since_us = p->from_day * US_PER_DAY;
	ef.until_us = (p->to_day + 1) * US_PER_DAY;
	rc = store_query_events(s, &ef, on_exploit, &g, err);
	if (rc)
		goto out;
	if (g.ncves)
		qsort(g.cves, g.ncves, sizeof(*g.cves), cmp_ip_cve);
	if (g.nips)
		qsort(g.ips, g.nips, sizeof(*g.ips), cmp_ip);
	for (size_t i = 0; i < g.nips; i++)
		out->all += i == 0 || ipaddr_compare(&g.ips[i - 1], &g.ips[i]) != 0;
	if (g.n)
		qsort(g.v, g.n, sizeof(*g.v), cmp_sighting);
	/* One pass over (model, ip, week): a device is one IP of a model. */
	for (size_t i = 0; i < g.n;) {
		size_t j = i;
		struct manufacturers_model *m;
		const char *key = g.models.s[g.v[i].model];

		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		m = &out->v[out->n++];
		memset(m, 0, sizeof(*m));
		key_field(key, 0, m->vendor, sizeof(m->vendor));
		key_field(key, 1, m->name, sizeof(m->name));
		key_field(key, 2, m->firmware, sizeof(m->firmware));
		key_field(key, 3, m->type, sizeof(m->type));
		while (j < g.n && g.v[j].model == g.v[i].model) {
			size_t k = j;
			uint32_t kinds = 0, fam[8];
			size_t nf = 0;

			/* All sightings of one device (IP) of this model. */
			while (k < g.n && g.v[k].model == g.v[i].model && ipaddr_compare(&g.v[k].ip, &g.v[j].ip) == 0) {
				const struct sighting *s1 = &g.v[k];

				kinds |= s1->kinds;
				if (k == j || s1->week != g.v[k - 1].week)
					bump(&m->weeks, &m->nweek, 0, s1->week);
				if (s1->family != NONE) {
					size_t q;

					for (q = 0; q < nf && fam[q] != s1->family; q++)
						;
					if (q == nf && nf < 8)
						fam[nf++] = s1->family;
				}
				k++;
			}
			m->devices++;
			if (kinds & KIND_BIT(EVENT_LOGIN))
				m->via_credentials++;
			if (kinds & KIND_BIT(EVENT_EXPLOIT))
				m->via_exploit++;
			for (size_t q = 0; q < nf; q++)
				bump(&m->families, &m->nfam, fam[q], 0);
			/* CVEs once per device (pairs are sorted and unique-ish). */
			for (const struct ip_cve *pc = first_cve(&g, &g.v[j].ip);
			     pc && pc < g.cves + g.ncves && ipaddr_compare(&pc->ip, &g.v[j].ip) == 0; pc++)
				if (pc == first_cve(&g, &g.v[j].ip) || pc[-1].cve != pc->cve)
					bump(&m->cves, &m->ncve, pc->cve, 0);
			j = k;
		}
		out->characterized += m->devices;
		if (m->nfam)
			qsort(m->families, m->nfam, sizeof(*m->families), cmp_count);
		if (m->ncve)
			qsort(m->cves, m->ncve, sizeof(*m->cves), cmp_count);
		if (m->nweek)
			qsort(m->weeks, m->nweek, sizeof(*m->weeks), cmp_week);
		i = j;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_row);
out:
	free(g.v);
	free(g.cves);
	free(g.ips);
	strtab_free(&g.models);
	return rc;
}

void manufacturers_free(struct manufacturers *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].families);
		free(m->v[i].cves);
		free(m->v[i].weeks);
	}
	free(m->v);
	strtab_free(&m->names);
	memset(m, 0, sizeof(*m));
}
