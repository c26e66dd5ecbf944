/* chart.h - server-rendered SVG charts for reports and the dashboard.
 *
 * Charts are plain SVG documents (no script), readable without JavaScript
 * and embeddable in HTML as they are. Text passed in is escaped here. */
#ifndef IOTMON_CHART_H
#define IOTMON_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

struct chart {
	const char *title;
	const char *x_label, *y_label;
	bool x_is_day; /* x values are UTC days since the epoch: dated axis */
	int width, height; /* pixels; 0 means 720 x 360 */
	double y_min, y_max; /* fixed axis range when y_min < y_max, else automatic */
	bool fixed_decimals; /* values in labels and tooltips with `decimals` digits, as a table shows them */
	int decimals;
};

/* Series up to this many points get a dot with a tooltip per point. */
#define CHART_TIP_POINTS 400

struct chart_series {
	const char *label; /* legend text */
	const double *x, *y;
	const double *lower, *upper; /* optional confidence band, same length */
	size_t n;
	bool step; /* draw as a step function (survival curves) */
};

struct chart_bar {
	const char *label;
	double value;
};

/* Line (or step) chart of n series; appends a complete <svg> element. */
int chart_lines(struct strbuf *out, const struct chart *c, const struct chart_series *series, size_t n);
/* Horizontal bar chart, bars in the order given. */
int chart_bars(struct strbuf *out, const struct chart *c, const struct chart_bar *bars, size_t n);

#endif
