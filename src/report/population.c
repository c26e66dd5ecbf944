/* population.c - the population table (a small CSV, checked row by row). */
#include "population.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/xalloc.h"

#define POPULATION_MAX_BYTES (1u << 20)
#define POPULATION_MAX_ROWS 400

struct population {
	struct population_row *v;
	size_t n;
};

static int parse_row(char **f, int nf, struct population_row *r, struct err *err, const char *name, size_t line)
{
	char *end;
	unsigned long long pop;
	long year;

	if (nf != 5)
		return err_set(err, "%s:%zu: expected 5 fields (cc,country,population,year,source), got %d", name, line, nf);
	if (strlen(f[0]) != 2 || !isupper((unsigned char)f[0][0]) || !isupper((unsigned char)f[0][1]))
		return err_set(err, "%s:%zu: not an upper-case ISO 3166 alpha-2 code: %.20s", name, line, f[0]);
	if (!*f[1] || strlen(f[1]) >= sizeof(r->country))
		return err_set(err, "%s:%zu: country name empty or too long", name, line);
	pop = strtoull(f[2], &end, 10);
	if (*f[2] < '1' || *f[2] > '9' || *end || pop > 10000000000ULL)
		return err_set(err, "%s:%zu: not a population: %.20s", name, line, f[2]);
	year = strtol(f[3], &end, 10);
	if (*end || end == f[3] || year < 1900 || year > 2200)
		return err_set(err, "%s:%zu: not a year: %.20s", name, line, f[3]);
	if (!*f[4] || strlen(f[4]) >= sizeof(r->source))
		return err_set(err, "%s:%zu: every row needs its source (at most %zu bytes)", name, line,
			       sizeof(r->source) - 1);
	memcpy(r->cc, f[0], 3);
	snprintf(r->country, sizeof(r->country), "%s", f[1]);
	r->population = pop;
	r->year = (int)year;
	snprintf(r->source, sizeof(r->source), "%s", f[4]);
	return 0;
}

struct population *population_parse(const char *text, size_t len, const char *name, struct err *err)
{
	struct population *p = xcalloc(1, sizeof(*p));
	char *buf = NULL, *f[CSV_MAX_FIELDS];
	size_t pos = 0, line = 0, bad;
	int nf;

	if (len > POPULATION_MAX_BYTES) {
		err_set(err, "%s: larger than %u bytes", name, POPULATION_MAX_BYTES);
		goto fail;
	}
	buf = xmalloc(len + 1);
	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;

		pos += n + (nl != NULL);
		line++;
		if (n && l[n - 1] == '\r')
			n--;
		if (n == 0 || l[0] == '#')
			continue;
		if (memchr(l, '\0', n)) {
			err_set(err, "%s:%zu: NUL byte", name, line);
			goto fail;
		}
		nf = csv_split(l, n, buf, f, CSV_MAX_FIELDS, &bad);
		if (nf < 0) {
			err_set(err, "%s:%zu:%zu: bad CSV quoting", name, line, bad + 1);
			goto fail;
		}
		if (line == 1) {
			if (nf != 5 || strcmp(f[0], "cc") || strcmp(f[1], "country") || strcmp(f[2], "population") ||
			    strcmp(f[3], "year") || strcmp(f[4], "source")) {
				err_set(err, "%s:1: header must be cc,country,population,year,source", name);
				goto fail;
			}
			continue;
		}
		if (p->n == POPULATION_MAX_ROWS) {
			err_set(err, "%s:%zu: more than %d rows", name, line, POPULATION_MAX_ROWS);
			goto fail;
		}
		if (!p->v)
			p->v = xcalloc(POPULATION_MAX_ROWS, sizeof(*p->v));
		if (parse_row(f, nf, &p->v[p->n], err, name, line))
			goto fail;
		if (population_find(p, p->v[p->n].cc)) {
			err_set(err, "%s:%zu: %s listed twice", name, line, p->v[p->n].cc);
			goto fail;
		}
		p->n++;
	}
	if (line == 0) {
		err_set(err, "%s: empty", name);
		goto fail;
	}
	free(buf);
	return p;
fail:
	free(buf);
	population_free(p);
	return NULL;
}

struct population *population_load(const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *text = xmalloc(POPULATION_MAX_BYTES + 1);
	struct population *p = NULL;
	size_t n;

	if (!f) {
		err_set(err, "%s: cannot open", path);
		free(text);
		return NULL;
	}
	n = fread(text, 1, POPULATION_MAX_BYTES + 1, f);
	if (ferror(f))
		err_set(err, "%s: read error", path);
	else
		p = population_parse(text, n, path, err);
	fclose(f);
	free(text);
	return p;
}

void population_free(struct population *p)
{
	if (!p)
		return;
	free(p->v);
	free(p);
}

const struct population_row *population_find(const struct population *p, const char *cc)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (strcasecmp(p->v[i].cc, cc) == 0)
			return &p->v[i];
	return NULL;
}

size_t population_count(const struct population *p)
{
	return p ? p->n : 0;
}
