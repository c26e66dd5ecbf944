/* pages.c - the public dashboard: server-rendered HTML with inline SVG
 * charts, no script. Figures come from stats.c; words from text.h.
 *
 * Every figure a test or a scraper may want carries a stable hook: a row
 * has data-key, a cell has a class naming its column, a headline figure an
 * id. No page prints an IP address: only the aggregates of stats.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/chart.h"
#include "web/cleanup.h"
#include "web/handler.h"
#include "web/stats.h"
#include "web/text.h"

#ifndef IOTMON_VERSION
#define IOTMON_VERSION "0.0.0-dev"
#endif

#define TOP_CHART 15
#define TOP_TABLE 200

static const struct nav {
	const char *path;
	enum text_id label;
} nav[] = {
	{"/", T_NAV_OVERVIEW},	       {"/countries", T_NAV_COUNTRIES}, {"/networks", T_NAV_NETWORKS},
	{"/manufacturers", T_NAV_MANUFACTURERS}, {"/families", T_NAV_FAMILIES},	{"/remediation", T_NAV_REMEDIATION},
	{"/sensors", T_NAV_SENSORS},
};

static const char style[] =
	"body{font-family:sans-serif;margin:0;color:#222;background:#fafafa}"
	"header{background:#16325c;color:#fff;padding:12px 24px}header h1{margin:0;font-size:22px}"
	"header p{margin:4px 0 8px;font-size:13px}nav a{color:#fff;margin-right:16px;text-decoration:none}"
	"nav a[aria-current]{font-weight:bold;text-decoration:underline}"
	"main{padding:16px 24px;max-width:1100px}table{border-collapse:collapse;margin:12px 0;background:#fff}"
	"th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}td.n{text-align:right}"
	".figure{font-size:20px}svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}"
	"footer{padding:12px 24px;font-size:12px;color:#555}";

static void page_open(struct web_response *r, const char *path, enum text_id title)
{
	struct strbuf *b = &r->body;

	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	strbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">", text(T_LANG));
	strbuf_puts(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	strbuf_xml_escape(b, text(title));
	strbuf_puts(b, " – ");
	strbuf_xml_escape(b, text(T_SITE_TITLE));
	strbuf_printf(b, "</title><style>%s</style></head><body><header><h1>", style);
	strbuf_xml_escape(b, text(T_SITE_TITLE));
	strbuf_puts(b, "</h1><p>");
	strbuf_xml_escape(b, text(T_SITE_TAGLINE));
	strbuf_puts(b, "</p><nav>");
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		strbuf_printf(b, "<a href=\"%s\"%s>", nav[i].path,
			      strcmp(nav[i].path, path) == 0 ? " aria-current=\"page\"" : "");
		strbuf_xml_escape(b, text(nav[i].label));
		strbuf_puts(b, "</a>");
	}
	strbuf_puts(b, "</nav></header><main><h2>");
	strbuf_xml_escape(b, text(title));
	strbuf_puts(b, "</h2>");
}

static void page_close(struct web_response *r)
{
	char footer[512];

	snprintf(footer, sizeof(footer), text(T_FOOTER), IOTMON_VERSION);
	strbuf_puts(&r->body, "</main><footer>");
	strbuf_xml_escape(&r->body, footer);
	/* The enrichment data's licence (CC BY 4.0) asks for attribution, and
	 * DB-IP for a link on pages that show its results (README, data). */
	strbuf_puts(&r->body, "<br>IP to AS and country data: <a href=\"https://db-ip.com\">DB-IP.com</a>, RouteViews "
			      "and the NRO, via ip-location-db, <a href=\"https://creativecommons.org/licenses/by/4.0/\">"
			      "CC BY 4.0</a>.");
	strbuf_puts(&r->body, "</footer></body></html>\n");
}

static void para(struct strbuf *b, const char *s)
{
	strbuf_puts(b, "<p>");
	strbuf_xml_escape(b, s);
	strbuf_puts(b, "</p>");
}

