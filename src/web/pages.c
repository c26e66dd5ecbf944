/* pages.c - the public dashboard: server-rendered HTML with inline SVG
 * charts, no script. Figures come from src/analysis (the same functions
 * `iotmon report` renders); words from text.h; period and filter from scope.h.
 *
 * Every figure a test or a scraper may want carries a stable hook: a row
 * has data-key, a cell has a class naming its column, a headline figure an
 * id. No page prints an IP address: only the aggregates of figures.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "analysis/figures.h"
#include "analysis/manufacturers.h"
#include "analysis/sensors.h"
#include "report/chart.h"
#include "report/table.h"
#include "web/cleanup.h"
#include "web/handler.h"
#include "web/page.h"
#include "web/scope.h"
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
	{"/sensors", T_NAV_SENSORS}, {"/portal/", T_NAV_PORTAL},
};

/* Narrow screens first: the navigation and the period controls wrap,
 * wide tables scroll inside their box, charts scale to the width. */
static const char style[] =
	"*{box-sizing:border-box}body{font-family:sans-serif;margin:0;color:#222;background:#fafafa}"
	"header{background:#16325c;color:#fff;padding:12px 16px}header h1{margin:0;font-size:22px}"
	"header p{margin:4px 0 8px;font-size:13px}header nav{display:flex;flex-wrap:wrap;gap:4px 16px}"
	"header nav a{color:#fff;text-decoration:none}"
	"nav a[aria-current]{font-weight:bold;text-decoration:underline}"
	"main{padding:12px 16px;max-width:1100px}.scroll{overflow-x:auto;max-width:100%}"
	"table{border-collapse:collapse;margin:12px 0;background:#fff}"
	"th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}td.n{text-align:right}"
	".figure{font-size:20px}figure{margin:12px 0}svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}"
	"nav.periods a{margin-left:8px}form.period{margin:8px 0;display:flex;flex-wrap:wrap;gap:8px;align-items:center}"
	".note{color:#555;font-size:14px}td.last-event{white-space:nowrap}td.silent{color:#a00;font-weight:bold}"
	"footer{padding:12px 16px;font-size:12px;color:#555}"
	"@media (max-width:600px){th,td{padding:3px 4px;font-size:13px}}";

void page_open(struct web_response *r, const char *path, enum text_id title)
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

void page_close(struct web_response *r)
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

void para(struct strbuf *b, const char *s)
{
	strbuf_puts(b, "<p>");
	strbuf_xml_escape(b, s);
	strbuf_puts(b, "</p>");
}

void th(struct strbuf *b, enum text_id id)
{
	strbuf_puts(b, "<th>");
	strbuf_xml_escape(b, text(id));
	strbuf_puts(b, "</th>");
}

void td_text(struct strbuf *b, const char *cls, const char *s)
{
	strbuf_printf(b, "<td class=\"%s\">", cls);
	strbuf_xml_escape(b, s);
	strbuf_puts(b, "</td>");
}

void td_num(struct strbuf *b, const char *cls, unsigned long long v)
{
	strbuf_printf(b, "<td class=\"n %s\">%llu</td>", cls, v);
}

void td_dash(struct strbuf *b, const char *cls)
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

/* A bar chart of the page, with its axis titles. */
static void bars_of(struct strbuf *b, const char *id, const char *title, const char *x_label, const char *y_label,
		    const struct chart_bar *bars, size_t n, int decimals)
{
	struct chart c = {.title = title, .x_label = x_label, .y_label = y_label, .width = 900,
			  .height = 80 + 24 * (int)(n ? n : 1), .fixed_decimals = decimals >= 0,
			  .decimals = decimals};

	strbuf_printf(b, "<figure id=\"%s\">", id);
	chart_bars(b, &c, bars, n);
	strbuf_puts(b, "</figure>");
}

/* <a href="PATH?period&key=value">text</a>, a drill-down link. */
static void drill(struct strbuf *b, const struct page_scope *sc, const char *path, const char *key, const char *value,
		  enum text_id label)
{
	strbuf_puts(b, "<a ");
	scope_href(b, path, sc, false, key, value);
	strbuf_puts(b, ">");
	strbuf_xml_escape(b, text(label));
	strbuf_puts(b, "</a>");
}

static int ports_section(const struct web_request *rq, const struct page_scope *sc, struct strbuf *b,
			 struct err *err);

void table_open(struct strbuf *b, const char *id)
{
	strbuf_printf(b, "<div class=\"scroll\"><table id=\"%s\"><tr>", id);
}

