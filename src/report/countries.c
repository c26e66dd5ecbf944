/* countries.c - `iotmon report countries`: infected devices per country
 * and day, per million inhabitants, ranked. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/chart.h"
#include "report/reports.h"
#include "report/table.h"

int report_format_parse(const char *s)
{
	static const char *const names[] = {"text", "csv", "json", "svg"};

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

struct day_count {
	int64_t day;
	uint64_t n;
};

struct country {
	char cc[3];
	struct day_count *days;
	size_t ndays, cap;
	uint64_t total, peak;
	const struct population_row *pop;
	double mean, per_million;
	int rank; /* 0: unranked */
};

/* Two upper-case letters index 26 * 26 slots directly. */
#define NSLOTS (26 * 26)

struct agg {
	struct country *slot[NSLOTS];
	int64_t min_day, max_day;
	uint64_t unknown; /* device-days without a country */
};

static int slot_of(const char *cc)
{
	int a = cc[0] & ~0x20, b = cc[0] ? cc[1] & ~0x20 : 0;

	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || cc[2])
		return -1;
	return (a - 'A') * 26 + (b - 'A');
}

static int on_obs(const struct observation *o, void *arg)
{
	struct agg *g = arg;
	int k = slot_of(o->net.cc);
	struct country *c;

	if (o->day < g->min_day)
		g->min_day = o->day;
	if (o->day > g->max_day)
		g->max_day = o->day;
	if (k < 0) {
		g->unknown++;
		return 0;
	}
	c = g->slot[k];
	if (!c) {
		c = g->slot[k] = xcalloc(1, sizeof(*c));
		c->cc[0] = (char)('A' + k / 26);
		c->cc[1] = (char)('A' + k % 26);
	}
	/* Observations come in day order: extend the last day or start one. */
	if (!c->ndays || c->days[c->ndays - 1].day != o->day) {
		if (c->ndays == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 16;
			c->days = xrealloc(c->days, c->cap * sizeof(*c->days));
		}
		c->days[c->ndays].day = o->day;
		c->days[c->ndays++].n = 0;
	}
	c->days[c->ndays - 1].n++;
	c->total++;
	return 0;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct country *x = *(struct country *const *)a, *y = *(struct country *const *)b;

	if (!!x->pop != !!y->pop)
		return x->pop ? -1 : 1;
	if (x->pop && x->per_million != y->per_million)
		return x->per_million > y->per_million ? -1 : 1;
	if (x->mean != y->mean)
		return x->mean > y->mean ? -1 : 1;
	return strcmp(x->cc, y->cc);
}

static void fmt_day(int64_t day, char *buf)
{
	time_format_day(day, buf);
}

static int write_svg(struct country **v, size_t n, int64_t from, int64_t to, struct strbuf *out)
{
	struct chart_bar bars[20];
	char labels[20][80], title[128], a[11], b[11];
	size_t k = 0;
	struct chart c = {0};

	for (size_t i = 0; i < n && k < 20; i++) {
		if (!v[i]->pop)
			continue;
		snprintf(labels[k], sizeof(labels[k]), "%s %s", v[i]->cc, v[i]->pop->country);
		bars[k].label = labels[k];
		bars[k].value = v[i]->per_million;
		k++;
	}
	fmt_day(from, a);
	fmt_day(to, b);
	snprintf(title, sizeof(title), "Infected IoT devices per million inhabitants, daily mean %s to %s", a, b);
	c.title = title;
	c.x_label = "devices per million inhabitants";
	c.y_label = "country";
	return chart_bars(out, &c, bars, k);
}

int report_countries(struct store *s, const struct report_range *r, const struct population *pop, bool daily,
		     enum report_format fmt, struct strbuf *out, struct err *err)
{
	struct agg g = {.min_day = INT64_MAX, .max_day = INT64_MIN};
	struct obs_filter f;
	struct country *v[NSLOTS];
	size_t n = 0;
	int64_t from, to, ndays;
	int rc, rank = 0;

	obs_filter_init(&f);
	f.day_from = r->from;
	f.day_to = r->to;
	rc = store_query_observations(s, &f, on_obs, &g, err);
	if (rc)
		goto out;
	from = r->from != INT64_MIN ? r->from : g.min_day;
	to = r->to != INT64_MAX ? r->to : g.max_day;
	if (from > to)
		from = to = g.min_day == INT64_MAX ? 0 : g.min_day; /* no data */
	ndays = to - from + 1;
	for (int k = 0; k < NSLOTS; k++)
		if (g.slot[k]) {
			struct country *c = g.slot[k];

			c->pop = population_find(pop, c->cc);
			c->mean = (double)c->total / (double)ndays;
			for (size_t i = 0; i < c->ndays; i++)
				if (c->days[i].n > c->peak)
					c->peak = c->days[i].n;
			if (c->pop)
				c->per_million = c->mean * 1e6 / (double)c->pop->population;
			v[n++] = c;
		}
	qsort(v, n, sizeof(v[0]), cmp_rank);
	for (size_t i = 0; i < n; i++)
		v[i]->rank = v[i]->pop ? ++rank : 0;