static void th(struct strbuf *b, enum text_id id)
{
	strbuf_puts(b, "<th>");
	strbuf_xml_escape(b, text(id));
	strbuf_puts(b, "</th>");
}

static void td_text(struct strbuf *b, const char *cls, const char *s)
{
	strbuf_printf(b, "<td class=\"%s\">", cls);
	strbuf_xml_escape(b, s);
	strbuf_puts(b, "</td>");
}

static void td_num(struct strbuf *b, const char *cls, unsigned long long v)
{
	strbuf_printf(b, "<td class=\"n %s\">%llu</td>", cls, v);
}

static void td_dash(struct strbuf *b, const char *cls)
{
	strbuf_printf(b, "<td class=\"n %s\">", cls);
	strbuf_xml_escape(b, text(T_DASH));
	strbuf_puts(b, "</td>");
}

/* <tr data-key="KEY">, the hook tests and scrapers find a row by. */
static void row_open(struct strbuf *b, const char *key)
{
	strbuf_puts(b, "<tr data-key=\"");
	strbuf_xml_escape(b, key);
	strbuf_puts(b, "\">");
}

/* Reads ?to= and ?days= and resolves the period; 0, or a 400/500 in r. */
static int period_of(const struct web_request *rq, struct web_response *r, int def_days, struct stats_period *p)
{
	int64_t to = INT64_MIN;
	long days = def_days;
	struct err err;

	if (query_day(rq->query, "to", &to, &err) || query_int(rq->query, "days", 1, 366, &days, &err)) {
		web_error(r, 400, "%s", err.msg);
		return -1;
	}
	if (stats_period(rq->store, to, (int)days, p, &err)) {
		web_store_error(r, &err);
		return -1;
	}
	return 0;
}

static void period_line(struct strbuf *b, const struct stats_period *p)
{
	char from[11], to[11], line[160];

	time_format_day(p->from_day, from);
	time_format_day(p->to_day, to);
	snprintf(line, sizeof(line), text(T_PERIOD), from, to, p->days);
	strbuf_printf(b, "<p id=\"period\" data-from=\"%s\" data-to=\"%s\">", from, to);
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</p>");
}

/* --- overview ---------------------------------------------------------- */

static double mean(const uint64_t *v, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (double)v[i];
	return n ? s / (double)n : 0;
}

/* Least-squares slope of v over its index: devices per day. */
static double slope(const uint64_t *v, size_t n)
{
	double mx = (n - 1) / 2.0, my = mean(v, n), sxy = 0, sxx = 0;

	for (size_t i = 0; i < n; i++) {
		sxy += ((double)i - mx) * ((double)v[i] - my);
		sxx += ((double)i - mx) * ((double)i - mx);
	}
	return sxx > 0 ? sxy / sxx : 0;
}