void table_close(struct strbuf *b)
{
	strbuf_puts(b, "</table></div>");
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
	static const struct table_column cols[] = {{"day", TABLE_TEXT, 0}, {"series", TABLE_TEXT, 0},
						   {"devices", TABLE_INT, 0}};
	const struct web_options *o = rq->opt;
	struct page_scope sc;
	struct strbuf *b = &r->body;
	uint64_t *counts, *all, focus_last = 0;
	char ccs[WEB_FOCUS_MAX][3], day[11], line[256], num[32], list[WEB_FOCUS_MAX * 4] = "";
	struct chart_series series[WEB_FOCUS_MAX + 1];
	const char *label[WEB_FOCUS_MAX + 1];
	double *xs, *ys;
	size_t nd, w7, nser = o->nfocus;
	struct table *t;
	struct err err;

	if (scope_parse(rq, r, "/", 90, &sc))
		return 0;
	nd = (size_t)sc.p.days;
	memcpy(ccs, o->focus, sizeof(ccs));
	counts = xcalloc((nser + 1) * nd + 1, sizeof(*counts));
	all = xcalloc(nd, sizeof(*all));
	if (figures_daily(rq->store, &sc.p, ccs, nser, counts, all, &err)) {
		free(counts);
		free(all);
		return web_store_error(r, &err);
	}
	for (size_t i = 0; i < nser; i++)
		label[i] = o->focus[i];
	if (o->all_countries || nser == 0 || sc.p.filter.cc[0] || sc.p.filter.has_asn || sc.p.filter.has_family) {
		/* focus "*", or a drill-down: one line, everything in scope */
		nser = 1;
		label[0] = text(T_ALL_COUNTRIES);
		memcpy(counts, all, nd * sizeof(*counts));
	}
	t = table_new(cols, 3);
	for (size_t d = 0; d < nd; d++) {
		time_format_day(sc.p.from_day + (int64_t)d, day);
		for (size_t i = 0; i < nser; i++) {
			table_row(t);
			table_text(t, day);
			table_text(t, label[i]);
			table_int(t, (int64_t)counts[i * nd + d]);
		}
		table_row(t);
		table_text(t, day);
		table_text(t, "*");
		table_int(t, (int64_t)all[d]);
	}
	if (scope_data(&sc, t, r))
		goto out;
	page_open(r, "/", T_OVERVIEW_TITLE);
	para(b, text(T_OVERVIEW_INTRO));
	scope_controls(b, &sc);
	time_format_day(sc.p.to_day, day);
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
		xs[d] = (double)(sc.p.from_day + (int64_t)d);
	for (size_t i = 0; i < nser; i++) {
		for (size_t d = 0; d < nd; d++)
			ys[i * nd + d] = (double)counts[i * nd + d];
		series[i] = (struct chart_series){.label = label[i], .x = xs, .y = ys + i * nd, .n = nd};
	}
	snprintf(line, sizeof(line), text(T_OVERVIEW_CHART), sc.p.days);
	struct chart c = {.title = line, .x_label = text(T_AXIS_DAY), .y_label = text(T_AXIS_DEVICES),
			  .x_is_day = true, .width = 900, .height = 360, .fixed_decimals = true};
	strbuf_puts(b, "<figure id=\"chart-daily\">");
	chart_lines(b, &c, series, nser);
	strbuf_puts(b, "</figure>");
	free(xs);
	free(ys);
	scope_data_links(b, &sc);

	/* The trend table: first and last 7 days of the period (they overlap
	 * when it is shorter than 14 days). */
	w7 = nd < 7 ? nd : 7;
	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, text(T_OVERVIEW_TREND_TITLE));
	strbuf_puts(b, "</h3>");
	table_open(b, "trend");
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

		row_open(b, nser == 1 && label[0] == text(T_ALL_COUNTRIES) ? "*" : label[i]);
		td_text(b, "cc", label[i]);
		td_num(b, "last-day", v[nd - 1]);
		strbuf_printf(b, "<td class=\"n first7\">%.1f</td><td class=\"n last7\">%.1f</td>", first, last);
		if (first > 0)
			strbuf_printf(b, "<td class=\"n change\">%+.0f%%</td>", (last - first) / first * 100);
		else
			td_dash(b, "change");
		strbuf_printf(b, "<td class=\"n slope\">%+.2f</td></tr>", slope(v, nd));
	}
	table_close(b);
	page_close(r);
out:
	table_free(t);
	free(counts);
	free(all);
	return 0;
}

/* --- countries ------------------------------------------------------- */

#define MAP_CLASSES 5

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The world map: each country filled by its class (0 to the
 * largest figure in five equal steps), a tooltip with name and figure, and a legend
 * with the classes' ranges and their unit. */
