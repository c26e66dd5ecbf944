/* chart.c - SVG rendering of line, step and bar charts.
 *
 * Axes get "nice" ticks (1, 2, 5 × 10^k); dated axes label ticks as
 * YYYY-MM-DD. Colours come from one fixed palette so the same series keeps
 * its colour across pages. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
				      "#9467bd", "#8c564b", "#e377c2", "#17becf"};
#define PALETTE_N (sizeof(palette) / sizeof(palette[0]))
#define BAR_LABEL_MAX 40 /* characters of a bar label before it is cut */

struct frame {
	double w, h, left, right, top, bottom; /* plot area inside the margins */
	double x0, x1, y0, y1; /* data range */
};

static double px(const struct frame *f, double x)
{
	return f->left + (f->x1 > f->x0 ? (x - f->x0) / (f->x1 - f->x0) : 0.5) * (f->right - f->left);
}

static double py(const struct frame *f, double y)
{
	return f->bottom - (f->y1 > f->y0 ? (y - f->y0) / (f->y1 - f->y0) : 0.5) * (f->bottom - f->top);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about `want` ticks. */
static double nice_step(double span, int want)
{
	double raw = span / want, mag, norm;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

static int open_svg(struct strbuf *out, const struct chart *c, struct frame *f)
{
	f->w = c->width > 0 ? c->width : 720;
	f->h = c->height > 0 ? c->height : 360;
	f->left = 64;
	f->right = f->w - 16;
	f->top = c->title ? 36 : 16;
	f->bottom = f->h - 48;
	if (strbuf_printf(out,
			  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
			  "%.0f\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">",
			  f->w, f->h, f->w, f->h))
		return -1;
	if (c->title) {
		strbuf_puts(out, "<title>");
		strbuf_xml_escape(out, c->title);
		strbuf_printf(out, "</title><text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", f->left);
		strbuf_xml_escape(out, c->title);
		strbuf_puts(out, "</text>");
	}
	return out->overflow ? -1 : 0;
}

/* Text at (x, y); cls names it for tests and styles ("axis-title"), or NULL. */
static void axis_text(struct strbuf *out, double x, double y, const char *text, const char *anchor, int rotate,
		      const char *cls)
{
	if (!text)
		return;
	if (cls)
		strbuf_printf(out, "<text class=\"%s\"", cls);
	else
		strbuf_puts(out, "<text");
	if (rotate)
		strbuf_printf(out, " x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" transform=\"rotate(-90 %.1f %.1f)\">", x,
			      y, anchor, x, y);
	else
		strbuf_printf(out, " x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	strbuf_xml_escape(out, text);
	strbuf_puts(out, "</text>");
}

/* Short labels: 1.2M, 45.3k, 4812, 812, 3.5, 0.42. */
static void format_value(char *buf, size_t n, double v)
{
	if (fabs(v) >= 1e6)
		snprintf(buf, n, "%.3gM", v / 1e6);
	else if (fabs(v) >= 1e4)
		snprintf(buf, n, "%.3gk", v / 1e3);
	else if (fabs(v) >= 100)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.3g", v);
}

static void draw_axes(struct strbuf *out, const struct chart *c, const struct frame *f, bool x_axis_numeric)
{
	double step = nice_step(f->y1 - f->y0, 5);
	char label[32];

	strbuf_printf(out, "<g stroke=\"#ccc\" stroke-width=\"1\">");
	for (double y = ceil(f->y0 / step) * step; y <= f->y1 + step * 1e-9; y += step)
		strbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f->left, py(f, y), f->right,
			      py(f, y));
	strbuf_puts(out, "</g><g text-anchor=\"end\" fill=\"#333\">");
	for (double y = ceil(f->y0 / step) * step; y <= f->y1 + step * 1e-9; y += step) {
		format_value(label, sizeof(label), fabs(y) < step * 1e-9 ? 0 : y);
		strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", f->left - 6, py(f, y) + 4, label);
	}
	strbuf_puts(out, "</g>");
	if (x_axis_numeric) {
		double xs = nice_step(f->x1 - f->x0, c->x_is_day ? 5 : 8);

		if (c->x_is_day && xs < 1)
			xs = 1;
		strbuf_puts(out, "<g text-anchor=\"middle\" fill=\"#333\">");
		for (double x = ceil(f->x0 / xs) * xs; x <= f->x1 + xs * 1e-9; x += xs) {
			if (c->x_is_day)
				time_format_day((int64_t)llround(x), label);
			else
				format_value(label, sizeof(label), x);
			strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", px(f, x), f->bottom + 16, label);
		}
		strbuf_puts(out, "</g>");
	}
	strbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", f->left, f->bottom,
		      f->right, f->bottom);
	axis_text(out, (f->left + f->right) / 2, f->h - 8, c->x_label, "middle", 0, "axis-title");
	axis_text(out, 14, (f->top + f->bottom) / 2, c->y_label, "middle", 1, "axis-title");
}

/* Appends the polyline points of one series; a step series holds each value
 * until the next x (right-continuous, as survival curves are). */
static void points(struct strbuf *out, const struct frame *f, const double *x, const double *y, size_t n, bool step)
{
	for (size_t i = 0; i < n; i++) {
		if (step && i > 0)
			strbuf_printf(out, "%.1f,%.1f ", px(f, x[i]), py(f, y[i - 1]));
		strbuf_printf(out, "%.1f,%.1f ", px(f, x[i]), py(f, y[i]));
	}
}

/* A dot per point whose <title> (a tooltip) names the series, x and y. */
static void point_tips(struct strbuf *out, const struct chart *c, const struct frame *f,
		       const struct chart_series *se, const char *colour)
{
	char x[32], y[32];

	strbuf_printf(out, "<g fill=\"%s\">", colour);
	for (size_t i = 0; i < se->n; i++) {
		if (c->x_is_day)
			time_format_day((int64_t)llround(se->x[i]), x);
		else
			format_value(x, sizeof(x), se->x[i]);
		if (c->fixed_decimals)
			snprintf(y, sizeof(y), "%.*f", c->decimals, se->y[i]);
		else
			format_value(y, sizeof(y), se->y[i]);
		strbuf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>", px(f, se->x[i]),
			      py(f, se->y[i]));
		if (se->label) {
			strbuf_xml_escape(out, se->label);
			strbuf_puts(out, ", ");
		}
		strbuf_printf(out, "%s: %s</title></circle>", x, y);
	}
	strbuf_puts(out, "</g>");
}