int page_overview(const struct web_request *rq, struct web_response *r)
{
	const struct web_options *o = rq->opt;
	struct stats_period p;
	struct strbuf *b = &r->body;
	uint64_t *counts, *all, focus_last = 0;
	char ccs[WEB_FOCUS_MAX][3], day[11], line[256], num[32], list[WEB_FOCUS_MAX * 4] = "";
	struct chart_series series[WEB_FOCUS_MAX];
	const char *label[WEB_FOCUS_MAX];
	double *xs, *ys;
	size_t nd, w7, nser = o->nfocus;
	struct err err;

	if (period_of(rq, r, 90, &p))
		return 0;
	nd = (size_t)p.days;
	memcpy(ccs, o->focus, sizeof(ccs));
	counts = xcalloc((nser ? nser : 1) * nd + 1, sizeof(*counts));
	all = xcalloc(nd, sizeof(*all));
	if (stats_daily(rq->store, &p, ccs, nser, counts, all, &err)) {
		free(counts);
		free(all);
		return web_store_error(r, &err);
	}
	for (size_t i = 0; i < nser; i++)
		label[i] = o->focus[i];
	if (o->all_countries) {
		/* focus "*": one line, every country */
		nser = 1;
		label[0] = text(T_ALL_COUNTRIES);
		memcpy(counts, all, nd * sizeof(*counts));
	}
	page_open(r, "/", T_OVERVIEW_TITLE);
	para(b, text(T_OVERVIEW_INTRO));
	period_line(b, &p);
	time_format_day(p.to_day, day);
	for (size_t i = 0; i < nser; i++) {
		focus_last += counts[i * nd + nd - 1];
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", label[i]);
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)focus_last);
	snprintf(line, sizeof(line), text(T_OVERVIEW_FOCUS_TODAY), day, list, num);
	strbuf_printf(b, "<p class=\"figure\" id=\"focus-last-day\" data-value=\"%s\">", num);
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</p>");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)all[nd - 1]);
	snprintf(line, sizeof(line), text(T_OVERVIEW_ALL_TODAY), day, num);
	strbuf_printf(b, "<p id=\"all-last-day\" data-value=\"%s\">", num);
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</p>");

	/* The chart: one line per focus country. */
	xs = xcalloc(nd, sizeof(double));
	ys = xcalloc(nser * nd + 1, sizeof(double));
	for (size_t d = 0; d < nd; d++)
		xs[d] = (double)(p.from_day + (int64_t)d);
	for (size_t i = 0; i < nser; i++) {
		for (size_t d = 0; d < nd; d++)
			ys[i * nd + d] = (double)counts[i * nd + d];
		series[i] = (struct chart_series){.label = label[i], .x = xs, .y = ys + i * nd, .n = nd};
	}
	snprintf(line, sizeof(line), text(T_OVERVIEW_CHART), p.days);
	struct chart c = {.title = line, .x_label = text(T_AXIS_DAY), .y_label = text(T_AXIS_DEVICES),
			  .x_is_day = true, .width = 900, .height = 360};
	strbuf_puts(b, "<figure id=\"chart-daily\">");
	chart_lines(b, &c, series, nser);
	strbuf_puts(b, "</figure>");
	free(xs);
	free(ys);

	/* The trend table. */
	w7 = nd < 7 ? nd : 7;
	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, text(T_OVERVIEW_TREND_TITLE));
	strbuf_puts(b, "</h3><table id=\"trend\"><tr>");
	th(b, T_COL_COUNTRY);
	th(b, T_COL_LAST_DAY);
	th(b, T_COL_MEAN_FIRST7);
	th(b, T_COL_MEAN_LAST7);
	th(b, T_COL_CHANGE);
	th(b, T_COL_SLOPE);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < nser; i++) {
		const uint64_t *v = counts + i * nd;
		double first = mean(v, w7), last = mean(v + nd - w7, w7);

		row_open(b, o->all_countries ? "*" : label[i]);
		td_text(b, "cc", label[i]);
		td_num(b, "last-day", v[nd - 1]);
		strbuf_printf(b, "<td class=\"n first7\">%.1f</td><td class=\"n last7\">%.1f</td>", first, last);
		if (first > 0)
			strbuf_printf(b, "<td class=\"n change\">%+.0f%%</td>", (last - first) / first * 100);
		else
			td_dash(b, "change");
		strbuf_printf(b, "<td class=\"n slope\">%+.2f</td></tr>", slope(v, nd));
	}
	strbuf_puts(b, "</table>");
	free(counts);
	free(all);
	page_close(r);
	return 0;
}

/* --- countries ------------------------------------------------------- */

static void bars_of(struct strbuf *b, const char *id, const char *title, const struct chart_bar *bars, size_t n)
{
	struct chart c = {.title = title, .width = 900, .height = 60 + 24 * (int)(n ? n : 1)};

	strbuf_printf(b, "<figure id=\"%s\">", id);
	chart_bars(b, &c, bars, n);
	strbuf_puts(b, "</figure>");
}

static int by_per_million(const void *a, const void *b)
{
	const struct chart_bar *x = a, *y = b;

	return x->value < y->value ? 1 : x->value > y->value ? -1 : strcmp(x->label, y->label);
}