static void map_of(struct strbuf *b, const struct web_request *rq, const struct figures_countries *fc)
{
	static const char *const fill[MAP_CLASSES] = {"#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"};
	const struct worldmap *m = rq->worldmap;
	bool pm = rq->population != NULL;
	double *vals = xcalloc(fc->n + 1, sizeof(*vals)), bound[MAP_CLASSES + 1];
	size_t nv = 0;
	int decimals = pm ? 3 : 0;

	if (!m) {
		strbuf_puts(b, "<p id=\"map-missing\" class=\"note\">");
		strbuf_xml_escape(b, text(T_MAP_MISSING));
		strbuf_puts(b, "</p>");
		free(vals);
		return;
	}
	for (size_t i = 0; i < fc->n; i++)
		if (!pm || fc->v[i].pop)
			vals[nv++] = pm ? fc->v[i].per_million : (double)fc->v[i].devices;
	qsort(vals, nv, sizeof(*vals), by_value);
	/* equal classes from 0 to the largest figure: no empty or repeated
	 * class however few countries there are */
	for (int k = 0; k <= MAP_CLASSES; k++)
		bound[k] = nv ? vals[nv - 1] * k / MAP_CLASSES : 0;
	strbuf_printf(b, "<figure id=\"map\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
			 "height=\"%d\" role=\"img\"><title>",
		      WORLDMAP_WIDTH, WORLDMAP_HEIGHT + 60, WORLDMAP_WIDTH, WORLDMAP_HEIGHT + 60);
	strbuf_xml_escape(b, text(pm ? T_MAP_TITLE : T_MAP_TITLE_COUNT));
	strbuf_puts(b, "</title><g stroke=\"#fff\" stroke-width=\"0.4\">");
	for (size_t i = 0; i < m->n; i++) {
		const struct worldmap_country *c = &m->v[i];
		const struct figures_country *f = NULL;
		char figure[48];
		int k = -1;

		for (size_t j = 0; j < fc->n && !f; j++)
			if (strcmp(fc->v[j].cc, c->cc) == 0 && (!pm || fc->v[j].pop))
				f = &fc->v[j];
		if (f) {
			double v = pm ? f->per_million : (double)f->devices;

			for (k = 0; k < MAP_CLASSES - 1 && v > bound[k + 1]; k++)
				;
			snprintf(figure, sizeof(figure), "%.*f", decimals, v);
		} else {
			snprintf(figure, sizeof(figure), "%s", text(T_MAP_NO_DATA));
		}
		strbuf_printf(b, "<path data-cc=\"%s\" fill=\"%s\" d=\"%s\"><title>%s (%s): ", c->cc,
			      k >= 0 ? fill[k] : "#e4e4e4", c->path, c->name, c->cc);
		strbuf_xml_escape(b, figure);
		strbuf_puts(b, "</title></path>");
	}
	strbuf_puts(b, "</g>");
	/* legend: the classes, their ranges, the unit */
	for (int k = 0; k < MAP_CLASSES && nv; k++) {
		double x = 16 + 150.0 * k;

		strbuf_printf(b,
			      "<rect x=\"%.0f\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
			      "<text x=\"%.0f\" y=\"%d\" font-size=\"13\">%.*f&#8211;%.*f</text>",
			      x, WORLDMAP_HEIGHT + 8, fill[k], x + 20, WORLDMAP_HEIGHT + 20, decimals, bound[k], decimals,
			      bound[k + 1]);
	}
	strbuf_printf(b, "<text x=\"16\" y=\"%d\" font-size=\"13\" class=\"legend-unit\">", WORLDMAP_HEIGHT + 46);
	strbuf_xml_escape(b, text(pm ? T_AXIS_PER_MILLION : T_AXIS_DEVICES));
	strbuf_puts(b, "</text></svg><figcaption class=\"note\">");
	strbuf_xml_escape(b, text(T_MAP_CREDIT));
	strbuf_puts(b, "</figcaption></figure>");
	free(vals);
}

