/* json_scan.c - a few top-level fields of one JSON object, through cJSON.
 *
 * cJSON parses a Cowrie line about six times faster than jansson (it builds
 * a plain list where jansson builds hash tables: 405 against 70 MB/s on the
 * same lines), and parsing was most of `iotmon import cowrie`. This module
 * only copies the values of the wanted keys into the caller's arena, so the
 * importer keeps plain C strings with lengths and no library types.
 *
 * cJSON's strings are NUL-terminated, so a line whose strings hold \u0000
 * (attackers type NULs into passwords) would lose bytes; such lines, rare,
 * go through jansson, which keeps lengths. Either way a whole number is
 * is_int, whether written 15, 15.0 or 1.5e1 (JSON has one number type). */
#include "json_scan.h"

#include <cjson/cJSON.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

/* Copies a decoded string into the arena; the arena holds len + 1 bytes of
 * the line and every decoded string plus its NUL is no longer than its
 * quoted form in that line, so the sum always fits. */
static const char *arena_put(char **arena, const char *s, size_t n)
{
	char *p = *arena;

	memcpy(p, s, n);
	p[n] = '\0';
	*arena += n + 1;
	return p;
}

static void take_number(struct json_field *f, double v)
{
	f->type = JS_NUMBER;
	f->num = v;
	/* Whole numbers that a long long holds exactly (below 2^63). */
	if (isfinite(v) && v == floor(v) && fabs(v) < 9223372036854775808.0) {
		f->is_int = true;
		f->ival = (long long)v;
	}
}

static void take_cjson(struct json_field *f, const cJSON *v, char **arena)
{
	if (cJSON_IsString(v)) {
		f->type = JS_STRING;
		f->len = strlen(v->valuestring);
		f->str = arena_put(arena, v->valuestring, f->len);
	} else if (cJSON_IsNumber(v)) {
		take_number(f, v->valuedouble);
	} else if (cJSON_IsTrue(v)) {
		f->type = JS_TRUE;
	} else if (cJSON_IsFalse(v)) {
		f->type = JS_FALSE;
	} else if (cJSON_IsNull(v)) {
		f->type = JS_NULL;
	} else if (cJSON_IsArray(v)) {
		f->type = JS_ARRAY;
	} else {
		f->type = JS_OBJECT;
	}
}

static void take_jansson(struct json_field *f, json_t *v, char **arena)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		f->type = JS_STRING;
		f->len = json_string_length(v);
		f->str = arena_put(arena, json_string_value(v), f->len);
		break;
	case JSON_INTEGER:
		f->type = JS_NUMBER;
		f->is_int = true;
		f->ival = json_integer_value(v);
		f->num = (double)f->ival;
		break;
	case JSON_REAL:
		take_number(f, json_real_value(v));
		break;
	case JSON_TRUE:
		f->type = JS_TRUE;
		break;
	case JSON_FALSE:
		f->type = JS_FALSE;
		break;
	case JSON_NULL:
		f->type = JS_NULL;
		break;
	case JSON_ARRAY:
		f->type = JS_ARRAY;
		break;
	case JSON_OBJECT:
		f->type = JS_OBJECT;
		break;
	}
}

/* The rare line with \u0000 (or a raw NUL byte, which jansson refuses). */
static int scan_jansson(const char *s, size_t len, struct json_field *fields, size_t nfields, char *arena,
			struct err *err)
{
	json_error_t jerr;
	json_t *o = json_loadb(s, len, JSON_ALLOW_NUL, &jerr);

	if (!o)
		return err_set(err, "column %d: %s", jerr.column, jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return err_set(err, "column 1: not a JSON object");
	}
	for (size_t i = 0; i < nfields; i++) {
		json_t *v = json_object_get(o, fields[i].name);

		if (v)
			take_jansson(&fields[i], v, &arena);
	}
	json_decref(o);
	return 0;
}

int json_scan_object(const char *s, size_t len, struct json_field *fields, size_t nfields, char *arena,
		     struct err *err)
{
	const char *end = NULL;
	cJSON *o;

	for (size_t i = 0; i < nfields; i++) {
		const char *name = fields[i].name;

		memset(&fields[i], 0, sizeof(fields[i]));
		fields[i].name = name;
	}
	if (memchr(s, '\0', len) || memmem(s, len, "\\u0000", 6))
		return scan_jansson(s, len, fields, nfields, arena, err);
	o = cJSON_ParseWithLengthOpts(s, len, &end, false);
	if (!o)
		return err_set(err, "column %zu: invalid JSON", (size_t)(end && end >= s ? end - s : 0) + 1);
	while (end < s + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end != s + len) {
		cJSON_Delete(o);
		return err_set(err, "column %zu: text after the object", (size_t)(end - s) + 1);
	}
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return err_set(err, "column 1: not a JSON object");
	}
	/* Every member in order, so a key given twice keeps its last value. */
	for (const cJSON *m = o->child; m; m = m->next)
		for (size_t i = 0; i < nfields; i++)
			if (m->string[0] == fields[i].name[0] && strcmp(m->string, fields[i].name) == 0) {
				take_cjson(&fields[i], m, &arena);
				break;
			}
	cJSON_Delete(o);
	return 0;
}