int page_countries(const struct web_request *rq, struct web_response *r)
{
	const struct population *pop = rq->population;
	struct stats_table t;
	struct stats_period p;
	struct strbuf *b;
	struct chart_bar *bars;
	size_t nbars = 0;
	const char *source = NULL;
	struct err err;

	if (period_of(rq, r, 30, &p))
		return 0;
	stats_table_init(&t);
	if (stats_group(rq->store, &p, STATS_BY_COUNTRY, &t, &err)) {
		stats_table_free(&t);
		return web_store_error(r, &err);
	}
	page_open(r, "/countries", T_COUNTRIES_TITLE);
	b = &r->body;
	para(b, text(T_COUNTRIES_INTRO));
	period_line(b, &p);
	if (!pop)
		strbuf_puts(b, "<p id=\"no-population\">"), strbuf_xml_escape(b, text(T_COUNTRIES_NO_POPULATION)),
			strbuf_puts(b, "</p>");
	bars = xcalloc(t.n + 1, sizeof(*bars));
	strbuf_puts(b, "<table id=\"countries\"><tr>");
	th(b, T_COL_CC);
	th(b, T_COL_COUNTRY);
	th(b, T_COL_DEVICES);
	th(b, T_COL_LAST_DAY);
	th(b, T_COL_MEAN_PER_DAY);
	if (pop) {
		th(b, T_COL_POPULATION);
		th(b, T_COL_PER_MILLION);
	}
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < t.n; i++) {
		const struct stats_row *row = &t.rows[i];
		const struct population_row *pr = pop ? population_find(pop, row->key) : NULL;
		bool known = strcmp(row->key, "??") != 0;

		row_open(b, row->key);
		td_text(b, "cc", known ? row->key : text(T_UNKNOWN));
		td_text(b, "country", pr ? pr->country : "");
		double mean_day = (double)row->device_days / (double)p.days;

		td_num(b, "devices", row->devices);
		td_num(b, "last-day", row->last_day);
		strbuf_printf(b, "<td class=\"n mean-per-day\">%.2f</td>", mean_day);
		if (pop && pr) {
			/* as `iotmon report countries`: mean per day per million */
			double pm = mean_day * 1e6 / (double)pr->population;

			td_num(b, "population", pr->population);
			strbuf_printf(b, "<td class=\"n per-million\">%.3f</td>", pm);
			if (!source)
				source = pr->source;
			bars[nbars++] = (struct chart_bar){.label = pr->country[0] ? pr->country : row->key, .value = pm};
		} else if (pop) {
			td_dash(b, "population");
			td_dash(b, "per-million");
		} else if (known) {
			bars[nbars++] = (struct chart_bar){.label = row->key, .value = (double)row->devices};
		}
		strbuf_puts(b, "</tr>");
	}
	strbuf_puts(b, "</table>");
	if (t.n == 0)
		para(b, text(T_NO_DATA));
	if (pop)
		qsort(bars, nbars, sizeof(*bars), by_per_million);
	bars_of(b, "chart-countries", text(pop ? T_COUNTRIES_CHART_PM : T_COUNTRIES_CHART_COUNT), bars,
		nbars < TOP_CHART ? nbars : TOP_CHART);
	if (source) {
		char line[256];

		snprintf(line, sizeof(line), text(T_COUNTRIES_POPULATION_SOURCE), source);
		para(b, line);
	}
	free(bars);
	stats_table_free(&t);
	page_close(r);
	return 0;
}

/* --- networks --------------------------------------------------------- */