int page_countries(const struct web_request *rq, struct web_response *r)
{
	static const struct table_column cols[] = {
		{"rank", TABLE_INT, 0},	       {"cc", TABLE_TEXT, 0},	      {"country", TABLE_TEXT, 0},
		{"devices", TABLE_INT, 0},     {"last_day", TABLE_INT, 0},    {"device_days", TABLE_INT, 0},
		{"mean_per_day", TABLE_REAL, 2}, {"peak", TABLE_INT, 0},	      {"population", TABLE_INT, 0},
		{"per_million", TABLE_REAL, 3}};
	const struct population *pop = rq->population;
	struct figures_countries fc;
	struct page_scope sc;
	struct strbuf *b;
	struct chart_bar *bars;
	size_t nbars = 0;
	const char *source = NULL;
	struct table *t;
	struct err err;

	if (scope_parse(rq, r, "/countries", 30, &sc))
		return 0;
	if (figures_countries(rq->store, &sc.p, pop, &fc, &err)) {
		figures_countries_free(&fc);
		return web_store_error(r, &err);
	}
	t = table_new(cols, 10);
	for (size_t i = 0; i < fc.n; i++) {
		const struct figures_country *c = &fc.v[i];

		table_row(t);
		if (c->rank)
			table_int(t, c->rank);
		else
			table_null(t);
		table_text(t, c->cc);
		table_text(t, c->pop ? c->pop->country : "");
		table_int(t, (int64_t)c->devices);
		table_int(t, (int64_t)c->last_day);
		table_int(t, (int64_t)c->device_days);
		table_real(t, c->mean_per_day);
		table_int(t, (int64_t)c->peak);
		if (c->pop) {
			table_int(t, (int64_t)c->pop->population);
			table_real(t, c->per_million);
		} else {
			table_null(t);
			table_null(t);
		}
	}
	if (scope_data(&sc, t, r))
		goto out;
	page_open(r, "/countries", T_COUNTRIES_TITLE);
	b = &r->body;
	para(b, text(T_COUNTRIES_INTRO));
	scope_controls(b, &sc);
	if (!pop)
		strbuf_puts(b, "<p id=\"no-population\">"), strbuf_xml_escape(b, text(T_COUNTRIES_NO_POPULATION)),
			strbuf_puts(b, "</p>");
	map_of(b, rq, &fc);
	bars = xcalloc(fc.n + 1, sizeof(*bars));
	table_open(b, "countries");
	th(b, T_COL_CC);
	th(b, T_COL_COUNTRY);
	th(b, T_COL_DEVICES);
	th(b, T_COL_LAST_DAY);
	th(b, T_COL_MEAN_PER_DAY);
	if (pop) {
		th(b, T_COL_POPULATION);
		th(b, T_COL_PER_MILLION);
	}
	th(b, T_COL_DRILL);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < fc.n; i++) {
		const struct figures_country *c = &fc.v[i];

		row_open(b, c->cc);
		td_text(b, "cc", c->cc);
		td_text(b, "country", c->pop ? c->pop->country : "");
		td_num(b, "devices", c->devices);
		td_num(b, "last-day", c->last_day);
		strbuf_printf(b, "<td class=\"n mean-per-day\">%.2f</td>", c->mean_per_day);
		if (pop && c->pop) {
			td_num(b, "population", c->pop->population);
			strbuf_printf(b, "<td class=\"n per-million\">%.3f</td>", c->per_million);
			if (!source)
				source = c->pop->source;
			bars[nbars++] = (struct chart_bar){.label = c->pop->country[0] ? c->pop->country : c->cc,
							   .value = c->per_million};
		} else if (pop) {
			td_dash(b, "population");
			td_dash(b, "per-million");
		} else {
			bars[nbars++] = (struct chart_bar){.label = c->cc, .value = (double)c->devices};
		}
		strbuf_puts(b, "<td class=\"drill\">");
		drill(b, &sc, "/networks", "cc", c->cc, T_DRILL_NETWORKS);
		strbuf_puts(b, " ");
		drill(b, &sc, "/families", "cc", c->cc, T_DRILL_FAMILIES);
		strbuf_puts(b, "</td></tr>");
	}
	table_close(b);
	if (fc.unknown_devices) {
		char line[256], num[32];

		snprintf(num, sizeof(num), "%llu", (unsigned long long)fc.unknown_devices);
		snprintf(line, sizeof(line), text(T_COUNTRIES_UNKNOWN), num);
		strbuf_printf(b, "<p id=\"unknown-country\" data-value=\"%s\">", num);
		strbuf_xml_escape(b, line);
		strbuf_puts(b, "</p>");
	}
	if (fc.n == 0)
		para(b, text(T_NO_DATA));
	bars_of(b, "chart-countries", text(pop ? T_COUNTRIES_CHART_PM : T_COUNTRIES_CHART_COUNT),
		text(pop ? T_AXIS_PER_MILLION : T_AXIS_DEVICES), text(T_AXIS_COUNTRY), bars,
		nbars < TOP_CHART ? nbars : TOP_CHART, pop ? 3 : 0);
	scope_data_links(b, &sc);
	if (source) {
		char line[256];

		snprintf(line, sizeof(line), text(T_COUNTRIES_POPULATION_SOURCE), source);
		para(b, line);
	}
	free(bars);
	if (sc.p.filter.has_family && ports_section(rq, &sc, b, &err)) {
		table_free(t);
		figures_countries_free(&fc);
		return web_store_error(r, &err);
	}
	page_close(r);
out:
	table_free(t);
	figures_countries_free(&fc);
	return 0;
}

/* --- networks --------------------------------------------------------- */

int page_networks(const struct web_request *rq, struct web_response *r)
{
	static const struct table_column cols[] = {
		{"asn", TABLE_INT, 0},	    {"as_name", TABLE_TEXT, 0},	    {"cc", TABLE_TEXT, 0},
		{"devices", TABLE_INT, 0},  {"last_day", TABLE_INT, 0},	    {"device_days", TABLE_INT, 0},
		{"cleaned_within_14", TABLE_REAL, 4}, {"median_days", TABLE_REAL, 0}};
	struct figures_table ft;
	struct page_scope sc;
	struct cleanup_network *cl;
	struct chart_bar bars[TOP_CHART];
	char labels[TOP_CHART][160], asn[16];
	struct strbuf *b;
	struct table *t;
	size_t n;
	struct err err;

	if (scope_parse(rq, r, "/networks", 30, &sc))
		return 0;
	figures_table_init(&ft);
	if (figures_group(rq->store, &sc.p, FIGURES_BY_NETWORK, &ft, &err)) {
		figures_table_free(&ft);
		return web_store_error(r, &err);
	}
	n = ft.n < TOP_TABLE ? ft.n : TOP_TABLE;
	cl = xcalloc(n + 1, sizeof(*cl));
	for (size_t i = 0; i < n; i++)
		cl[i].asn = ft.rows[i].asn;
	if (cleanup_networks(rq->store, cl, n, &err)) {
		free(cl);
		figures_table_free(&ft);
		return web_store_error(r, &err);
	}
	t = table_new(cols, 8);
	for (size_t i = 0; i < n; i++) {
		const struct figures_row *row = &ft.rows[i];

		table_row(t);
		table_int(t, row->asn);
		table_text(t, row->name);
		table_text(t, row->cc);
		table_int(t, (int64_t)row->devices);
		table_int(t, (int64_t)row->last_day);
		table_int(t, (int64_t)row->device_days);
		if (cl[i].available)
			table_real(t, cl[i].cleaned_within_14);
		else
			table_null(t);
		if (cl[i].available && cl[i].has_median)
			table_real(t, cl[i].median_days);
		else
			table_null(t);
	}
	if (scope_data(&sc, t, r))
		goto out;
	page_open(r, "/networks", T_NETWORKS_TITLE);
	b = &r->body;
	para(b, text(T_NETWORKS_INTRO));
	scope_controls(b, &sc);
	table_open(b, "networks");
	th(b, T_COL_ASN);
	th(b, T_COL_AS_NAME);
	th(b, T_COL_CC);
	th(b, T_COL_DEVICES);
	th(b, T_COL_LAST_DAY);
	th(b, T_COL_CLEANED14);
	th(b, T_COL_MEDIAN_DAYS);
	th(b, T_COL_DRILL);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < n; i++) {
		const struct figures_row *row = &ft.rows[i];

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
		strbuf_puts(b, "<td class=\"drill\">");
		if (row->asn) {
			snprintf(asn, sizeof(asn), "%u", row->asn);
			drill(b, &sc, "/families", "asn", asn, T_DRILL_FAMILIES);
			strbuf_puts(b, " ");
			drill(b, &sc, "/ports", "asn", asn, T_DRILL_PORTS);
			strbuf_puts(b, " ");
			drill(b, &sc, "/", "asn", asn, T_NAV_OVERVIEW);
		}
		strbuf_puts(b, "</td></tr>");
		if (i < TOP_CHART) {
			if (row->asn)
				snprintf(labels[i], sizeof(labels[i]), "AS%u %.100s", row->asn, row->name);
			else
				snprintf(labels[i], sizeof(labels[i]), "%s", text(T_UNKNOWN));
			bars[i] = (struct chart_bar){.label = labels[i], .value = (double)row->devices};
		}
	}
	table_close(b);
	if (ft.n == 0)
		para(b, text(T_NO_DATA));
	if (n)
		para(b, text(T_NETWORKS_CLEANUP_NOTE));
	bars_of(b, "chart-networks", text(T_NETWORKS_CHART), text(T_AXIS_DEVICES), text(T_AXIS_NETWORK), bars,
		n < TOP_CHART ? n : TOP_CHART, 0);
	scope_data_links(b, &sc);
	page_close(r);
