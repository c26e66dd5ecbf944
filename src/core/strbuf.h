/* strbuf.h - a growable text buffer with a ceiling.
 *
 * Every writer that builds text (JSON, CSV, SVG, HTTP answers) appends here.
 * The ceiling is set at creation: an append past it fails, sets `overflow`
 * and leaves the contents as they were before that append, so hostile or
 * runaway input can never grow memory without bound. */
#ifndef IOTMON_STRBUF_H
#define IOTMON_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data; /* always NUL-terminated when len > 0 or after init */
	size_t len, cap, max;
	bool overflow;
};

/* max: largest length allowed (0 means 64 MiB). */
void strbuf_init(struct strbuf *b, size_t max);
void strbuf_free(struct strbuf *b);
void strbuf_reset(struct strbuf *b);
/* Each returns 0, or -1 (and sets overflow) when the ceiling would pass. */
int strbuf_append(struct strbuf *b, const char *s, size_t n);
int strbuf_puts(struct strbuf *b, const char *s);
int strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for XML/HTML text and attributes. */
int strbuf_xml_escape(struct strbuf *b, const char *s);
/* Hands the text to the caller (malloc'ed) and resets b. */
char *strbuf_take(struct strbuf *b);

#endif
