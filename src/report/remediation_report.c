/* remediation_report.c - renderings of struct remediation. */
#include "remediation_report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/chart.h"

/* More curves than this make a chart unreadable: the largest groups. */
#define SVG_MAX_SERIES 8

static const char ci_text[] = "95% pointwise, Greenwood variance, log-log transform";

static void share_text(char *buf, size_t n, uint64_t num, uint64_t den)
{
	if (den)
		snprintf(buf, n, "%.1f%%", 100.0 * (double)num / (double)den);
	else
		snprintf(buf, n, "-");
}

int remediation_text(struct strbuf *out, const struct remediation *r)
{
	char a[11], b[11], med[16], hz[16], re[16];
	int64_t h = r->opts.horizon;

	strbuf_printf(out, "Remediation: time from first sighting to clean-up, by %s\n", remed_by_name(r->opts.by));
	if (!r->has_data) {
		strbuf_puts(out, "No observations in the store.\n");
	} else {
		time_format_day(r->data_start, a);
		time_format_day(r->data_end, b);
		strbuf_printf(out,
			      "Data %s .. %s; %llu observations, %llu episodes (gap %lld days, horizon %lld days, "
			      "reinfection within %lld days)\n",
			      a, b, (unsigned long long)r->observations, (unsigned long long)r->episodes,
			      (long long)r->opts.gap, (long long)h, (long long)r->opts.reinfection);
	}
	strbuf_printf(out, "Intervals: %s.\n\n", ci_text);
	snprintf(hz, sizeof(hz), "clean<=%lldd", (long long)h);
	strbuf_printf(out, "%-24s %9s %9s %9s %8s %11s %11s %9s\n", "group", "episodes", "cleaned", "censored",
		      "median", hz, "reinfected", "notified");
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct remed_group *g = &r->groups[i];

		if (g->median >= 0)
			snprintf(med, sizeof(med), "%dd", g->median);
		else
			snprintf(med, sizeof(med), "-");
		share_text(re, sizeof(re), g->reinfected, g->followed);
		strbuf_printf(out, "%-24s %9llu %9llu %9llu %8s %10.1f%% %11s %9llu%s\n", g->name,
			      (unsigned long long)g->episodes, (unsigned long long)g->cleaned,
			      (unsigned long long)g->censored, med, 100 * g->cleaned_within_horizon, re,
			      (unsigned long long)g->notified, g->in_test ? "" : "  (not in the test)");
	}
	strbuf_puts(out, "\n");
	if (r->has_logrank)
		strbuf_printf(out, "Log-rank test: chi2 = %.4f, df = %d, p = %.4g\n", r->logrank.chi2, r->logrank.df,
			      r->logrank.p);
	else
		strbuf_printf(out, "Log-rank test: none (%s)\n", r->logrank_note);
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct remed_group *g = &r->groups[i];

		strbuf_printf(out, "\n%s: Kaplan-Meier up to day %lld (full curve: --format json)\n", g->name,
			      (long long)h);
		strbuf_printf(out, "  %5s %9s %7s %9s %9s %9s\n", "day", "at_risk", "events", "survival", "lower",
			      "upper");
		for (size_t j = 0; j < g->km.n && g->km.rows[j].day <= h; j++) {
			const struct km_row *k = &g->km.rows[j];

			strbuf_printf(out, "  %5d %9u %7u %9.4f %9.4f %9.4f\n", k->day, k->at_risk, k->events,
				      k->survival, k->lower, k->upper);
		}
	}
	strbuf_puts(out, "\nCaveats:\n");
	for (size_t i = 0; remediation_caveats[i]; i++)
		strbuf_printf(out, "- %s\n", remediation_caveats[i]);
	return out->overflow ? -1 : 0;
}

/* CSV fields here are group names (AS numbers, country codes, family and
 * treatment names, vendor strings): quote when needed. */