out:
	table_free(t);
	free(cl);
	figures_table_free(&ft);
	return 0;
}

/* --- manufacturers ----------------------------------------------------- */

int page_manufacturers(const struct web_request *rq, struct web_response *r)
{
	static const struct table_column cols[] = {
		{"vendor", TABLE_TEXT, 0},	  {"model", TABLE_TEXT, 0},	     {"firmware", TABLE_TEXT, 0},
		{"type", TABLE_TEXT, 0},	  {"devices", TABLE_INT, 0},	     {"share_pct", TABLE_REAL, 1},
		{"via_credentials", TABLE_INT, 0}, {"via_exploit", TABLE_INT, 0}};
	struct manufacturers m;
	struct page_scope sc;
	struct chart_bar bars[TOP_CHART];
	struct vendor_sum {
		const char *vendor;
		uint64_t devices;
	} *vendors;
	size_t nv = 0, n;
	char line[256], a[32], c[32];
	struct strbuf *b;
	struct table *t;
	struct err err;

	if (scope_parse(rq, r, "/manufacturers", 30, &sc))
		return 0;
	if (manufacturers_compute(rq->store, &sc.p, &m, &err)) {
		manufacturers_free(&m);
		return web_store_error(r, &err);
	}
	t = table_new(cols, 8);
	for (size_t i = 0; i < m.n; i++) {
		const struct manufacturers_model *mo = &m.v[i];

		table_row(t);
		table_text(t, mo->vendor);
		table_text(t, mo->name);
		table_text(t, mo->firmware);
		table_text(t, mo->type);
		table_int(t, (int64_t)mo->devices);
		table_real(t, m.characterized ? 100.0 * (double)mo->devices / (double)m.characterized : 0);
		table_int(t, (int64_t)mo->via_credentials);
		table_int(t, (int64_t)mo->via_exploit);
	}
	vendors = xcalloc(m.n + 1, sizeof(*vendors));
	if (scope_data(&sc, t, r))
		goto out;
	/* A vendor's devices: the sum of its models' (one record per device). */
	for (size_t i = 0; i < m.n; i++) {
		size_t k;

		for (k = 0; k < nv && strcmp(vendors[k].vendor, m.v[i].vendor) != 0; k++)
			;
		if (k == nv)
			vendors[nv++].vendor = m.v[i].vendor;
		vendors[k].devices += m.v[i].devices;
	}
	for (size_t i = 1; i < nv; i++) /* insertion sort: most devices first, stable */
		for (size_t k = i; k > 0 && vendors[k].devices > vendors[k - 1].devices; k--) {
			struct vendor_sum tmp = vendors[k];

			vendors[k] = vendors[k - 1];
			vendors[k - 1] = tmp;
		}
	page_open(r, "/manufacturers", T_MANUFACTURERS_TITLE);
	b = &r->body;
	para(b, text(T_MANUFACTURERS_INTRO));
	scope_controls(b, &sc);
	snprintf(c, sizeof(c), "%llu", (unsigned long long)m.characterized);
	snprintf(a, sizeof(a), "%llu", (unsigned long long)m.all);
	snprintf(line, sizeof(line), text(T_MANUFACTURERS_CHARACTERIZED), c, a);
	strbuf_printf(b, "<p id=\"characterized\" data-value=\"%s\" data-all=\"%s\">", c, a);
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</p>");
	table_open(b, "vendors");
	th(b, T_COL_VENDOR);
	th(b, T_COL_DEVICES);
	th(b, T_COL_SHARE);
	strbuf_puts(b, "</tr>");
	n = nv < TOP_TABLE ? nv : TOP_TABLE;
	for (size_t i = 0; i < n; i++) {
		const char *name = vendors[i].vendor[0] ? vendors[i].vendor : text(T_UNKNOWN);

		row_open(b, vendors[i].vendor);
		td_text(b, "vendor", name);
		td_num(b, "devices", vendors[i].devices);
		strbuf_printf(b, "<td class=\"n share\">%.1f%%</td></tr>",
			      (double)vendors[i].devices / (double)m.characterized * 100);
		if (i < TOP_CHART)
			bars[i] = (struct chart_bar){.label = name, .value = (double)vendors[i].devices};
	}
	table_close(b);
	bars_of(b, "chart-vendors", text(T_MANUFACTURERS_CHART), text(T_AXIS_DEVICES), text(T_AXIS_VENDOR), bars,
		n < TOP_CHART ? n : TOP_CHART, 0);
	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, text(T_MODELS_TITLE));
	strbuf_puts(b, "</h3>");
	table_open(b, "models");
	th(b, T_COL_VENDOR);
	th(b, T_COL_MODEL);
	th(b, T_COL_FIRMWARE);
	th(b, T_COL_TYPE);
	th(b, T_COL_DEVICES);
	th(b, T_COL_SHARE);
	strbuf_puts(b, "</tr>");
	n = m.n < TOP_TABLE ? m.n : TOP_TABLE;
	for (size_t i = 0; i < n; i++) {
		const struct manufacturers_model *mo = &m.v[i];

		strbuf_puts(b, "<tr data-key=\"");
		strbuf_xml_escape(b, mo->vendor);
		strbuf_puts(b, "/");
		strbuf_xml_escape(b, mo->name);
		strbuf_puts(b, "/");
		strbuf_xml_escape(b, mo->firmware);
		strbuf_puts(b, "\">");
		td_text(b, "vendor", mo->vendor);
		td_text(b, "model", mo->name[0] ? mo->name : text(T_UNKNOWN));
		td_text(b, "firmware", mo->firmware);
		td_text(b, "type", mo->type);
		td_num(b, "devices", mo->devices);
		strbuf_printf(b, "<td class=\"n share\">%.1f%%</td></tr>",
			      (double)mo->devices / (double)m.characterized * 100);
	}
	table_close(b);
	if (m.all == 0)
		para(b, text(T_NO_DATA));
	scope_data_links(b, &sc);
	page_close(r);
