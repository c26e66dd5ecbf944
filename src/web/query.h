/* query.h - the strict parser for URL query strings of the web server.
 *
 * Everything a client puts after '?' passes through here before any handler
 * sees it. The grammar is deliberately narrow: KEY=VALUE pairs joined by
 * '&'; keys are 1-32 bytes of [a-z0-9_] written literally; values are
 * percent-decoded ('+' is a space) and must decode to printable ASCII
 * (0x20-0x7e), at most 256 bytes; at most 16 pairs, 2048 bytes in all; a key
 * may appear once. Anything else is an error with a message saying what and
 * where, which the server returns as a 400. */
#ifndef IOTMON_WEB_QUERY_H
#define IOTMON_WEB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define QUERY_MAX_LEN 2048
#define QUERY_MAX_PARAMS 16
#define QUERY_KEY_MAX 32
#define QUERY_VALUE_MAX 256

struct query_param {
	char key[QUERY_KEY_MAX + 1];
	char value[QUERY_VALUE_MAX + 1]; /* decoded, NUL-terminated */
};

struct query {
	struct query_param p[QUERY_MAX_PARAMS];
	size_t n;
};

/* Parses the len bytes of s (without the '?'); an empty string is an empty
 * query. Returns 0, or -1 with err naming the byte offset. */
int query_parse(const char *s, size_t len, struct query *q, struct err *err);
/* The decoded value of key, or NULL when absent. */
const char *query_get(const struct query *q, const char *key);
/* Fails (naming the key) when q has a key not in allowed (NULL-terminated). */
int query_only(const struct query *q, const char *const *allowed, struct err *err);

/* The longest text query_canonical writes (with its NUL). */
#define QUERY_CANONICAL_MAX (QUERY_MAX_PARAMS * (QUERY_KEY_MAX + 2 + 3 * QUERY_VALUE_MAX) + 1)
/* Writes q's parameters in the order of allowed (NULL-terminated; keys not
 * in it are left out) as KEY=VALUE joined by '&', each value
 * percent-encoded except [A-Za-z0-9-._~], and a value of digits only
 * without its leading zeros (query_int reads "007" as 7): every spelling of
 * one request gives one text, the page cache's key. out holds
 * QUERY_CANONICAL_MAX bytes; returns the length. */
size_t query_canonical(const struct query *q, const char *const *allowed, char *out);

/* Typed getters for the values handlers take. Each returns 0 and leaves *out
 * alone when the key is absent, sets *out when valid, and fails with a
 * message naming the key otherwise. */
int query_day(const struct query *q, const char *key, int64_t *out, struct err *err);
int query_int(const struct query *q, const char *key, long min, long max, long *out, struct err *err);
/* value must be one of choices ("csv|json"); *out points into choices' copy
 * in q (the value itself). */
int query_choice(const struct query *q, const char *key, const char *choices, const char **out, struct err *err);

#endif
