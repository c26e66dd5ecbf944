/* manufacturers.c - `iotmon report manufacturers`: infected devices per
 * vendor / model / firmware, with trend, families and infection vectors. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/chart.h"
#include "report/reports.h"
#include "report/strtab.h"
#include "report/table.h"


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
	struct strtab models, names; /* names: families and CVEs */
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
	char key[64 * 3 + 4];

	if (!d->device || (!d->device->vendor[0] && !d->device->model[0]))
		return 0; /* not characterized */
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 1024;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	s = &g->v[g->n++];
	snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", d->device->vendor, d->device->model, d->device->firmware);
	s->model = strtab_intern(&g->models, key);
	s->family = d->obs->family[0] ? strtab_intern(&g->names, d->obs->family) : NONE;
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
	g->cves[g->ncves++].cve = strtab_intern(&g->names, ev->cve);
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

struct count {
	uint32_t id;
	int64_t key; /* week for trends */
	uint64_t n;
};

struct model_row {
	uint32_t model;
	char vendor[64], name[64], firmware[64];
	uint64_t devices, via_credentials, via_exploit;
	struct count *families, *cves, *weeks;
	size_t nfam, ncve, nweek;
};

static void bump(struct count **v, size_t *n, uint32_t id, int64_t key)
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
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_week(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_row(const void *a, const void *b)
{
	const struct model_row *x = a, *y = b;
	int c;

	if (x->devices != y->devices)
		return x->devices > y->devices ? -1 : 1;
	if ((c = strcmp(x->vendor, y->vendor)) || (c = strcmp(x->name, y->name)))
		return c;
	return strcmp(x->firmware, y->firmware);
}

/* "mirai 3; gafgyt 1" (names sorted by count, then by name id). */
static void counts_text(struct strbuf *b, const struct count *v, size_t n, const struct strtab *names)
{
	for (size_t i = 0; i < n; i++)
		strbuf_printf(b, "%s%s %llu", i ? "; " : "", names->s[v[i].id], (unsigned long long)v[i].n);
}

static void weeks_text(struct strbuf *b, const struct count *v, size_t n)
{
	char day[11];

	for (size_t i = 0; i < n; i++) {
		time_format_day(v[i].key, day);
		strbuf_printf(b, "%s%s:%llu", i ? " " : "", day, (unsigned long long)v[i].n);
	}
}

static json_t *counts_json(const struct count *v, size_t n, const struct strtab *names, const char *key)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:I}", key, names->s[v[i].id], "devices", (json_int_t)v[i].n));
	return a;
}

#define SVG_BARS 20
#define SVG_LINES 8

/* Two charts in one SVG: devices per model (bars) and, below, devices per
 * week of the largest models (lines; weeks without a device count 0). */
