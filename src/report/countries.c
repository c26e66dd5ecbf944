/* countries.c - `iotmon report countries`: renders analysis/figures.h's
 * countries (infected devices per country and day, per million
 * inhabitants, ranked). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
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

static void fmt_day(int64_t day, char *buf)
{
	time_format_day(day, buf);
}

static int write_svg(const struct figures_country *v, size_t n, int64_t from, int64_t to, struct strbuf *out)
{
	struct chart_bar bars[20];
	char labels[20][80], title[128], a[11], b[11];
	size_t k = 0;
	struct chart c = {0};

	for (size_t i = 0; i < n && k < 20; i++) {
		if (!v[i].pop)
			continue;
		snprintf(labels[k], sizeof(labels[k]), "%s %s", v[i].cc, v[i].pop->country);
		bars[k].label = labels[k];
		bars[k].value = v[i].per_million;
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
	struct figures_request rq = {.from = r->from, .to = r->to};
	struct figures_period p;
	struct figures_countries fc;
	const struct figures_country *v;
	size_t n;
	int64_t from, to, ndays;
	int rc;

	if (figures_period(s, &rq, &p, err))
		return -1;
	rc = figures_countries(s, &p, pop, &fc, err);
	if (rc)
		goto out;
	v = fc.v;
	n = fc.n;
	from = p.from_day;
	to = p.to_day;
	ndays = p.days;
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
		json_object_set_new(root, "unknown_country_device_days", json_integer((json_int_t)fc.unknown_device_days));
		for (size_t i = 0; i < n; i++) {
			const struct figures_country *c = &v[i];
			json_t *o = json_object(), *d = json_array();

			json_object_set_new(o, "rank", c->rank ? json_integer(c->rank) : json_null());
			json_object_set_new(o, "cc", json_string(c->cc));
			json_object_set_new(o, "country", c->pop ? json_string(c->pop->country) : json_null());
			json_object_set_new(o, "population", c->pop ? json_integer((json_int_t)c->pop->population) : json_null());
			json_object_set_new(o, "population_year", c->pop ? json_integer(c->pop->year) : json_null());
			json_object_set_new(o, "population_source", c->pop ? json_string(c->pop->source) : json_null());
			json_object_set_new(o, "device_days", json_integer((json_int_t)c->device_days));
			json_object_set_new(o, "mean_per_day", json_real(c->mean_per_day));
			json_object_set_new(o, "peak", json_integer((json_int_t)c->peak));
			json_object_set_new(o, "per_million", c->pop ? json_real(c->per_million) : json_null());
			for (int k = 0; k < p.days; k++) {
				char day[11];

				if (!c->daily[k])
					continue;
				fmt_day(from + k, day);
				json_array_append_new(
					d, json_pack("{s:s,s:I,s:o}", "day", day, "infected", (json_int_t)c->daily[k],
						     "per_million",
						     c->pop ? json_real((double)c->daily[k] * 1e6 / (double)c->pop->population)
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
				const struct figures_country *c = &v[i];
				uint64_t cnt = c->daily[day - from];
				char d[11];

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
			const struct figures_country *c = &v[i];

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
			table_int(t, (int64_t)c->device_days);
			table_real(t, c->mean_per_day);
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
				      fc.unknown_device_days ? "; hosts without a country are not counted" : "");
		rc = fmt == REPORT_CSV ? table_write_csv(t, out) : table_write_text(t, out);
		table_free(t);
	}
	if (rc)
		rc = err_set(err, "report too large");
out:
	figures_countries_free(&fc);
	return rc;
}