int page_networks(const struct web_request *rq, struct web_response *r)
{
	struct stats_table t;
	struct stats_period p;
	struct cleanup_network *cl;
	struct chart_bar bars[TOP_CHART];
	char labels[TOP_CHART][160];
	struct strbuf *b;
	size_t n;
	struct err err;

	if (period_of(rq, r, 30, &p))
		return 0;
	stats_table_init(&t);
	if (stats_group(rq->store, &p, STATS_BY_NETWORK, &t, &err)) {
		stats_table_free(&t);
		return web_store_error(r, &err);
	}
	n = t.n < TOP_TABLE ? t.n : TOP_TABLE;
	cl = xcalloc(n + 1, sizeof(*cl));
	for (size_t i = 0; i < n; i++)
		cl[i].asn = t.rows[i].asn;
	if (cleanup_networks(rq->store, cl, n, &err)) {
		free(cl);
		stats_table_free(&t);
		return web_store_error(r, &err);
	}
	page_open(r, "/networks", T_NETWORKS_TITLE);
	b = &r->body;
	para(b, text(T_NETWORKS_INTRO));
	period_line(b, &p);
	strbuf_puts(b, "<table id=\"networks\"><tr>");
	th(b, T_COL_ASN);
	th(b, T_COL_AS_NAME);
	th(b, T_COL_CC);
	th(b, T_COL_DEVICES);
	th(b, T_COL_LAST_DAY);
	th(b, T_COL_CLEANED14);
	th(b, T_COL_MEDIAN_DAYS);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < n; i++) {
		const struct stats_row *row = &t.rows[i];

		strbuf_printf(b, "<tr data-key=\"%u\">", row->asn);
		if (row->asn)
			strbuf_printf(b, "<td class=\"asn\">AS%u</td>", row->asn);
		else
			td_text(b, "asn", text(T_UNKNOWN));
		td_text(b, "as-name", row->name);
		td_text(b, "cc", row->cc);
		td_num(b, "devices", row->devices);
		td_num(b, "last-day", row->last_day);
		if (cl[i].available) {
			strbuf_printf(b, "<td class=\"n cleaned14\">%.0f%%</td>", cl[i].cleaned_within_14 * 100);
			if (cl[i].has_median)
				strbuf_printf(b, "<td class=\"n median-days\">%.0f</td>", cl[i].median_days);
			else
				td_dash(b, "median-days");
		} else {
			td_dash(b, "cleaned14");
			td_dash(b, "median-days");
		}
		strbuf_puts(b, "</tr>");
		if (i < TOP_CHART) {
			if (row->asn)
				snprintf(labels[i], sizeof(labels[i]), "AS%u %.100s", row->asn, row->name);
			else
				snprintf(labels[i], sizeof(labels[i]), "%s", text(T_UNKNOWN));
			bars[i] = (struct chart_bar){.label = labels[i], .value = (double)row->devices};
		}
	}
	strbuf_puts(b, "</table>");
	if (t.n == 0)
		para(b, text(T_NO_DATA));
	if (n)
		para(b, text(T_NETWORKS_CLEANUP_NOTE));
	bars_of(b, "chart-networks", text(T_NETWORKS_CHART), bars, n < TOP_CHART ? n : TOP_CHART);
	free(cl);
	stats_table_free(&t);
	page_close(r);
	return 0;
}

/* --- manufacturers ----------------------------------------------------- */

