/* json_scan.h - pulling a few top-level fields out of one JSON object line.
 *
 * Log importers need a handful of keys from each line. json_scan_object()
 * parses the line with cJSON (jansson for the rare line with \u0000; see
 * json_scan.c) and hands back just the values of the keys asked for, as
 * plain C data: strings decoded into a caller's arena of len + 1 bytes. A
 * key given twice keeps its last value. */
#ifndef IOTMON_JSON_SCAN_H
#define IOTMON_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"


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