static int write_svg(const struct model_row *rows, size_t nrows, struct strbuf *out)
{
	struct chart_bar bars[SVG_BARS];
	struct chart_series series[SVG_LINES];
	char labels[SVG_BARS][140];
	struct chart cb = {0}, cl = {0};
	int64_t w0 = INT64_MAX, w1 = INT64_MIN;
	size_t nb = nrows < SVG_BARS ? nrows : SVG_BARS, nl = nrows < SVG_LINES ? nrows : SVG_LINES, nw;
	double *xs = NULL, *ys = NULL;
	int rc;

	for (size_t k = 0; k < nb; k++) {
		snprintf(labels[k], sizeof(labels[k]), "%s %s%s%s", rows[k].vendor, rows[k].name,
			 rows[k].firmware[0] ? " " : "", rows[k].firmware);
		bars[k].label = labels[k];
		bars[k].value = (double)rows[k].devices;
	}
	for (size_t k = 0; k < nl; k++)
		for (size_t i = 0; i < rows[k].nweek; i++) {
			w0 = rows[k].weeks[i].key < w0 ? rows[k].weeks[i].key : w0;
			w1 = rows[k].weeks[i].key > w1 ? rows[k].weeks[i].key : w1;
		}
	nw = w0 <= w1 ? (size_t)((w1 - w0) / 7 + 1) : 0;
	if (nw) {
		xs = xcalloc(nw, sizeof(*xs));
		ys = xcalloc(nw * nl, sizeof(*ys));
	}
	for (size_t i = 0; i < nw; i++)
		xs[i] = (double)(w0 + 7 * (int64_t)i);
	for (size_t k = 0; k < nl; k++) {
		for (size_t i = 0; i < rows[k].nweek; i++)
			ys[k * nw + (size_t)((rows[k].weeks[i].key - w0) / 7)] = (double)rows[k].weeks[i].n;
		series[k].label = labels[k];
		series[k].x = xs;
		series[k].y = ys + k * nw;
		series[k].lower = series[k].upper = NULL;
		series[k].n = nw;
		series[k].step = false;
	}
	cb.title = "Infected devices per vendor, model and firmware";
	cb.x_label = "infected devices";
	cb.y_label = "model";
	cl.title = "Infected devices per week (weeks start on Monday)";
	cl.x_label = "week";
	cl.y_label = "devices";
	cl.x_is_day = true;
	rc = strbuf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"740\""
			      " viewBox=\"0 0 720 740\" role=\"img\"><g>") ||
	     chart_bars(out, &cb, bars, nb) || strbuf_puts(out, "</g><g transform=\"translate(0,380)\">") ||
	     chart_lines(out, &cl, series, nl) || strbuf_puts(out, "</g></svg>\n");
	free(xs);
	free(ys);
	return rc ? -1 : 0;
}

int report_manufacturers(struct store *s, const struct report_range *r, enum report_format fmt, struct strbuf *out,
			 struct err *err)
{
	struct magg g = {0};
	struct obs_filter f;
	struct model_row *rows = NULL;
	size_t nrows = 0;
	uint64_t total = 0;
	int rc;

