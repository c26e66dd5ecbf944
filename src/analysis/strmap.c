/* strmap.c - open addressing with linear probing, FNV-1a hashes. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t slot(const struct strmap *m, const char *key)
{
	size_t i = (size_t)hash(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

size_t strmap_get(const struct strmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return STRMAP_NONE;
	i = slot(m, key);
	return m->keys[i] ? m->vals[i] : STRMAP_NONE;
}

static void grow(struct strmap *m)
{
	struct strmap n = {.cap = m->cap ? m->cap * 2 : 64};

	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = slot(&n, m->keys[i]);

			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
		}
	n.len = m->len;
	free(m->keys);
	free(m->vals);
	*m = n;
}

void strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	i = slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = xstrdup(key);
		m->len++;
	}
	m->vals[i] = val;
}