int page_manufacturers(const struct web_request *rq, struct web_response *r)
{
	struct stats_table vendors, models;
	struct stats_period p;
	struct chart_bar bars[TOP_CHART];
	uint64_t characterized, all;
	char line[256], a[32], c[32];
	struct strbuf *b;
	struct err err;
	size_t n;

	if (period_of(rq, r, 30, &p))
		return 0;
	stats_table_init(&vendors);
	stats_table_init(&models);
	if (stats_manufacturers(rq->store, &p, &vendors, &models, &characterized, &all, &err)) {
		stats_table_free(&vendors);
		stats_table_free(&models);
		return web_store_error(r, &err);
	}
	page_open(r, "/manufacturers", T_MANUFACTURERS_TITLE);
	b = &r->body;
	para(b, text(T_MANUFACTURERS_INTRO));
	period_line(b, &p);
	snprintf(c, sizeof(c), "%llu", (unsigned long long)characterized);
	snprintf(a, sizeof(a), "%llu", (unsigned long long)all);
	snprintf(line, sizeof(line), text(T_MANUFACTURERS_CHARACTERIZED), c, a);
	strbuf_printf(b, "<p id=\"characterized\" data-value=\"%s\" data-all=\"%s\">", c, a);
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</p><table id=\"vendors\"><tr>");
	th(b, T_COL_VENDOR);
	th(b, T_COL_DEVICES);
	th(b, T_COL_SHARE);
	strbuf_puts(b, "</tr>");
	n = vendors.n < TOP_TABLE ? vendors.n : TOP_TABLE;
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(b, "<tr data-key=\"");
		strbuf_xml_escape(b, vendors.rows[i].key);
		strbuf_puts(b, "\">");
		td_text(b, "vendor", vendors.rows[i].key);
		td_num(b, "devices", vendors.rows[i].devices);
		strbuf_printf(b, "<td class=\"n share\">%.1f%%</td></tr>",
			      (double)vendors.rows[i].devices / (double)characterized * 100);
		if (i < TOP_CHART)
			bars[i] = (struct chart_bar){.label = vendors.rows[i].key, .value = (double)vendors.rows[i].devices};
	}
	strbuf_puts(b, "</table>");
	bars_of(b, "chart-vendors", text(T_MANUFACTURERS_CHART), bars, n < TOP_CHART ? n : TOP_CHART);
	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, text(T_MODELS_TITLE));
	strbuf_puts(b, "</h3><table id=\"models\"><tr>");
	th(b, T_COL_VENDOR);
	th(b, T_COL_MODEL);
	th(b, T_COL_TYPE);
	th(b, T_COL_DEVICES);
	th(b, T_COL_SHARE);
	strbuf_puts(b, "</tr>");
	n = models.n < TOP_TABLE ? models.n : TOP_TABLE;
	for (size_t i = 0; i < n; i++) {
		const struct stats_row *row = &models.rows[i];
		char *sep = strchr(row->key, '\x1f');
		char vendor[160];

		snprintf(vendor, sizeof(vendor), "%.*s", sep ? (int)(sep - row->key) : (int)strlen(row->key), row->key);
		strbuf_puts(b, "<tr data-key=\"");
		strbuf_xml_escape(b, vendor);
		strbuf_puts(b, "/");
		strbuf_xml_escape(b, row->name);
		strbuf_puts(b, "\">");
		td_text(b, "vendor", vendor);
		td_text(b, "model", row->name[0] ? row->name : text(T_UNKNOWN));
		td_text(b, "type", row->type);
		td_num(b, "devices", row->devices);
		strbuf_printf(b, "<td class=\"n share\">%.1f%%</td></tr>",
			      (double)row->devices / (double)characterized * 100);
	}
	strbuf_puts(b, "</table>");
	if (all == 0)
		para(b, text(T_NO_DATA));
	stats_table_free(&vendors);
	stats_table_free(&models);
	page_close(r);
	return 0;
}

/* --- families ------------------------------------------------------------ */

int page_families(const struct web_request *rq, struct web_response *r)
{
	struct stats_table t;
	struct stats_period p;
	struct chart_bar bars[TOP_CHART];
	struct strbuf *b;
	struct err err;
	size_t n;

	if (period_of(rq, r, 30, &p))
		return 0;
	stats_table_init(&t);
	if (stats_group(rq->store, &p, STATS_BY_FAMILY, &t, &err)) {
		stats_table_free(&t);
		return web_store_error(r, &err);
	}
	page_open(r, "/families", T_FAMILIES_TITLE);
	b = &r->body;
	para(b, text(T_FAMILIES_INTRO));
	period_line(b, &p);
	strbuf_puts(b, "<table id=\"families\"><tr>");
	th(b, T_COL_FAMILY);
	th(b, T_COL_DEVICES);
	th(b, T_COL_LAST_DAY);
	strbuf_puts(b, "</tr>");
	n = t.n < TOP_TABLE ? t.n : TOP_TABLE;
	for (size_t i = 0; i < n; i++) {
		const char *name = t.rows[i].key[0] ? t.rows[i].key : text(T_UNKNOWN);

		strbuf_puts(b, "<tr data-key=\"");
		strbuf_xml_escape(b, t.rows[i].key[0] ? t.rows[i].key : "unknown");
		strbuf_puts(b, "\">");
		td_text(b, "family", name);
		td_num(b, "devices", t.rows[i].devices);
		td_num(b, "last-day", t.rows[i].last_day);
		strbuf_puts(b, "</tr>");
		if (i < TOP_CHART)
			bars[i] = (struct chart_bar){.label = name, .value = (double)t.rows[i].devices};
	}
	strbuf_puts(b, "</table>");
	if (t.n == 0)
		para(b, text(T_NO_DATA));
	bars_of(b, "chart-families", text(T_FAMILIES_CHART), bars, n < TOP_CHART ? n : TOP_CHART);
	stats_table_free(&t);
	page_close(r);
	return 0;
}

