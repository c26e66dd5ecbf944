/* contacts.c - the abuse contacts file: parsed once, looked up by ASN. */
#include "contacts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/asn.h"
#include "core/csv.h"
#include "core/xalloc.h"

/* A contacts file beyond this is a mistake, not a table. */
#define CONTACTS_MAX_BYTES (64u << 20)
#define CONTACT_MAX 255

struct contact {
	uint32_t asn;
	size_t idx; /* line order */
	char *emails;
};

struct contacts {
	struct contact *v;
	size_t n, cap;
};

static int cmp_contact(const void *a, const void *b)
{
	const struct contact *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_asn(const void *a, const void *b)
{
	const struct contact *x = a, *y = b;

	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* A plain address: local@domain, printable ASCII, no separators that
 * could smuggle a second recipient or a header into a mail. */
bool contacts_valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || n > CONTACT_MAX)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 127 || strchr(",;<>()[]\\\"", *s))
			return false;
	return true;
}

bool contacts_valid_list(const char *list)
{
	char one[CONTACT_MAX + 1];

	if (!list || !*list)
		return false;
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t n = comma ? (size_t)(comma - list) : strlen(list);

		if (n == 0 || n > CONTACT_MAX)
			return false;
		memcpy(one, list, n);
		one[n] = '\0';
		if (!contacts_valid_email(one))
			return false;
		list += n + (comma != NULL);
		if (comma && !*list)
			return false;
	}
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

struct contacts *contacts_parse(const char *text, size_t len, const char *name, struct err *err)
{
	struct contacts *c = xcalloc(1, sizeof(*c));
	char *buf = NULL, *fields[CSV_MAX_FIELDS];
	size_t lineno = 0, pos = 0, bad;

	if (len > CONTACTS_MAX_BYTES) {
		err_set(err, "%s: larger than %u bytes", name, CONTACTS_MAX_BYTES);
		goto fail;
	}
	buf = xmalloc(len + 1);
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		char *asn_text, *email;
		uint32_t asn;
		int nf;

		pos += n + (nl != NULL);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', n)) {
			err_set(err, "%s:%zu: NUL byte", name, lineno);
			goto fail;
		}
		nf = csv_split(line, n, buf, fields, CSV_MAX_FIELDS, &bad);
		if (nf < 0) {
			err_set(err, "%s:%zu:%zu: bad CSV quoting", name, lineno, bad + 1);
			goto fail;
		}
		if (nf < 2) {
			err_set(err, "%s:%zu: expected asn,email", name, lineno);
			goto fail;
		}
		asn_text = trim(fields[0]);
		email = trim(fields[1]);
		if (asn_parse(asn_text, &asn) || asn == 0) {
			if (lineno == 1 && strcmp(asn_text, "asn") == 0)
				continue; /* the header */
			err_set(err, "%s:%zu: not an AS number: %.40s", name, lineno, asn_text);
			goto fail;
		}
		if (!contacts_valid_email(email)) {
			err_set(err, "%s:%zu: not a plain e-mail address: %.80s", name, lineno, email);
			goto fail;
		}
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
		}
		c->v[c->n].asn = asn;
		c->v[c->n].idx = c->n;
		c->v[c->n].emails = xstrdup(email);
		c->n++;
	}
	free(buf);
	buf = NULL;
	/* Several lines of one ASN merge in file order (idx breaks ties). */
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_contact);
	size_t out = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (out && c->v[out - 1].asn == c->v[i].asn) {
			struct contact *prev = &c->v[out - 1];
			size_t a = strlen(prev->emails), b = strlen(c->v[i].emails);

			if (a + 1 + b <= 4 * CONTACT_MAX) {
				prev->emails = xrealloc(prev->emails, a + b + 2);
				prev->emails[a] = ',';
				memcpy(prev->emails + a + 1, c->v[i].emails, b + 1);
			}
			free(c->v[i].emails);
			continue;
		}
		c->v[out++] = c->v[i];
	}
	c->n = out;
	return c;
fail:
	free(buf);
	contacts_free(c);
	return NULL;
}

struct contacts *contacts_load(const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct contacts *c;
	char *text;
	long size;

	if (!f) {
		err_set(err, "%s: cannot open", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		err_set(err, "%s: cannot read", path);
		return NULL;
	}
	if ((unsigned long)size > CONTACTS_MAX_BYTES) {
		fclose(f);
		err_set(err, "%s: larger than %u bytes", path, CONTACTS_MAX_BYTES);
		return NULL;
	}
	text = xmalloc((size_t)size + 1);
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(text);
		err_set(err, "%s: read error", path);
		return NULL;
	}
	fclose(f);
	c = contacts_parse(text, (size_t)size, path, err);
	free(text);
	return c;
}

void contacts_free(struct contacts *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].emails);
	free(c->v);
	free(c);
}

const char *contacts_find(const struct contacts *c, uint32_t asn)
{
	struct contact key = {.asn = asn}, *hit;

	if (!c || !c->n)
		return NULL;
	hit = bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_asn);
	return hit ? hit->emails : NULL;
}

size_t contacts_count(const struct contacts *c)
{
	return c ? c->n : 0;
}