	if (fmt == REPORT_SVG) {
		rc = write_svg(v, n, from, to, out);
	} else if (fmt == REPORT_JSON) {
		json_t *root = json_object(), *arr = json_array();
		char a[11], b[11];
		char *text;

		fmt_day(from, a);
		fmt_day(to, b);
		json_object_set_new(root, "report", json_string("countries"));
		json_object_set_new(root, "from", json_string(a));
		json_object_set_new(root, "to", json_string(b));
		json_object_set_new(root, "days", json_integer(ndays));
		json_object_set_new(root, "unknown_country_device_days", json_integer((json_int_t)g.unknown));
		for (size_t i = 0; i < n; i++) {
			struct country *c = v[i];
			json_t *o = json_object(), *d = json_array();

			json_object_set_new(o, "rank", c->rank ? json_integer(c->rank) : json_null());
			json_object_set_new(o, "cc", json_string(c->cc));
			json_object_set_new(o, "country", c->pop ? json_string(c->pop->country) : json_null());
			json_object_set_new(o, "population", c->pop ? json_integer((json_int_t)c->pop->population) : json_null());
			json_object_set_new(o, "population_year", c->pop ? json_integer(c->pop->year) : json_null());
			json_object_set_new(o, "population_source", c->pop ? json_string(c->pop->source) : json_null());
			json_object_set_new(o, "device_days", json_integer((json_int_t)c->total));
			json_object_set_new(o, "mean_per_day", json_real(c->mean));
			json_object_set_new(o, "peak", json_integer((json_int_t)c->peak));
			json_object_set_new(o, "per_million", c->pop ? json_real(c->per_million) : json_null());
			for (size_t k = 0; k < c->ndays; k++) {
				char day[11];

				fmt_day(c->days[k].day, day);
				json_array_append_new(
					d, json_pack("{s:s,s:I,s:o}", "day", day, "infected", (json_int_t)c->days[k].n,
						     "per_million",
						     c->pop ? json_real((double)c->days[k].n * 1e6 / (double)c->pop->population)
							    : json_null()));
			}
			json_object_set_new(o, "daily", d);
			json_array_append_new(arr, o);
		}
		json_object_set_new(root, "countries", arr);
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		json_decref(root);
		rc = !text || strbuf_puts(out, text) || strbuf_puts(out, "\n") ? -1 : 0;
		free(text);
	} else if (daily) {
		static const struct table_column cols[] = {{"day", TABLE_TEXT, 0},	   {"cc", TABLE_TEXT, 0},
							   {"country", TABLE_TEXT, 0},	   {"infected", TABLE_INT, 0},
							   {"per_million", TABLE_REAL, 4}};
		struct table *t = table_new(cols, 5);

		for (int64_t day = from; day <= to; day++)
			for (size_t i = 0; i < n; i++) {
				struct country *c = v[i];
				uint64_t cnt = 0;
				char d[11];

				for (size_t k = 0; k < c->ndays; k++)
					if (c->days[k].day == day)
						cnt = c->days[k].n;
				if (!cnt)
					continue;
				fmt_day(day, d);
				table_row(t);
				table_text(t, d);
				table_text(t, c->cc);
				table_text(t, c->pop ? c->pop->country : "");
				table_int(t, (int64_t)cnt);
				if (c->pop)
					table_real(t, (double)cnt * 1e6 / (double)c->pop->population);
				else
					table_null(t);
			}
		rc = fmt == REPORT_CSV ? table_write_csv(t, out) : table_write_text(t, out);
		table_free(t);
	} else {
		static const struct table_column cols[] = {
			{"rank", TABLE_INT, 0},		{"cc", TABLE_TEXT, 0},	       {"country", TABLE_TEXT, 0},
			{"population", TABLE_INT, 0},	{"pop_year", TABLE_INT, 0},    {"device_days", TABLE_INT, 0},
			{"mean_per_day", TABLE_REAL, 2}, {"peak", TABLE_INT, 0},	       {"per_million", TABLE_REAL, 4}};
		struct table *t = table_new(cols, 9);
		char a[11], b[11];

		for (size_t i = 0; i < n; i++) {
			struct country *c = v[i];

			table_row(t);
			if (c->rank)
				table_int(t, c->rank);
			else
				table_null(t);
			table_text(t, c->cc);
			table_text(t, c->pop ? c->pop->country : "");
			if (c->pop) {
				table_int(t, (int64_t)c->pop->population);
				table_int(t, c->pop->year);
			} else {
				table_null(t);
				table_null(t);
			}
			table_int(t, (int64_t)c->total);
			table_real(t, c->mean);
			table_int(t, (int64_t)c->peak);
			if (c->pop)
				table_real(t, c->per_million);
			else
				table_null(t);
		}
		fmt_day(from, a);
		fmt_day(to, b);
		if (fmt == REPORT_TEXT)
			strbuf_printf(out, "Infected devices per country, %s to %s (%lld days)%s\n\n", a, b, (long long)ndays,
				      g.unknown ? "; hosts without a country are not counted" : "");
		rc = fmt == REPORT_CSV ? table_write_csv(t, out) : table_write_text(t, out);
		table_free(t);
	}
	if (rc)
		rc = err_set(err, "report too large");
out:
	for (int k = 0; k < NSLOTS; k++)
		if (g.slot[k]) {
			free(g.slot[k]->days);
			free(g.slot[k]);
		}
	return rc;
}
