/* treatment.c - stratified, seeded block assignment. */
#include "treatment.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

uint64_t treatment_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias. */
static uint64_t below(uint64_t *s, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, r;

	do
		r = treatment_rng_next(s);
	while (r >= limit);
	return r % n;
}

static int by_stratum_unit(const void *a, const void *b)
{
	const struct assign_unit *x = a, *y = b;
	int c = strcmp(x->stratum, y->stratum);

	return c ? c : strcmp(x->unit, y->unit);
}

void treatment_assign(struct assign_unit *units, size_t n, size_t ngroups, uint64_t seed)
{
	if (!n || !ngroups)
		return;
	qsort(units, n, sizeof(*units), by_stratum_unit);
	for (size_t lo = 0; lo < n;) {
		size_t hi = lo + 1, *order, m;
		uint64_t state = seed, start;

		while (hi < n && strcmp(units[hi].stratum, units[lo].stratum) == 0)
			hi++;
		m = hi - lo;
		/* The stratum's own stream: FNV-1a of its name mixed into the seed. */
		for (const char *p = units[lo].stratum; *p; p++)
			state = (state ^ (unsigned char)*p) * 1099511628211ULL;
		treatment_rng_next(&state);
		order = xmalloc(m * sizeof(*order));
		for (size_t i = 0; i < m; i++)
			order[i] = i;
		for (size_t i = m - 1; i > 0; i--) { /* Fisher–Yates */
			size_t j = (size_t)below(&state, i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		start = below(&state, ngroups);
		for (size_t i = 0; i < m; i++)
			units[lo + order[i]].group = (size_t)((start + i) % ngroups);
		free(order);
		lo = hi;
	}
}
