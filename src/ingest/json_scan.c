/* json_scan.c - a validating single-pass JSON object scanner. */
#include "json_scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *p, *start, *end;
	const size_t *name_len; /* of the wanted keys */
	char *arena;
	size_t used;
	struct err *err;
};

static int fail(struct scan *sc, const char *why)
{
	return err_set(sc->err, "column %zu: %s", (size_t)(sc->p - sc->start) + 1, why);
}

static void ws(struct scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Appends code point cp as UTF-8 (at most 4 bytes; the \u escape that
 * produced it was at least 6). */
static void put_utf8(char *o, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		o[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*n)++] = (char)(0xc0 | cp >> 6);
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		o[(*n)++] = (char)(0xe0 | cp >> 12);
		o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		o[(*n)++] = (char)(0xf0 | cp >> 18);
		o[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* A string at sc->p (the opening quote). With keep, its decoded text goes
 * to the arena and *out / *outlen point at it. */
static int string(struct scan *sc, bool keep, const char **out, size_t *outlen)
{
	char *o = sc->arena + sc->used;
	size_t n = 0;

	sc->p++;
	for (;;) {
		const char *q = sc->p;

		/* Plain runs are copied at once. */
		while (q < sc->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		if (keep && q > sc->p) {
			memcpy(o + n, sc->p, (size_t)(q - sc->p));
			n += (size_t)(q - sc->p);
		}
		sc->p = q;
		if (sc->p >= sc->end)
			return fail(sc, "unterminated string");
		if (*sc->p == '"')
			break;
		if ((unsigned char)*sc->p < 0x20)
			return fail(sc, "control character in string");
		/* backslash */
		if (sc->end - sc->p < 2)
			return fail(sc, "unterminated escape");
		char c = sc->p[1], d;
		unsigned cp;

		sc->p += 2;
		switch (c) {
		case '"': d = '"'; break;
		case '\\': d = '\\'; break;
		case '/': d = '/'; break;
		case 'b': d = '\b'; break;
		case 'f': d = '\f'; break;
		case 'n': d = '\n'; break;
		case 'r': d = '\r'; break;
		case 't': d = '\t'; break;
		case 'u':
			if (sc->end - sc->p < 4 || hex4(sc->p, &cp))
				return fail(sc, "bad \\u escape");
			sc->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;

				if (sc->end - sc->p < 6 || sc->p[0] != '\\' || sc->p[1] != 'u' || hex4(sc->p + 2, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(sc, "unpaired surrogate");
				sc->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return fail(sc, "unpaired surrogate");
			}
			if (keep)
				put_utf8(o, &n, cp);
			continue;
		default:
			return fail(sc, "bad escape");
		}
		if (keep)
			o[n++] = d;
	}
	sc->p++; /* closing quote */
	if (keep) {
		o[n] = '\0';
		*out = o;
		*outlen = n;
		sc->used += n + 1;
	}
	return 0;
}

static int number(struct scan *sc, struct json_field *f)
{
	const char *b = sc->p;
	bool integer = true;

	if (sc->p < sc->end && *sc->p == '-')
		sc->p++;
	if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
		return fail(sc, "bad number");
	if (*sc->p == '0')
		sc->p++;
	else
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	if (sc->p < sc->end && *sc->p == '.') {
		integer = false;
		sc->p++;
		if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
			return fail(sc, "bad number");
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		integer = false;
		sc->p++;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
			return fail(sc, "bad number");
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	}
	if (f) {
		char buf[64];
		size_t n = (size_t)(sc->p - b);

		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, b, n);
		buf[n] = '\0';
		f->type = JS_NUMBER;
		f->num = strtod(buf, NULL);
		f->is_int = integer;
		f->ival = integer ? strtoll(buf, NULL, 10) : (long long)f->num;
	}
	return 0;
}

static int value(struct scan *sc, struct json_field *f, int depth);

static int literal(struct scan *sc, const char *word, enum json_scan_type t, struct json_field *f)
{
	size_t n = strlen(word);

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return fail(sc, "invalid token");
	sc->p += n;
	if (f)
		f->type = t;
	return 0;
}

/* An object or array, skipped (validated) when f is NULL or not kept. */
static int members(struct scan *sc, struct json_field *fields, size_t nfields, int depth)
{
	bool obj = *sc->p == '{';
	char close = obj ? '}' : ']';

	if (depth > JSON_SCAN_DEPTH)
		return fail(sc, "nested too deeply");
	sc->p++;
	ws(sc);
	if (sc->p < sc->end && *sc->p == close) {
		sc->p++;
		return 0;
	}
	for (;;) {
		struct json_field *f = NULL;

		ws(sc);
		if (obj) {
			const char *key;
			size_t klen, mark = sc->used;

			if (sc->p >= sc->end || *sc->p != '"')
				return fail(sc, "expected a key");
			if (string(sc, nfields > 0, &key, &klen))
				return -1;
			for (size_t i = 0; i < nfields; i++)
				if (sc->name_len[i] == klen && fields[i].name[0] == key[0] &&
				    memcmp(fields[i].name, key, klen) == 0)
					f = &fields[i];
			sc->used = mark; /* keys need no storage */
			ws(sc);
			if (sc->p >= sc->end || *sc->p != ':')
				return fail(sc, "expected ':'");
			sc->p++;
			ws(sc);
		}
		if (value(sc, f, depth + 1))
			return -1;
		ws(sc);
		if (sc->p >= sc->end)
			return fail(sc, "unexpected end");
		if (*sc->p == ',') {
			sc->p++;
			continue;
		}
		if (*sc->p == close) {
			sc->p++;
			return 0;
		}
		return fail(sc, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int value(struct scan *sc, struct json_field *f, int depth)
{
	if (sc->p >= sc->end)
		return fail(sc, "expected a value");
	switch (*sc->p) {
	case '"':
		if (f) {
			f->type = JS_STRING;
			return string(sc, true, &f->str, &f->len);
		}
		return string(sc, false, NULL, NULL);
	case '{':
	case '[':
		if (f)
			f->type = *sc->p == '{' ? JS_OBJECT : JS_ARRAY;
		return members(sc, NULL, 0, depth);
	case 't':
		return literal(sc, "true", JS_TRUE, f);
	case 'f':
		return literal(sc, "false", JS_FALSE, f);
	case 'n':
		return literal(sc, "null", JS_NULL, f);
	default:
		return number(sc, f);
	}
}

int json_scan_object(const char *s, size_t len, struct json_field *fields, size_t nfields, char *arena,
		     struct err *err)
{
	struct scan sc = {.p = s, .start = s, .end = s + len, .arena = arena, .err = err};
	size_t name_len[JSON_SCAN_FIELDS_MAX];

	if (nfields > JSON_SCAN_FIELDS_MAX)
		return err_set(err, "too many fields asked for");
	sc.name_len = name_len;
	for (size_t i = 0; i < nfields; i++) {
		name_len[i] = strlen(fields[i].name);
		fields[i].type = JS_ABSENT;
		fields[i].str = NULL;
		fields[i].len = 0;
	}
	ws(&sc);
	if (sc.p >= sc.end || *sc.p != '{')
		return fail(&sc, "not a JSON object");
	if (members(&sc, fields, nfields, 1))
		return -1;
	ws(&sc);
	if (sc.p != sc.end)
		return fail(&sc, "text after the object");
	return 0;
}
