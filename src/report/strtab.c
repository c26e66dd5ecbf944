/* strtab.c - FNV-1a hashing with linear probing, grown at half full. */
#include "strtab.h"

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

uint32_t strtab_intern(struct strtab *t, const char *s)
{
	size_t i;

	if (t->n * 2 >= t->nslots) {
		size_t ns = t->nslots ? t->nslots * 2 : 256;
		uint32_t *slots = xcalloc(ns, sizeof(*slots));

		for (size_t k = 0; k < t->n; k++) {
			for (i = hash(t->s[k]) & (ns - 1); slots[i]; i = (i + 1) & (ns - 1))
				;
			slots[i] = (uint32_t)k + 1;
		}
		free(t->slots);
		t->slots = slots;
		t->nslots = ns;
	}
	for (i = hash(s) & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
		if (strcmp(t->s[t->slots[i] - 1], s) == 0)
			return t->slots[i] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->s = xrealloc(t->s, t->cap * sizeof(*t->s));
	}
	t->s[t->n] = xstrdup(s);
	t->slots[i] = (uint32_t)t->n + 1;
	return (uint32_t)t->n++;
}

void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