out:
	free(vendors);
	table_free(t);
	manufacturers_free(&m);
	return 0;
}

/* --- families ------------------------------------------------------------ */

int page_families(const struct web_request *rq, struct web_response *r)
{
	static const struct table_column cols[] = {{"family", TABLE_TEXT, 0}, {"devices", TABLE_INT, 0},
						   {"last_day", TABLE_INT, 0}, {"device_days", TABLE_INT, 0}};
	struct figures_table ft;
	struct page_scope sc;
	struct chart_bar bars[TOP_CHART];
	struct strbuf *b;
	struct table *t;
	struct err err;
	size_t n;

	if (scope_parse(rq, r, "/families", 30, &sc))
		return 0;
	figures_table_init(&ft);
	if (figures_group(rq->store, &sc.p, FIGURES_BY_FAMILY, &ft, &err)) {
		figures_table_free(&ft);
		return web_store_error(r, &err);
	}
	n = ft.n < TOP_TABLE ? ft.n : TOP_TABLE;
	t = table_new(cols, 4);
	for (size_t i = 0; i < n; i++) {
		table_row(t);
		table_text(t, ft.rows[i].key[0] ? ft.rows[i].key : "unknown");
		table_int(t, (int64_t)ft.rows[i].devices);
		table_int(t, (int64_t)ft.rows[i].last_day);
		table_int(t, (int64_t)ft.rows[i].device_days);
	}
	if (scope_data(&sc, t, r))
		goto out;
	page_open(r, "/families", T_FAMILIES_TITLE);
	b = &r->body;
	para(b, text(T_FAMILIES_INTRO));
	scope_controls(b, &sc);
	table_open(b, "families");
	th(b, T_COL_FAMILY);
	th(b, T_COL_DEVICES);
	th(b, T_COL_LAST_DAY);
	th(b, T_COL_DRILL);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < n; i++) {
		const char *key = ft.rows[i].key[0] ? ft.rows[i].key : "unknown";
		const char *name = ft.rows[i].key[0] ? ft.rows[i].key : text(T_UNKNOWN);

		row_open(b, key);
		td_text(b, "family", name);
		td_num(b, "devices", ft.rows[i].devices);
		td_num(b, "last-day", ft.rows[i].last_day);
		strbuf_puts(b, "<td class=\"drill\">");
		drill(b, &sc, "/countries", "family", key, T_DRILL_COUNTRIES);
		strbuf_puts(b, " ");
		drill(b, &sc, "/networks", "family", key, T_DRILL_NETWORKS);
		strbuf_puts(b, " ");
		drill(b, &sc, "/ports", "family", key, T_DRILL_PORTS);
		strbuf_puts(b, "</td></tr>");
		if (i < TOP_CHART)
			bars[i] = (struct chart_bar){.label = name, .value = (double)ft.rows[i].devices};
	}
	table_close(b);
	if (ft.n == 0)
		para(b, text(T_NO_DATA));
	bars_of(b, "chart-families", text(T_FAMILIES_CHART), text(T_AXIS_DEVICES), text(T_AXIS_FAMILY), bars,
		n < TOP_CHART ? n : TOP_CHART, 0);
	scope_data_links(b, &sc);
	if (sc.p.filter.has_asn && ports_section(rq, &sc, b, &err)) {
		table_free(t);
		figures_table_free(&ft);
		return web_store_error(r, &err);
	}
	page_close(r);