int chart_lines(struct strbuf *out, const struct chart *c, const struct chart_series *series, size_t n)
{
	struct frame f;
	bool any = false;

	if (open_svg(out, c, &f))
		return -1;
	f.x0 = f.y0 = INFINITY;
	f.x1 = f.y1 = -INFINITY;
	for (size_t s = 0; s < n; s++)
		for (size_t i = 0; i < series[s].n; i++) {
			double lo = series[s].lower ? series[s].lower[i] : series[s].y[i];
			double hi = series[s].upper ? series[s].upper[i] : series[s].y[i];

			any = true;
			f.x0 = fmin(f.x0, series[s].x[i]);
			f.x1 = fmax(f.x1, series[s].x[i]);
			f.y0 = fmin(f.y0, fmin(lo, series[s].y[i]));
			f.y1 = fmax(f.y1, fmax(hi, series[s].y[i]));
		}
	if (!any) {
		f.x0 = 0, f.x1 = 1, f.y0 = 0, f.y1 = 1;
	} else {
		if (f.y0 > 0)
			f.y0 = 0; /* counts and shares read honestly from zero */
		if (f.y1 <= f.y0)
			f.y1 = f.y0 + 1;
		f.y1 += nice_step(f.y1 - f.y0, 5) * 0.25;
	}
	if (c->y_min < c->y_max) {
		f.y0 = c->y_min;
		f.y1 = c->y_max;
	}
	draw_axes(out, c, &f, true);
	if (!any)
		axis_text(out, (f.left + f.right) / 2, (f.top + f.bottom) / 2, "no data", "middle", 0, NULL);
	for (size_t s = 0; s < n; s++) {
		const struct chart_series *se = &series[s];
		const char *colour = palette[s % PALETTE_N];

		if (se->n == 0)
			continue;
		if (se->lower && se->upper) {
			strbuf_printf(out, "<polygon fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" points=\"", colour);
			points(out, &f, se->x, se->upper, se->n, se->step);
			for (size_t i = se->n; i-- > 0;) {
				strbuf_printf(out, "%.1f,%.1f ", px(&f, se->x[i]), py(&f, se->lower[i]));
				if (se->step && i > 0)
					strbuf_printf(out, "%.1f,%.1f ", px(&f, se->x[i]), py(&f, se->lower[i - 1]));
			}
			strbuf_puts(out, "\"/>");
		}
		strbuf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour);
		points(out, &f, se->x, se->y, se->n, se->step);
		strbuf_puts(out, "\"/>");
		if (se->n <= CHART_TIP_POINTS)
			point_tips(out, c, &f, se, colour);
		if (se->label) {
			double ly = f.top + 14 + 16 * (double)s;

			strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>",
				      f.right - 150, ly - 9, colour);
			axis_text(out, f.right - 135, ly, se->label, "start", 0, NULL);
		}
	}
	strbuf_puts(out, "</svg>\n");
	return out->overflow ? -1 : 0;
}