/* --- remediation --------------------------------------------------------- */

int page_remediation(const struct web_request *rq, struct web_response *r)
{
	struct cleanup_curve c;
	char line[256], a[32], b2[32], c2[32];
	struct strbuf *b = &r->body;
	struct err err;

	if (cleanup_survival(rq->store, &c, &err))
		return web_store_error(r, &err);
	page_open(r, "/remediation", T_REMEDIATION_TITLE);
	para(b, text(T_REMEDIATION_INTRO));
	if (!c.available) {
		strbuf_puts(b, "<p id=\"remediation-none\">");
		strbuf_xml_escape(b, text(T_REMEDIATION_NO_DATA));
		strbuf_puts(b, "</p>");
	} else {
		struct chart_series s = {.label = text(T_REMEDIATION_CHART), .x = c.day, .y = c.survival,
					 .lower = c.lower, .upper = c.upper, .n = c.n, .step = true};
		struct chart ch = {.title = text(T_REMEDIATION_CHART), .x_label = text(T_AXIS_DAYS_SINCE),
				   .y_label = text(T_AXIS_STILL_INFECTED), .width = 900, .height = 400,
				   .y_min = 0, .y_max = 1};

		snprintf(a, sizeof(a), "%llu", (unsigned long long)c.episodes);
		snprintf(b2, sizeof(b2), "%llu", (unsigned long long)c.cleaned);
		snprintf(c2, sizeof(c2), "%llu", (unsigned long long)c.censored);
		snprintf(line, sizeof(line), text(T_REMEDIATION_EPISODES), a, b2, c2);
		strbuf_printf(b, "<p id=\"episodes\" data-episodes=\"%s\" data-cleaned=\"%s\" data-censored=\"%s\">", a,
			      b2, c2);
		strbuf_xml_escape(b, line);
		snprintf(a, sizeof(a), "%.0f%%", c.cleaned_within_14 * 100);
		snprintf(line, sizeof(line), text(T_REMEDIATION_CLEANED14), a);
		strbuf_printf(b, "</p><p class=\"figure\" id=\"cleaned14\" data-value=\"%.4f\">", c.cleaned_within_14);
		strbuf_xml_escape(b, line);
		if (c.median >= 0) {
			snprintf(a, sizeof(a), "%d", (int)c.median);
			snprintf(line, sizeof(line), text(T_REMEDIATION_MEDIAN), a);
		} else {
			snprintf(line, sizeof(line), "%s", text(T_REMEDIATION_MEDIAN_NONE));
		}
		strbuf_printf(b, "</p><p class=\"figure\" id=\"median\" data-value=\"%d\">", (int)c.median);
		strbuf_xml_escape(b, line);
		strbuf_puts(b, "</p><figure id=\"chart-survival\">");
		chart_lines(b, &ch, &s, 1);
		strbuf_puts(b, "</figure>");
		para(b, text(T_REMEDIATION_CAVEAT));
	}
	cleanup_curve_free(&c);
	page_close(r);
	return 0;
}

