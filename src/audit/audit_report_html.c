#include <stdlib.h>
#include <string.h>

#include "audit_report.h"
#include "core/strbuf.h"

static const char *const colours[] = {"#bbbbbb", "#2e7d32", "#f9a825", "#c62828"};

/* The SVG summary: per test, a bar split into the devices' verdicts. */
static void svg_summary(struct strbuf *b, const struct audit_lab *lab)
{
	const int w = 420, row = 22, left = 190;

	strbuf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
			 "aria-label=\"verdicts per test\">\n", left + w + 10, row * (AT_COUNT + 1) + 10);
	for (int t = 0; t < AT_COUNT; t++) {
		size_t count[4] = {0};
		double x = left;

		for (size_t i = 0; i < lab->n; i++)
			count[audit_device_verdict(&lab->devices[i], (enum audit_test)t)]++;
		strbuf_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"13\">%s</text>\n", row * t + 16, audit_tests[t].id);
		for (int v = AUDIT_FAIL; v >= AUDIT_NA; v--) {
			double bw = lab->n ? (double)w * (double)count[v] / (double)lab->n : 0;

			if (!count[v])
				continue;
			strbuf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
					 "<title>%zu %s</title></rect>\n",
				      x, row * t + 3, bw, row - 6, colours[v], count[v], audit_verdict_name((enum audit_verdict)v));
			x += bw;
		}
	}
	for (int v = AUDIT_FAIL, x = left; v >= AUDIT_NA; v--, x += 105)
		strbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
				 "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n",
			      x, row * AT_COUNT + 6, colours[v], x + 16, row * AT_COUNT + 16,
			      audit_verdict_name((enum audit_verdict)v));
	strbuf_puts(b, "</svg>\n");
}

static void verdict_cell(struct strbuf *b, enum audit_verdict v)
{
	strbuf_printf(b, "<td class=\"%s\">%s</td>", audit_verdict_name(v), audit_verdict_name(v));
}

int audit_report_html(FILE *out, const struct audit_lab *lab)
{
	struct strbuf b;
	char label[128];
	int rc;

	strbuf_init(&b, 0);
	strbuf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<title>iotmon audit: report card</title><style>"
			"body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
			"td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
			".fail{background:#ffcdd2}.pass{background:#c8e6c9}.inconclusive{background:#fff9c4}"
			".not-applicable{color:#777}</style></head><body>\n<h1>Security baseline audit</h1>\n");
	strbuf_puts(&b, "<h2>Summary</h2>\n");
	svg_summary(&b, lab);
	strbuf_puts(&b, "<h2>Lab comparison</h2>\n<table><tr><th>device</th>");
	for (int t = 0; t < AT_COUNT; t++)
		strbuf_printf(&b, "<th>%s</th>", audit_tests[t].id);
	strbuf_puts(&b, "</tr>\n");
	for (size_t i = 0; i < lab->n; i++) {
		audit_device_label(&lab->devices[i], label, sizeof(label));
		strbuf_puts(&b, "<tr><td>");
		strbuf_xml_escape(&b, label);
		strbuf_puts(&b, "</td>");
		for (int t = 0; t < AT_COUNT; t++)
			verdict_cell(&b, audit_device_verdict(&lab->devices[i], (enum audit_test)t));
		strbuf_puts(&b, "</tr>\n");
	}
	strbuf_puts(&b, "</table>\n");
	for (size_t i = 0; i < lab->n; i++) {
		const struct audit_device *d = &lab->devices[i];

		audit_device_label(d, label, sizeof(label));
		strbuf_puts(&b, "<h2>");
		strbuf_xml_escape(&b, label);
		strbuf_puts(&b, " ");
		strbuf_xml_escape(&b, d->vendor);
		strbuf_puts(&b, " ");
		strbuf_xml_escape(&b, d->model);
		strbuf_puts(&b, "</h2>\n<table><tr><th>provision</th><th>test</th><th>verdict</th></tr>\n");
		for (int t = 0; t < AT_COUNT; t++)
			for (int k = 0; audit_tests[t].provisions[k]; k++) {
				strbuf_printf(&b, "<tr><td>%s</td><td>%s</td>", audit_tests[t].provisions[k], audit_tests[t].id);
				verdict_cell(&b, audit_device_verdict(d, (enum audit_test)t));
				strbuf_puts(&b, "</tr>\n");
			}
		strbuf_puts(&b, "</table>\n<table><tr><th>test</th><th>service</th><th>verdict</th><th>evidence</th></tr>\n");
		for (size_t j = 0; j < d->nfindings; j++) {
			const struct audit_finding *f = &d->findings[j];

			strbuf_printf(&b, "<tr><td>%s</td><td>", audit_tests[f->test].id);
			strbuf_xml_escape(&b, f->service);
			strbuf_puts(&b, "</td>");
			verdict_cell(&b, f->verdict);
			strbuf_puts(&b, "<td>");
			strbuf_xml_escape(&b, f->evidence);
			strbuf_puts(&b, "</td></tr>\n");
		}
		strbuf_puts(&b, "</table>\n");
	}
	strbuf_puts(&b, "</body></html>\n");
	rc = b.overflow || fwrite(b.data, 1, b.len, out) != b.len ? -1 : 0;
	strbuf_free(&b);
	return rc;
}
