/* query.c - see query.h. A single pass over the bytes; nothing is
 * allocated, every write is bounded by the fixed sizes in struct query. */
#include "query.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "core/timeutil.h"

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int query_parse(const char *s, size_t len, struct query *q, struct err *err)
{
	size_t i = 0;

	q->n = 0;
	if (len > QUERY_MAX_LEN)
		return err_set(err, "query string too long (%zu bytes, at most %d)", len, QUERY_MAX_LEN);
	while (i < len) {
		struct query_param *p;
		size_t k = 0, v = 0, start = i;

		if (q->n == QUERY_MAX_PARAMS)
			return err_set(err, "too many parameters (at most %d)", QUERY_MAX_PARAMS);
		p = &q->p[q->n];
		while (i < len && s[i] != '=' && s[i] != '&') {
			if (!key_char(s[i]))
				return err_set(err, "byte %zu: parameter names are lowercase letters, digits and _",
					       i);
			if (k == QUERY_KEY_MAX)
				return err_set(err, "byte %zu: parameter name longer than %d bytes", start,
					       QUERY_KEY_MAX);
			p->key[k++] = s[i++];
		}
		if (k == 0)
			return err_set(err, "byte %zu: empty parameter name", start);
		p->key[k] = '\0';
		if (i == len || s[i] != '=')
			return err_set(err, "byte %zu: parameter \"%s\" has no '=' and value", i, p->key);
		i++;
		while (i < len && s[i] != '&') {
			int c = (unsigned char)s[i];

			if (c == '%') {
				int hi = i + 2 < len ? hex_value(s[i + 1]) : -1, lo = i + 2 < len ? hex_value(s[i + 2]) : -1;

				if (hi < 0 || lo < 0)
					return err_set(err, "byte %zu: bad percent escape in \"%s\"", i, p->key);
				c = hi * 16 + lo;
				i += 3;
			} else {
				if (c == '+')
					c = ' ';
				i++;
			}
			if (c < 0x20 || c > 0x7e)
				return err_set(err, "byte %zu: value of \"%s\" must be printable ASCII", i - 1,
					       p->key);
			if (v == QUERY_VALUE_MAX)
				return err_set(err, "value of \"%s\" longer than %d bytes", p->key, QUERY_VALUE_MAX);
			p->value[v++] = (char)c;
		}
		p->value[v] = '\0';
		for (size_t j = 0; j < q->n; j++)
			if (strcmp(q->p[j].key, p->key) == 0)
				return err_set(err, "parameter \"%s\" given twice", p->key);
		q->n++;
		if (i < len) {
			i++; /* '&' */
			if (i == len)
				return err_set(err, "byte %zu: query ends with '&'", i - 1);
		}
	}
	return 0;
}

static bool unreserved(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c == '~';
}

static bool all_digits(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v < '0' || *v > '9')
			return false;
	return true;
}

size_t query_canonical(const struct query *q, const char *const *allowed, char *out)
{
	static const char hexdigits[] = "0123456789ABCDEF";
	size_t n = 0;

	for (const char *const *a = allowed; *a; a++) {
		const char *v = query_get(q, *a);

		if (!v)
			continue;
		if (n)
			out[n++] = '&';
		n += (size_t)snprintf(out + n, QUERY_CANONICAL_MAX - n, "%s=", *a);
		if (all_digits(v))
			while (v[0] == '0' && v[1])
				v++;
		for (; *v; v++) {
			if (unreserved(*v)) {
				out[n++] = *v;
			} else {
				out[n++] = '%';
				out[n++] = hexdigits[(unsigned char)*v >> 4];
				out[n++] = hexdigits[*v & 15];
			}
		}
	}
	out[n] = '\0';
	return n;
}

const char *query_get(const struct query *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->p[i].key, key) == 0)
			return q->p[i].value;
	return NULL;
}

int query_only(const struct query *q, const char *const *allowed, struct err *err)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *const *a = allowed;

		while (*a && strcmp(*a, q->p[i].key) != 0)
			a++;
		if (!*a)
			return err_set(err, "unknown parameter \"%s\"", q->p[i].key);
	}
	return 0;
}

int query_day(const struct query *q, const char *key, int64_t *out, struct err *err)
{
	const char *v = query_get(q, key);

	if (!v)
		return 0;
	if (strlen(v) != 10 || time_parse_day(v, 10, out))
		return err_set(err, "parameter \"%s\": not a date (YYYY-MM-DD): \"%s\"", key, v);
	return 0;
}

int query_int(const struct query *q, const char *key, long min, long max, long *out, struct err *err)
{
	const char *v = query_get(q, key);
	long x = 0;

	if (!v)
		return 0;
	if (!*v || strlen(v) > 9)
		goto bad;
	for (const char *c = v; *c; c++) {
		if (*c < '0' || *c > '9')
			goto bad;
		x = x * 10 + (*c - '0');
	}
	if (x < min || x > max)
		goto bad;
	*out = x;
	return 0;
bad:
	return err_set(err, "parameter \"%s\": not a whole number from %ld to %ld: \"%s\"", key, min, max, v);
}

int query_choice(const struct query *q, const char *key, const char *choices, const char **out, struct err *err)
{
	const char *v = query_get(q, key), *c = choices;
	size_t n;

	if (!v)
		return 0;
	n = strlen(v);
	while (*c) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);

		if (len == n && n > 0 && memcmp(c, v, n) == 0) {
			*out = v;
			return 0;
		}
		c += len + (bar ? 1 : 0);
	}
	return err_set(err, "parameter \"%s\": must be one of %s, not \"%s\"", key, choices, v);
}