static void csv_field(struct strbuf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_puts(out, s);
		return;
	}
	strbuf_puts(out, "\"");
	for (; *s; s++) {
		if (*s == '"')
			strbuf_puts(out, "\"");
		strbuf_append(out, s, 1);
	}
	strbuf_puts(out, "\"");
}

int remediation_csv(struct strbuf *out, const struct remediation *r)
{
	strbuf_puts(out, "group,episodes,cleaned,censored,median_days,cleaned_within_horizon,horizon_days,gap_days,"
			 "reinfection_days,reinfection_followed,reinfected,notified\n");
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct remed_group *g = &r->groups[i];

		csv_field(out, g->name);
		strbuf_printf(out, ",%llu,%llu,%llu,", (unsigned long long)g->episodes, (unsigned long long)g->cleaned,
			      (unsigned long long)g->censored);
		if (g->median >= 0)
			strbuf_printf(out, "%d", g->median);
		strbuf_printf(out, ",%.6f,%lld,%lld,%lld,%llu,%llu,%llu\n", g->cleaned_within_horizon,
			      (long long)r->opts.horizon, (long long)r->opts.gap, (long long)r->opts.reinfection,
			      (unsigned long long)g->followed, (unsigned long long)g->reinfected,
			      (unsigned long long)g->notified);
	}
	return out->overflow ? -1 : 0;
}

static json_t *real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *group_json(const struct remed_group *g)
{
	json_t *o = json_object(), *rows = json_array();

	json_object_set_new(o, "group", json_string(g->name));
	json_object_set_new(o, "episodes", json_integer((json_int_t)g->episodes));
	json_object_set_new(o, "cleaned", json_integer((json_int_t)g->cleaned));
	json_object_set_new(o, "censored", json_integer((json_int_t)g->censored));
	json_object_set_new(o, "cleaned_within_horizon", real(g->cleaned_within_horizon));
	json_object_set_new(o, "median_days", g->median >= 0 ? json_integer(g->median) : json_null());
	for (size_t j = 0; j < g->km.n; j++) {
		const struct km_row *k = &g->km.rows[j];
		json_t *row = json_object();

		json_object_set_new(row, "day", json_integer(k->day));
		json_object_set_new(row, "at_risk", json_integer(k->at_risk));
		json_object_set_new(row, "events", json_integer(k->events));
		json_object_set_new(row, "survival", real(k->survival));
		json_object_set_new(row, "lower", real(k->lower));
		json_object_set_new(row, "upper", real(k->upper));
		json_array_append_new(rows, row);
	}
	json_object_set_new(o, "survival", rows);
	json_object_set_new(o, "reinfection_followed", json_integer((json_int_t)g->followed));
	json_object_set_new(o, "reinfected", json_integer((json_int_t)g->reinfected));
	json_object_set_new(o, "reinfected_share",
			    g->followed ? json_real((double)g->reinfected / (double)g->followed) : json_null());
	json_object_set_new(o, "notified", json_integer((json_int_t)g->notified));
	return o;
}

int remediation_json(struct strbuf *out, const struct remediation *r)
{
	json_t *root = json_object(), *groups = json_array(), *cav = json_array();
	char day[11];
	char *text;
	int rc;

	json_object_set_new(root, "gap_days", json_integer(r->opts.gap));
	json_object_set_new(root, "horizon_days", json_integer(r->opts.horizon));
	for (size_t i = 0; i < r->ngroups; i++)
		json_array_append_new(groups, group_json(&r->groups[i]));
	json_object_set_new(root, "groups", groups);
	if (r->has_logrank) {
		json_t *lr = json_object();

		json_object_set_new(lr, "chi2", real(r->logrank.chi2));
		json_object_set_new(lr, "df", json_integer(r->logrank.df));
		json_object_set_new(lr, "p", real(r->logrank.p));
		json_object_set_new(root, "logrank", lr);
	} else {
		json_object_set_new(root, "logrank", json_null());
		json_object_set_new(root, "logrank_note", json_string(r->logrank_note));
	}
	json_object_set_new(root, "by", json_string(remed_by_name(r->opts.by)));
	json_object_set_new(root, "reinfection_days", json_integer(r->opts.reinfection));
	if (r->has_data) {
		time_format_day(r->data_start, day);
		json_object_set_new(root, "data_start", json_string(day));
		time_format_day(r->data_end, day);
		json_object_set_new(root, "data_end", json_string(day));
	} else {
		json_object_set_new(root, "data_start", json_null());
		json_object_set_new(root, "data_end", json_null());
	}
	json_object_set_new(root, "observations", json_integer((json_int_t)r->observations));
	json_object_set_new(root, "ci", json_string(ci_text));
	for (size_t i = 0; remediation_caveats[i]; i++)
		json_array_append_new(cav, json_string(remediation_caveats[i]));
	json_object_set_new(root, "caveats", cav);
	text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (!text)
		return -1;
	rc = strbuf_puts(out, text);
	strbuf_puts(out, "\n");
	free(text);
	return rc || out->overflow ? -1 : 0;
}

