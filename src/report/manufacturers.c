/* manufacturers.c - `iotmon report manufacturers`: renders the figures of
 * analysis/manufacturers.h (per vendor / model / firmware, with trend,
 * families and infection vectors) as text, CSV, JSON or SVG. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/manufacturers.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/chart.h"
#include "report/reports.h"
#include "report/table.h"

/* "mirai 3; gafgyt 1" (names sorted by count, then by name id). */
static void counts_text(struct strbuf *b, const struct manufacturers_count *v, size_t n, const struct strtab *names)
{
	for (size_t i = 0; i < n; i++)
		strbuf_printf(b, "%s%s %llu", i ? "; " : "", names->s[v[i].id], (unsigned long long)v[i].n);
}

static void weeks_text(struct strbuf *b, const struct manufacturers_count *v, size_t n)
{
	char day[11];

	for (size_t i = 0; i < n; i++) {
		time_format_day(v[i].key, day);
		strbuf_printf(b, "%s%s:%llu", i ? " " : "", day, (unsigned long long)v[i].n);
	}
}

static json_t *counts_json(const struct manufacturers_count *v, size_t n, const struct strtab *names, const char *key)
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
static int write_svg(const struct manufacturers_model *rows, size_t nrows, struct strbuf *out)
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
	struct figures_request rq = {.from = r->from, .to = r->to};
	struct figures_period p;
	struct manufacturers mf;
	struct manufacturers_model *rows;
	size_t nrows;
	uint64_t total;
	int rc;

	if (figures_period(s, &rq, &p, err))
		return -1;
	rc = manufacturers_compute(s, &p, &mf, err);
	if (rc)
		goto out;
	rows = mf.v;
	nrows = mf.n;
	total = mf.characterized;
	if (fmt == REPORT_SVG) {
		rc = write_svg(rows, nrows, out);
	} else if (fmt == REPORT_JSON) {
		json_t *root = json_object(), *arr = json_array();
		char *text;

		json_object_set_new(root, "report", json_string("manufacturers"));
		json_object_set_new(root, "characterized_infected_devices", json_integer((json_int_t)total));
		for (size_t i = 0; i < nrows; i++) {
			struct manufacturers_model *m = &rows[i];
			json_t *o = json_object(), *w = json_array();

			json_object_set_new(o, "vendor", json_string(m->vendor));
			json_object_set_new(o, "model", json_string(m->name));
			json_object_set_new(o, "firmware", json_string(m->firmware));
			json_object_set_new(o, "devices", json_integer((json_int_t)m->devices));
			json_object_set_new(o, "share", json_real(total ? (double)m->devices / (double)total : 0));
			json_object_set_new(o, "families", counts_json(m->families, m->nfam, &mf.names, "family"));
			json_object_set_new(o, "via_credentials", json_integer((json_int_t)m->via_credentials));
			json_object_set_new(o, "via_exploit", json_integer((json_int_t)m->via_exploit));
			json_object_set_new(o, "cves", counts_json(m->cves, m->ncve, &mf.names, "cve"));
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
			struct manufacturers_model *m = &rows[i];

			table_row(t);
			table_text(t, m->vendor);
			table_text(t, m->name);
			table_text(t, m->firmware);
			table_int(t, (int64_t)m->devices);
			table_real(t, total ? 100.0 * (double)m->devices / (double)total : 0);
			strbuf_reset(&b);
			counts_text(&b, m->families, m->nfam, &mf.names);
			table_text(t, b.data);
			table_int(t, (int64_t)m->via_credentials);
			table_int(t, (int64_t)m->via_exploit);
			strbuf_reset(&b);
			counts_text(&b, m->cves, m->ncve, &mf.names);
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
	manufacturers_free(&mf);
	return rc;
}
