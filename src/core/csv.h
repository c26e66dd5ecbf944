/* csv.h - RFC 4180 fields: splitting one line, quoting one value.
 *
 * Small configuration tables (contacts, populations) are read line by line
 * with csv_split; every CSV writer (feeds, reports) quotes text through
 * csv_put_text so attacker strings can never add a column or a row. */
#ifndef IOTMON_CSV_H
#define IOTMON_CSV_H

#include <stddef.h>

#include "strbuf.h"

#define CSV_MAX_FIELDS 64

/* Splits (line, len) into at most max fields. Unquoted and quoted fields
 * ("a ""b"" c") are both accepted; the unescaped text is written into buf
 * (which needs len + 1 bytes) and fields[i] point into it, NUL-terminated.
 * Returns the number of fields, or -1 on a quote that is not closed, text
 * after a closing quote, or more than max fields (*bad_at gets the byte
 * offset of the problem, may be NULL). */
int csv_split(const char *line, size_t len, char *buf, char **fields, size_t max, size_t *bad_at);

/* Appends s as a quoted CSV field ("" doubled; CR and LF become spaces so a
 * value is always one physical line). NULL or "" appends "". */
int csv_put_text(struct strbuf *b, const char *s);

#endif
