/* table.h - one report table, written as a terminal table, CSV or JSON.
 *
 * A report fills columns and rows once and picks the output at the end:
 *   text  aligned columns (numbers right-aligned) with a header rule
 *   csv   RFC 4180, text quoted, numbers bare, CRLF
 *   json  an array of objects keyed by column name (numbers as numbers)
 * Cell text is copied; attacker text is safe in every form. */
#ifndef IOTMON_TABLE_H
#define IOTMON_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

enum table_type { TABLE_TEXT, TABLE_INT, TABLE_REAL };

struct table_column {
	const char *name;
	enum table_type type;
	int decimals; /* TABLE_REAL: digits after the point in text and CSV */
};

struct table;

struct table *table_new(const struct table_column *cols, size_t ncols);
void table_free(struct table *t);
/* Starts a row; then one table_text/int/real per column, in order. */
void table_row(struct table *t);
void table_text(struct table *t, const char *s);
void table_int(struct table *t, int64_t v);
void table_real(struct table *t, double v);
/* A missing value ("" in text and CSV, null in JSON). */
void table_null(struct table *t);
size_t table_rows(const struct table *t);

int table_write_text(const struct table *t, struct strbuf *out);
int table_write_csv(const struct table *t, struct strbuf *out);
int table_write_json(const struct table *t, struct strbuf *out);

#endif
