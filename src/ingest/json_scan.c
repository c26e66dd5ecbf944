/* json_scan.c - a few top-level fields of one JSON object, through jansson.
 *
 * jansson validates and decodes the line (RFC 8259, \u escapes and
 * surrogate pairs, its own nesting limit); this module only copies the
 * values of the wanted keys into the caller's arena, so the importer keeps
 * plain C strings with lengths and no jansson types. */
#include "json_scan.h"

#include <jansson.h>
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

static void take(struct json_field *f, json_t *v, char **arena)
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
		f->type = JS_NUMBER;
		f->num = json_real_value(v);
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

int json_scan_object(const char *s, size_t len, struct json_field *fields, size_t nfields, char *arena,
		     struct err *err)
{
	json_error_t jerr;
	json_t *o;

	for (size_t i = 0; i < nfields; i++) {
		const char *name = fields[i].name;

		memset(&fields[i], 0, sizeof(fields[i]));
		fields[i].name = name;
	}
	/* Passwords and commands may hold \u0000: keep them (with lengths). */
	o = json_loadb(s, len, JSON_ALLOW_NUL, &jerr);
	if (!o)
		return err_set(err, "column %d: %s", jerr.column, jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return err_set(err, "column 1: not a JSON object");
	}
	for (size_t i = 0; i < nfields; i++) {
		json_t *v = json_object_get(o, fields[i].name);

		if (v)
			take(&fields[i], v, &arena);
	}
	json_decref(o);
	return 0;
}
