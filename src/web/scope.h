/* scope.h - what a public page shows: its period and drill-down filter,
 * from the query, and the pieces of HTML that let a reader change them
 * (preset links, a plain GET form, the filter line, data links).
 *
 * Query keys: period=24h|7d|30d|90d|all, or from=YYYY-MM-DD and/or
 * to=YYYY-MM-DD (days=N: the last N days up to `to`); cc=XX, asn=N,
 * family=NAME narrow the figures; format=csv|json returns the page's table
 * instead of HTML. Windows never start before the data; an open end leaves
 * out today's partial day (said on the page). Every link a page makes
 * carries the resolved from/to, so a drill-down keeps its period. */
#ifndef IOTMON_WEB_SCOPE_H
#define IOTMON_WEB_SCOPE_H

#include <stdbool.h>

#include "analysis/figures.h"
#include "core/strbuf.h"
#include "report/table.h"
#include "web/handler.h"

/* The query keys of a page with a scope (for the router). */
extern const char *const scope_params[];

struct page_scope {
	const char *path;
	struct figures_period p;
	const char *format; /* NULL: HTML; "csv" or "json" */
};

/* 0, or -1 with a 400 (or 500) already in r. def_days: the window without
 * any period key. */
int scope_parse(const struct web_request *rq, struct web_response *r, const char *path, int def_days,
		struct page_scope *sc);

/* Writes href="PATH?from=..&to=..[filter][&key=value]" (attribute included).
 * keep_filter false: the link drops the current filter. */
void scope_href(struct strbuf *b, const char *path, const struct page_scope *sc, bool keep_filter, const char *key,
		const char *value);

/* The period line, preset links, the from/to form, the partial-day note
 * and the filter line (with a link that clears it). */
void scope_controls(struct strbuf *b, const struct page_scope *sc);

/* "Data: CSV JSON" links for the page's table. */
void scope_data_links(struct strbuf *b, const struct page_scope *sc);

/* When a format was asked for, writes t in it into r and returns true. */
bool scope_data(const struct page_scope *sc, const struct table *t, struct web_response *r);

#endif
