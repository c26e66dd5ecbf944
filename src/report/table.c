/* table.c - cells kept as text plus a number, written three ways. */
#include "table.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/xalloc.h"

struct cell {
	char *text; /* NULL: missing */
	double num;
};

struct table {
	struct table_column *cols;
	size_t ncols;
	struct cell *cells;
	size_t ncells, cap;
};

struct table *table_new(const struct table_column *cols, size_t ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->cols = xmalloc(ncols * sizeof(*cols));
	memcpy(t->cols, cols, ncols * sizeof(*cols));
	t->ncols = ncols;
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i].text);
	free(t->cells);
	free(t->cols);
	free(t);
}

void table_row(struct table *t)
{
	/* Pads an unfinished row so columns never shift. */
	while (t->ncells % t->ncols)
		table_null(t);
}

static void push(struct table *t, char *text, double num)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	t->cells[t->ncells].text = text;
	t->cells[t->ncells].num = num;
	t->ncells++;
}

void table_text(struct table *t, const char *s)
{
	push(t, xstrdup(s ? s : ""), 0);
}

void table_int(struct table *t, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	push(t, xstrdup(buf), (double)v);
}

void table_real(struct table *t, double v)
{
	const struct table_column *c = &t->cols[t->ncells % t->ncols];
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", c->decimals, v);
	push(t, xstrdup(buf), v);
}

void table_null(struct table *t)
{
	push(t, NULL, 0);
}

size_t table_rows(const struct table *t)
{
	return (t->ncells + t->ncols - 1) / t->ncols;
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static int pad(struct strbuf *b, size_t n)
{
	static const char spaces[] = "                                ";

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		if (strbuf_append(b, spaces, k))
			return -1;
		n -= k;
	}
	return 0;
}

static int text_line(const struct table *t, const size_t *w, const char *const *cells, struct strbuf *out)
{
	int rc = 0;

	for (size_t c = 0; c < t->ncols && !rc; c++) {
		const char *s = cells[c] ? cells[c] : "";
		size_t k = width(s);
		bool last = c + 1 == t->ncols;

		if (c)
			rc = strbuf_append(out, "  ", 2);
		if (t->cols[c].type != TABLE_TEXT)
			rc = rc || pad(out, w[c] - k) || strbuf_puts(out, s);
		else
			rc = rc || strbuf_puts(out, s) || (!last && pad(out, w[c] - k));
	}
	return rc || strbuf_append(out, "\n", 1) ? -1 : 0;
}

int table_write_text(const struct table *t, struct strbuf *out)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w)), rows = table_rows(t);
	const char **line = xcalloc(t->ncols, sizeof(*line));
	int rc = 0;

	for (size_t c = 0; c < t->ncols; c++)
		w[c] = width(t->cols[c].name);
	for (size_t i = 0; i < t->ncells; i++) {
		size_t k = width(t->cells[i].text);

		if (k > w[i % t->ncols])
			w[i % t->ncols] = k;
	}
	for (size_t c = 0; c < t->ncols; c++)
		line[c] = t->cols[c].name;
	rc = text_line(t, w, line, out);
	for (size_t c = 0; c < t->ncols && !rc; c++) {
		rc = c ? strbuf_append(out, "  ", 2) : 0;
		for (size_t k = 0; k < w[c] && !rc; k++)
			rc = strbuf_append(out, "-", 1);
	}
	rc = rc || strbuf_append(out, "\n", 1);
	for (size_t r = 0; r < rows && !rc; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			line[c] = r * t->ncols + c < t->ncells ? t->cells[r * t->ncols + c].text : NULL;
		rc = text_line(t, w, line, out);
	}
	free(line);
	free(w);
	return rc ? -1 : 0;
}

int table_write_csv(const struct table *t, struct strbuf *out)
{
	int rc = 0;

	for (size_t c = 0; c < t->ncols && !rc; c++)
		rc = (c && strbuf_append(out, ",", 1)) || strbuf_puts(out, t->cols[c].name);
	rc = rc || strbuf_append(out, "\r\n", 2);
	for (size_t i = 0; i < t->ncells && !rc; i++) {
		const struct cell *cell = &t->cells[i];
		size_t c = i % t->ncols;

		if (c)
			rc = strbuf_append(out, ",", 1);
		if (!rc && cell->text)
			rc = t->cols[c].type == TABLE_TEXT ? csv_put_text(out, cell->text) : strbuf_puts(out, cell->text);
		if (!rc && c + 1 == t->ncols)
			rc = strbuf_append(out, "\r\n", 2);
	}
	return rc ? -1 : 0;
}

int table_write_json(const struct table *t, struct strbuf *out)
{
	json_t *a = json_array(), *row = NULL;
	char *text;
	int rc;

	for (size_t i = 0; i < t->ncells; i++) {
		const struct cell *cell = &t->cells[i];
		const struct table_column *col = &t->cols[i % t->ncols];
		json_t *v;

		if (i % t->ncols == 0) {
			row = json_object();
			json_array_append_new(a, row);
		}
		if (!cell->text)
			v = json_null();
		else if (col->type == TABLE_INT)
			v = json_integer((json_int_t)cell->num);
		else if (col->type == TABLE_REAL)
			v = json_real(cell->num);
		else
			v = json_string(cell->text);
		if (!v)
			v = json_null(); /* not UTF-8: never produced by iotmon's own data */
		json_object_set_new(row, col->name, v);
	}
	text = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(a);
	if (!text)
		return -1;
	rc = strbuf_puts(out, text);
	free(text);
	return rc;
}