out:
	table_free(t);
	figures_table_free(&ft);
	return 0;
}

/* --- ports ------------------------------------------------------------------ */

/* The table (TOP_TABLE rows) and chart of ports. */
static void ports_html(struct strbuf *b, const struct figures_table *ft)
{
	size_t n = ft->n < TOP_TABLE ? ft->n : TOP_TABLE;
	struct chart_bar bars[TOP_CHART];

	table_open(b, "ports");
	th(b, T_COL_PORT);
	th(b, T_COL_DEVICES);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < n; i++) {
		row_open(b, ft->rows[i].key);
		td_text(b, "port", ft->rows[i].key);
		td_num(b, "devices", ft->rows[i].devices);
		strbuf_puts(b, "</tr>");
		if (i < TOP_CHART)
			bars[i] = (struct chart_bar){.label = ft->rows[i].key, .value = (double)ft->rows[i].devices};
	}
	table_close(b);
	if (ft->n == 0)
		para(b, text(T_NO_DATA));
	bars_of(b, "chart-ports", text(T_PORTS_CHART), text(T_AXIS_DEVICES), text(T_AXIS_PORT), bars,
		n < TOP_CHART ? n : TOP_CHART, 0);
}

/* A network's page (/families?asn=N) or a family's (/countries?family=F)
 * shows its ports too, linking to /ports' CSV and JSON (the same numbers). */
static int ports_section(const struct web_request *rq, const struct page_scope *sc, struct strbuf *b,
			 struct err *err)
{
	struct figures_table ft;

	figures_table_init(&ft);
	if (figures_ports(rq->store, &sc->p, &ft, err)) {
		figures_table_free(&ft);
		return -1;
	}
	strbuf_puts(b, "<h3 id=\"ports-title\">");
	strbuf_xml_escape(b, text(T_PORTS_TITLE));
	strbuf_puts(b, "</h3>");
	ports_html(b, &ft);
	strbuf_puts(b, "<p class=\"data\">");
	strbuf_xml_escape(b, text(T_PORTS_DATA_LINKS));
	strbuf_puts(b, " <a class=\"csv\" ");
	scope_href(b, "/ports", sc, true, "format", "csv");
	strbuf_puts(b, ">CSV</a> <a class=\"json\" ");
	scope_href(b, "/ports", sc, true, "format", "json");
	strbuf_puts(b, ">JSON</a></p>");
	figures_table_free(&ft);
	return 0;
}

/* A network's or a family's ports (the drill-down of both pages). */
int page_ports(const struct web_request *rq, struct web_response *r)
{
	static const struct table_column cols[] = {{"port", TABLE_INT, 0}, {"devices", TABLE_INT, 0}};
	struct figures_table ft;
	struct page_scope sc;
	struct strbuf *b;
	struct table *t;
	struct err err;
	size_t n;

	if (scope_parse(rq, r, "/ports", 30, &sc))
		return 0;
	figures_table_init(&ft);
	if (figures_ports(rq->store, &sc.p, &ft, &err)) {
		figures_table_free(&ft);
		return web_store_error(r, &err);
	}
	n = ft.n < TOP_TABLE ? ft.n : TOP_TABLE;
	t = table_new(cols, 2);
	for (size_t i = 0; i < n; i++) {
		table_row(t);
		table_int(t, ft.rows[i].asn);
		table_int(t, (int64_t)ft.rows[i].devices);
	}
	if (scope_data(&sc, t, r))
		goto out;
	page_open(r, "/ports", T_PORTS_TITLE);
	b = &r->body;
	para(b, text(T_PORTS_INTRO));
	scope_controls(b, &sc);
	ports_html(b, &ft);
	scope_data_links(b, &sc);
	page_close(r);
out:
	table_free(t);
	figures_table_free(&ft);
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

/* 24 small bars, one per hour, each with its count as a tooltip. */
static void sparkline(struct strbuf *b, const struct sensor_health *h, int64_t now_us)
{
	uint64_t max = 1;
	int64_t hour0 = now_us / (3600 * US_PER_SEC) - SENSORS_HOURS + 1;

	for (int i = 0; i < SENSORS_HOURS; i++)
		max = h->hourly[i] > max ? h->hourly[i] : max;
	strbuf_printf(b, "<svg class=\"spark\" width=\"%d\" height=\"24\" viewBox=\"0 0 %d 24\" role=\"img\"><title>",
		      SENSORS_HOURS * 5, SENSORS_HOURS * 5);
	strbuf_xml_escape(b, text(T_COL_HOURLY));
	strbuf_puts(b, "</title>");
	for (int i = 0; i < SENSORS_HOURS; i++) {
		double bh = h->hourly[i] ? 2 + 22.0 * (double)h->hourly[i] / (double)max : 0.5;
		char at[TIME_RFC3339_LEN + 1];

		time_format_rfc3339((hour0 + i) * 3600 * US_PER_SEC, at);
		at[13] = '\0'; /* YYYY-MM-DDTHH */
		strbuf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"4\" height=\"%.1f\" fill=\"#16325c\"><title>%s:00 UTC: %llu</title></rect>",
			      i * 5, 24 - bh, bh, at, (unsigned long long)h->hourly[i]);
	}
	strbuf_puts(b, "</svg>");
}

