/* json_scan.h - pulling a few top-level fields out of one JSON object line.
 *
 * Log importers read millions of lines of which they need a handful of
 * keys; building a full document tree for each line costs more than the
 * rest of the import. json_scan_object() validates the whole line as JSON
 * (RFC 8259: strings, escapes, numbers, literals, nesting up to
 * JSON_SCAN_DEPTH) but keeps only the values of the keys asked for.
 * Strings are unescaped (\uXXXX to UTF-8, surrogate pairs joined) into a
 * caller's arena of len + 1 bytes; nothing is allocated. A key given twice
 * keeps its last value. */
#ifndef IOTMON_JSON_SCAN_H
#define IOTMON_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define JSON_SCAN_DEPTH 64
#define JSON_SCAN_FIELDS_MAX 64

enum json_scan_type { JS_ABSENT, JS_STRING, JS_NUMBER, JS_TRUE, JS_FALSE, JS_NULL, JS_ARRAY, JS_OBJECT };

struct json_field {
	const char *name; /* in: the key */
	enum json_scan_type type; /* out */
	const char *str; /* JS_STRING: decoded text in the arena (NUL-terminated) */
	size_t len;
	double num; /* JS_NUMBER */
	bool is_int; /* JS_NUMBER without fraction or exponent */
	long long ival; /* JS_NUMBER when is_int (saturated) */
};

/* Parses the object in (s, len). fields[i].type is JS_ABSENT for keys not
 * present. arena must hold len + 1 bytes. Returns 0, or -1 with err
 * ("column N: reason") when the text is not one JSON object. */
int json_scan_object(const char *s, size_t len, struct json_field *fields, size_t nfields, char *arena,
		     struct err *err);

#endif