int chart_bars(struct strbuf *out, const struct chart *c, const struct chart_bar *bars, size_t n)
{
	struct chart sized = *c;
	struct frame f;
	double bar_h = 18, gap = 6;

	if (sized.height <= 0)
		sized.height = (int)(80 + (double)n * (bar_h + gap));
	if (open_svg(out, &sized, &f))
		return -1;
	/* Room for the longest label (about 7 px a character at 12 px), at
	 * most half the width; longer labels are cut with an ellipsis. */
	size_t longest = 0;
	for (size_t i = 0; i < n; i++)
		if (bars[i].label && strlen(bars[i].label) > longest)
			longest = strlen(bars[i].label);
	if (longest > BAR_LABEL_MAX)
		longest = BAR_LABEL_MAX;
	f.left = fmin(fmax(7.0 * (double)longest + 16, 80), f.w / 2);
	f.right = f.w - 70; /* and for the value after the longest bar */
	f.y0 = 0;
	f.y1 = 1;
	f.x0 = 0;
	f.x1 = 0;
	for (size_t i = 0; i < n; i++)
		f.x1 = fmax(f.x1, bars[i].value);
	if (f.x1 <= 0)
		f.x1 = 1;
	f.x1 += nice_step(f.x1, 5) * 0.25;
	if (n == 0)
		axis_text(out, (f.left + f.right) / 2, (f.top + f.bottom) / 2, "no data", "middle", 0, NULL);
	for (size_t i = 0; i < n; i++) {
		double y = f.top + (double)i * (bar_h + gap);
		double w = px(&f, bars[i].value) - f.left;
		char value[32];

		char label[BAR_LABEL_MAX * 4 + 4];

		snprintf(label, sizeof(label), "%s", bars[i].label ? bars[i].label : "");
		if (strlen(label) > BAR_LABEL_MAX) {
			size_t cut = BAR_LABEL_MAX - 1;

			while (cut > 0 && ((unsigned char)label[cut] & 0xc0) == 0x80)
				cut--; /* never inside a UTF-8 sequence */
			memcpy(label + cut, "\xe2\x80\xa6", 4); /* "…" and NUL */
		}
		axis_text(out, f.left - 8, y + 13, label, "end", 0, NULL);
		if (c->fixed_decimals)
			snprintf(value, sizeof(value), "%.*f", c->decimals, bars[i].value);
		else
			format_value(value, sizeof(value), bars[i].value);
		strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
			      f.left, y, w > 0 ? w : 0, bar_h, palette[0]);
		strbuf_xml_escape(out, bars[i].label ? bars[i].label : "");
		strbuf_printf(out, ": %s</title></rect>", value);
		strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#333\">%s</text>", f.left + (w > 0 ? w : 0) + 4,
			      y + 13, value);
	}
	axis_text(out, (f.left + f.right) / 2, f.h - 8, c->x_label, "middle", 0, "axis-title");
	axis_text(out, 14, (f.top + f.bottom) / 2, c->y_label, "middle", 1, "axis-title");
	strbuf_puts(out, "</svg>\n");
	return out->overflow ? -1 : 0;
}