int page_sensors(const struct web_request *rq, struct web_response *r)
{
	struct sensors ss;
	long minutes = 10;
	char line[256];
	struct strbuf *b;
	struct err err;

	if (query_int(rq->query, "minutes", 1, 1440, &minutes, &err))
		return web_error(r, 400, "%s", err.msg);
	if (sensors_health(rq->store, time_now_us(), (int)minutes, &ss, &err)) {
		sensors_free(&ss);
		return web_store_error(r, &err);
	}
	page_open(r, "/sensors", T_SENSORS_TITLE);
	b = &r->body;
	snprintf(line, sizeof(line), text(T_SENSORS_INTRO), (int)minutes);
	para(b, line);
	para(b, text(T_SENSORS_SILENT_NOTE));
	table_open(b, "sensors");
	th(b, T_COL_SENSOR);
	th(b, T_COL_STATE);
	th(b, T_COL_LAST_EVENT);
	th(b, T_COL_HOURLY);
	th(b, T_COL_EVENTS_TOTAL);
	th(b, T_COL_EVENTS_PER_MIN);
	th(b, T_COL_PACKETS_PER_S);
	th(b, T_COL_KINDS);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i < ss.n; i++) {
		const struct sensor_health *s = &ss.v[i];
		char last[TIME_RFC3339_LEN + 1];
		bool first = true, silent = s->silent_us > SENSORS_SILENT_US;
		int hours = (int)(s->silent_us / (3600 * US_PER_SEC));

		row_open(b, s->name);
		td_text(b, "sensor", s->name);
		if (!s->last_us)
			snprintf(line, sizeof(line), "%s", text(T_SENSOR_NEVER));
		else if (silent && hours >= 48)
			snprintf(line, sizeof(line), text(T_SENSOR_SILENT_DAYS), hours / 24);
		else if (silent)
			snprintf(line, sizeof(line), text(T_SENSOR_SILENT), hours);
		else
			snprintf(line, sizeof(line), "%s", text(T_SENSOR_LIVE));
		strbuf_printf(b, "<td class=\"state %s\" data-silent-hours=\"%d\">", silent ? "silent" : "live",
			      silent ? hours : 0);
		strbuf_xml_escape(b, line);
		strbuf_puts(b, "</td>");
		/* "2025-03-20 14:05" fits a narrow cell; the full time in its title */
		time_format_rfc3339(s->last_us, last);
		strbuf_printf(b, "<td class=\"last-event\" title=\"%s\">%.10s&#160;%.5s</td>", last, last, last + 11);
		strbuf_puts(b, "<td class=\"hourly\">");
		sparkline(b, s, ss.now_us);
		strbuf_puts(b, "</td>");
		td_num(b, "events", s->total);
		strbuf_printf(b, "<td class=\"n per-minute\">%.2f</td>", (double)s->window_events / (double)minutes);
		if (s->counts_packets)
			strbuf_printf(b, "<td class=\"n packets-per-s\">%.2f</td>",
				      (double)s->window_packets / (double)(minutes * 60));
		else
			td_dash(b, "packets-per-s");
		strbuf_puts(b, "<td class=\"kinds\">");
		for (int k = 0; k < EVENT_KIND_COUNT; k++)
			if (s->by_kind[k]) {
				strbuf_printf(b, "%s<span class=\"kind-%s\">%s&#160;%llu</span>", first ? "" : ", ",
					      event_kind_name((enum event_kind)k), event_kind_name((enum event_kind)k),
					      (unsigned long long)s->by_kind[k]);
				first = false;
			}
		strbuf_puts(b, "</td></tr>");
	}
	table_close(b);
	if (ss.n == 0)
		para(b, text(T_NO_DATA));
	sensors_free(&ss);
	page_close(r);
	return 0;
}

/* --- robots.txt ------------------------------------------------------------ */

/* A constant answer: crawlers keep out of the portal and the API; and the
 * cheapest page there is, the server's own limit in bench/web. */
int page_robots(const struct web_request *rq, struct web_response *r)
{
	(void)rq;
	r->status = 200;
	r->content_type = "text/plain; charset=utf-8";
	strbuf_puts(&r->body, "User-agent: *\nDisallow: /portal/\nDisallow: /api/\n");
	return 0;
}