static int by_episodes_desc(const void *a, const void *b)
{
	const struct remed_group *x = *(const struct remed_group *const *)a, *y = *(const struct remed_group *const *)b;

	if (x->episodes != y->episodes)
		return x->episodes > y->episodes ? -1 : 1;
	return strcmp(x->name, y->name);
}

int remediation_svg(struct strbuf *out, const struct remediation *r)
{
	const struct remed_group **order = xcalloc(r->ngroups + 1, sizeof(*order));
	size_t n = r->ngroups < SVG_MAX_SERIES ? r->ngroups : SVG_MAX_SERIES;
	struct chart_series *series = xcalloc(n + 1, sizeof(*series));
	double **bufs = xcalloc(4 * (n + 1), sizeof(*bufs));
	char title[160];
	struct chart c = {.x_label = "days since first sighting", .y_label = "still infected (Kaplan-Meier)",
			  .y_min = 0, .y_max = 1};
	int rc;

	for (size_t i = 0; i < r->ngroups; i++)
		order[i] = &r->groups[i];
	qsort(order, r->ngroups, sizeof(*order), by_episodes_desc);
	snprintf(title, sizeof(title), "Time to clean-up by %s (gap %lld d%s)", remed_by_name(r->opts.by),
		 (long long)r->opts.gap, r->ngroups > n ? ", largest groups" : "");
	c.title = title;
	for (size_t s = 0; s < n; s++) {
		const struct remed_group *g = order[s];
		size_t m = g->km.n + 2, k = 0;
		double *x = xcalloc(m, sizeof(double)), *y = xcalloc(m, sizeof(double));
		double *lo = xcalloc(m, sizeof(double)), *hi = xcalloc(m, sizeof(double));
		int64_t last = 0;

		/* The curve starts at 1 on day 0 and runs to the longest follow-up. */
		x[k] = 0, y[k] = lo[k] = hi[k] = 1, k++;
		for (size_t j = 0; j < g->km.n; j++, k++) {
			x[k] = g->km.rows[j].day;
			y[k] = g->km.rows[j].survival;
			lo[k] = g->km.rows[j].lower;
			hi[k] = g->km.rows[j].upper;
		}
		for (size_t t = 0; t < r->len; t++)
			if (g->events[t] || g->censored_at[t])
				last = (int64_t)t;
		if (last > x[k - 1]) {
			x[k] = (double)last, y[k] = y[k - 1], lo[k] = lo[k - 1], hi[k] = hi[k - 1];
			k++;
		}
		bufs[4 * s] = x, bufs[4 * s + 1] = y, bufs[4 * s + 2] = lo, bufs[4 * s + 3] = hi;
		series[s] = (struct chart_series){
			.label = g->name, .x = x, .y = y, .lower = lo, .upper = hi, .n = k, .step = true};
	}
	rc = chart_lines(out, &c, series, n);
	for (size_t i = 0; i < 4 * n; i++)
		free(bufs[i]);
	free(bufs);
	free(series);
	free(order);
	return rc;
}