/* --- sensors ------------------------------------------------------------- */

#define SENSORS_MAX 256

struct sensor_row {
	char name[EVENT_SENSOR_MAX];
	uint64_t total, by_kind[EVENT_KIND_COUNT], window_events, window_packets;
	int64_t last_us;
};

struct sensor_arg {
	struct sensor_row *rows;
	size_t n;
	bool window;
};

static int sensor_cb(const struct event_count *c, void *arg)
{
	struct sensor_arg *a = arg;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->rows[i].name, c->sensor) == 0)
			break;
	if (i == a->n) {
		if (a->window || a->n == SENSORS_MAX)
			return 0; /* sensors come from the all-time pass */
		snprintf(a->rows[a->n].name, sizeof(a->rows[0].name), "%s", c->sensor);
		a->n++;
	}
	if (a->window) {
		a->rows[i].window_events += c->events;
		a->rows[i].window_packets += c->packets;
	} else {
		a->rows[i].total += c->events;
		a->rows[i].by_kind[c->kind] += c->events;
		if (c->last_us > a->rows[i].last_us)
			a->rows[i].last_us = c->last_us;
	}
	return 0;
}

int page_sensors(const struct web_request *rq, struct web_response *r)
{
	struct sensor_arg a = {.rows = xcalloc(SENSORS_MAX, sizeof(struct sensor_row))};
	long minutes = 10;
	char line[256];
	struct strbuf *b;
	struct err err;

	if (query_int(rq->query, "minutes", 1, 1440, &minutes, &err)) {
		free(a.rows);
		return web_error(r, 400, "%s", err.msg);
	}
	if (store_count_events(rq->store, INT64_MIN, sensor_cb, &a, &err) ||
	    (a.window = true, store_count_events(rq->store, time_now_us() - minutes * 60 * US_PER_SEC, sensor_cb, &a,
						 &err))) {
		free(a.rows);
		return web_store_error(r, &err);
	}
	page_open(r, "/sensors", T_SENSORS_TITLE);
	b = &r->body;
	snprintf(line, sizeof(line), text(T_SENSORS_INTRO), (int)minutes);
	para(b, line);
	strbuf_puts(b, "<table id=\"sensors\"><tr>");
	th(b, T_COL_SENSOR);
	th(b, T_COL_EVENTS_TOTAL);
	th(b, T_COL_EVENTS_PER_MIN);
	th(b, T_COL_PACKETS_PER_S);
	th(b, T_COL_LAST_EVENT);
	th(b, T_COL_KINDS);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < a.n; i++) {
		const struct sensor_row *s = &a.rows[i];
		char last[TIME_RFC3339_LEN + 1];
		bool first = true;

		time_format_rfc3339(s->last_us, last);
		strbuf_puts(b, "<tr data-key=\"");
		strbuf_xml_escape(b, s->name);
		strbuf_puts(b, "\">");
		td_text(b, "sensor", s->name);
		td_num(b, "events", s->total);
		strbuf_printf(b, "<td class=\"n per-minute\">%.2f</td>", (double)s->window_events / (double)minutes);
		strbuf_printf(b, "<td class=\"n packets-per-s\">%.2f</td>",
			      (double)s->window_packets / (double)(minutes * 60));
		td_text(b, "last-event", last);
		strbuf_puts(b, "<td class=\"kinds\">");
		for (int k = 0; k < EVENT_KIND_COUNT; k++)
			if (s->by_kind[k]) {
				strbuf_printf(b, "%s<span class=\"kind-%s\">%s %llu</span>", first ? "" : ", ",
					      event_kind_name((enum event_kind)k), event_kind_name((enum event_kind)k),
					      (unsigned long long)s->by_kind[k]);
				first = false;
			}
		strbuf_puts(b, "</td></tr>");
	}
	strbuf_puts(b, "</table>");
	if (a.n == 0)
		para(b, text(T_NO_DATA));
	free(a.rows);
	page_close(r);
	return 0;
}
