#include "audit_creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define CREDS_MAX 4096

static int field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)dst[i] < 0x20)
			return -1;
	return 0;
}

int audit_creds_load_buf(struct audit_creds *c, const char *buf, size_t len, const char *name, struct err *err)
{
	size_t lineno = 0, cap = 0;
	const char *p = buf, *end = buf + len;

	memset(c, 0, sizeof(*c));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *t1, *t2;
		struct audit_cred cr;

		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || *p == '#')
			goto next;
		t1 = memchr(p, '\t', (size_t)(le - p));
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(le - t1 - 1)) : NULL;
		if (!t2 || t1 == p || t2 + 1 == le || field(cr.user, sizeof(cr.user), p, (size_t)(t1 - p)) ||
		    field(cr.pass, sizeof(cr.pass), t1 + 1, (size_t)(t2 - t1 - 1)) ||
		    field(cr.source, sizeof(cr.source), t2 + 1, (size_t)(le - t2 - 1))) {
			audit_creds_free(c);
			return err_set(err, "%s:%zu: want user<TAB>password<TAB>source (user and source not empty, "
					    "fields under 64/96 bytes)", name, lineno);
		}
		if (c->n == CREDS_MAX) {
			audit_creds_free(c);
			return err_set(err, "%s:%zu: more than %d credentials", name, lineno, CREDS_MAX);
		}
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->v = xrealloc(c->v, cap * sizeof(*c->v));
		}
		c->v[c->n++] = cr;
	next:
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int audit_creds_load(struct audit_creds *c, const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;
	int rc;

	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	if (len < 0 || len > (1 << 24)) {
		fclose(f);
		return err_set(err, "%s: not a regular file under 16 MiB", path);
	}
	buf = xmalloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return err_set(err, "%s: read error", path);
	}
	fclose(f);
	rc = audit_creds_load_buf(c, buf, (size_t)len, path, err);
	free(buf);
	return rc;
}

void audit_creds_free(struct audit_creds *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