	obs_filter_init(&f);
	f.day_from = r->from;
	f.day_to = r->to;
	rc = store_query_observation_details(s, &f, on_detail, &g, err);
	if (rc)
		goto out;
	/* Exploit CVEs per IP: one pass over the range's exploit events (the
	 * store has no index by source, so no per-device lookups). */
	{
		struct event_filter ef;

		event_filter_init(&ef);
		ef.kind = EVENT_EXPLOIT;
		if (r->from != INT64_MIN)
			ef.since_us = r->from * US_PER_DAY;
		if (r->to != INT64_MAX)
			ef.until_us = (r->to + 1) * US_PER_DAY;
		rc = store_query_events(s, &ef, on_exploit, &g, err);
		if (rc)
			goto out;
		if (g.ncves)
			qsort(g.cves, g.ncves, sizeof(*g.cves), cmp_ip_cve);
	}
	if (g.n)
		qsort(g.v, g.n, sizeof(*g.v), cmp_sighting);
	/* One pass over (model, ip, week): a device is one IP of a model. */
	for (size_t i = 0; i < g.n;) {
		size_t j = i;
		struct model_row *m;
		char *key, *p;

		rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
		m = &rows[nrows++];
		memset(m, 0, sizeof(*m));
		m->model = g.v[i].model;
		key = xstrdup(g.models.s[m->model]);
		p = strchr(key, '\x1f');
		*p++ = '\0';
		snprintf(m->vendor, sizeof(m->vendor), "%s", key);
		snprintf(m->name, sizeof(m->name), "%s", p);
		p = strchr(p, '\x1f');
		snprintf(m->firmware, sizeof(m->firmware), "%s", p + 1);
		p = strchr(m->name, '\x1f');
		if (p)
			*p = '\0';
		free(key);
		while (j < g.n && g.v[j].model == m->model) {
			size_t k = j;
			uint32_t kinds = 0, fam[8];
			size_t nf = 0;

			/* All sightings of one device (IP) of this model. */
			while (k < g.n && g.v[k].model == m->model && ipaddr_compare(&g.v[k].ip, &g.v[j].ip) == 0) {
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
		total += m->devices;
		if (m->nfam)
			qsort(m->families, m->nfam, sizeof(*m->families), cmp_count);
		if (m->ncve)
			qsort(m->cves, m->ncve, sizeof(*m->cves), cmp_count);
		if (m->nweek)
			qsort(m->weeks, m->nweek, sizeof(*m->weeks), cmp_week);
		i = j;
	}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_row);

	if (fmt == REPORT_SVG) {
		rc = write_svg(rows, nrows, out);
	} else if (fmt == REPORT_JSON) {
		json_t *root = json_object(), *arr = json_array();
		char *text;

		json_object_set_new(root, "report", json_string("manufacturers"));
		json_object_set_new(root, "characterized_infected_devices", json_integer((json_int_t)total));
		for (size_t i = 0; i < nrows; i++) {
			struct model_row *m = &rows[i];
			json_t *o = json_object(), *w = json_array();

			json_object_set_new(o, "vendor", json_string(m->vendor));
			json_object_set_new(o, "model", json_string(m->name));
			json_object_set_new(o, "firmware", json_string(m->firmware));
			json_object_set_new(o, "devices", json_integer((json_int_t)m->devices));
			json_object_set_new(o, "share", json_real(total ? (double)m->devices / (double)total : 0));
			json_object_set_new(o, "families", counts_json(m->families, m->nfam, &g.names, "family"));
			json_object_set_new(o, "via_credentials", json_integer((json_int_t)m->via_credentials));
			json_object_set_new(o, "via_exploit", json_integer((json_int_t)m->via_exploit));
			json_object_set_new(o, "cves", counts_json(m->cves, m->ncve, &g.names, "cve"));
			for (size_t k = 0; k < m->nweek; k++) {
				char day[11];

				time_format_day(m->weeks[k].key, day);
				json_array_append_new(w, json_pack("{s:s,s:I}", "week", day, "devices",
								   (json_int_t)m->weeks[k].n));
			}
			json_object_set_new(o, "weeks", w);
			json_array_append_new(arr, o);
		}
		json_object_set_new(root, "models", arr);
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		json_decref(root);
		rc = !text || strbuf_puts(out, text) || strbuf_puts(out, "\n") ? -1 : 0;
		free(text);
	} else {
		static const struct table_column cols[] = {
			{"vendor", TABLE_TEXT, 0},	 {"model", TABLE_TEXT, 0},	  {"firmware", TABLE_TEXT, 0},
			{"devices", TABLE_INT, 0},	 {"share_pct", TABLE_REAL, 1},	  {"families", TABLE_TEXT, 0},
			{"via_credentials", TABLE_INT, 0}, {"via_exploit", TABLE_INT, 0}, {"cves", TABLE_TEXT, 0},
			{"weekly_devices", TABLE_TEXT, 0}};
		struct table *t = table_new(cols, 10);
		struct strbuf b;

		strbuf_init(&b, 0);
		for (size_t i = 0; i < nrows; i++) {
			struct model_row *m = &rows[i];

			table_row(t);
			table_text(t, m->vendor);
			table_text(t, m->name);
			table_text(t, m->firmware);
			table_int(t, (int64_t)m->devices);
			table_real(t, total ? 100.0 * (double)m->devices / (double)total : 0);
			strbuf_reset(&b);
			counts_text(&b, m->families, m->nfam, &g.names);
			table_text(t, b.data);
			table_int(t, (int64_t)m->via_credentials);
			table_int(t, (int64_t)m->via_exploit);
			strbuf_reset(&b);
			counts_text(&b, m->cves, m->ncve, &g.names);
			table_text(t, b.data);
			strbuf_reset(&b);
			weeks_text(&b, m->weeks, m->nweek);
			table_text(t, b.data);
		}
		strbuf_free(&b);
		if (fmt == REPORT_TEXT)
			strbuf_printf(out, "Infected devices per manufacturer and model: %llu characterized devices\n\n",
				      (unsigned long long)total);
		rc = fmt == REPORT_CSV ? table_write_csv(t, out) : table_write_text(t, out);
		table_free(t);
	}
	if (rc)
		rc = err_set(err, "report too large");
out:
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].families);
		free(rows[i].cves);
		free(rows[i].weeks);
	}
	free(rows);
	free(g.v);
	free(g.cves);
	strtab_free(&g.models);
	strtab_free(&g.names);
	return rc;
}
