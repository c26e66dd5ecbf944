/* worldmap.c - see worldmap.h. */
#include "web/worldmap.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '<' || s[i] == '>' || s[i] == '&' ||
		    s[i] == '"')
			return false;
	return true;
}

static bool path_ok(const char *s, size_t n)
{
	if (n == 0 || n > WORLDMAP_PATH_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("MLZ0123456789.,-", s[i]) || !s[i])
			return false;
	return true;
}

struct worldmap *worldmap_parse(const char *text, size_t len, const char *name, struct err *err)
{
	struct worldmap *m = xcalloc(1, sizeof(*m));
	size_t line = 0;

	if (len > WORLDMAP_FILE_MAX) {
		err_set(err, "%s: larger than %zu bytes", name, WORLDMAP_FILE_MAX);
		goto bad;
	}
	for (size_t pos = 0; pos < len;) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos), *t1, *t2;
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		struct worldmap_country *c;

		pos += n + 1;
		line++;
		if (n == 0 || s[0] == '#')
			continue;
		t1 = memchr(s, '\t', n);
		t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s)) : NULL;
		if (!t2 || t1 - s != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
			err_set(err, "%s:%zu: not CC<TAB>name<TAB>path", name, line);
			goto bad;
		}
		if (!name_ok(t1 + 1, (size_t)(t2 - t1 - 1)) || !path_ok(t2 + 1, n - (size_t)(t2 + 1 - s))) {
			err_set(err, "%s:%zu: bad country name or path data", name, line);
			goto bad;
		}
		if (m->n == WORLDMAP_MAX) {
			err_set(err, "%s:%zu: more than %d countries", name, line, WORLDMAP_MAX);
			goto bad;
		}
		if (!m->v)
			m->v = xcalloc(WORLDMAP_MAX, sizeof(*m->v));
		c = &m->v[m->n++];
		memcpy(c->cc, s, 2);
		snprintf(c->name, sizeof(c->name), "%.*s", (int)(t2 - t1 - 1), t1 + 1);
		c->path = xmalloc(n - (size_t)(t2 + 1 - s) + 1);
		memcpy(c->path, t2 + 1, n - (size_t)(t2 + 1 - s));
		c->path[n - (size_t)(t2 + 1 - s)] = '\0';
	}
	if (m->n == 0) {
		err_set(err, "%s: no countries", name);
		goto bad;
	}
	return m;
bad:
	worldmap_free(m);
	return NULL;
}

struct worldmap *worldmap_load(const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	struct worldmap *m;

	if (!f) {
		err_set(err, "%s: cannot open", path);
		return NULL;
	}
	buf = xmalloc(WORLDMAP_FILE_MAX + 1);
	n = fread(buf, 1, WORLDMAP_FILE_MAX + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		err_set(err, "%s: read error", path);
		return NULL;
	}
	fclose(f);
	m = worldmap_parse(buf, n, path, err);
	free(buf);
	return m;
}

void worldmap_free(struct worldmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
}
