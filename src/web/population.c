/* population.c - see population.h. */
#include "population.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define MAX_FIELDS 5

/* Splits one CSV line in place into at most MAX_FIELDS fields (RFC 4180
 * quoting); returns the number of fields or -1. */
static int split_csv(char *line, char **fields)
{
	int n = 0;
	char *r = line, *w;

	for (;;) {
		if (n == MAX_FIELDS)
			return -1;
		fields[n++] = w = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (!*r)
					return -1;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			if (*r && *r != ',')
				return -1;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (!*r) {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
}

int population_load(const char *path, struct population *p, struct err *err)
{
	char line[1024], *f[MAX_FIELDS];
	size_t cap = 0;
	unsigned lineno = 0;
	FILE *in = fopen(path, "r");

	memset(p, 0, sizeof(*p));
	if (!in)
		return err_set(err, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), in)) {
		size_t len = strlen(line);
		struct population_row *row;
		char *end;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1) {
			if (strncmp(line, "cc,country,population,year,source", 33) != 0)
				goto bad_header;
			continue;
		}
		if (!len)
			continue;
		if (split_csv(line, f) != MAX_FIELDS || strlen(f[0]) != 2)
			goto bad;
		if (p->n == cap) {
			cap = cap ? cap * 2 : 256;
			p->rows = xrealloc(p->rows, cap * sizeof(*p->rows));
		}
		row = &p->rows[p->n];
		memset(row, 0, sizeof(*row));
		row->cc[0] = f[0][0];
		row->cc[1] = f[0][1];
		snprintf(row->country, sizeof(row->country), "%s", f[1]);
		errno = 0;
		row->population = strtoull(f[2], &end, 10);
		if (errno || *end || end == f[2] || row->population == 0)
			goto bad;
		row->year = (int)strtol(f[3], &end, 10);
		snprintf(row->source, sizeof(row->source), "%s", f[4]);
		p->n++;
	}
	fclose(in);
	return 0;
bad_header:
	fclose(in);
	population_free(p);
	return err_set(err, "%s:1: expected the header cc,country,population,year,source", path);
bad:
	fclose(in);
	population_free(p);
	return err_set(err, "%s:%u: expected cc,country,population,year,source", path, lineno);
}

void population_free(struct population *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

const struct population_row *population_find(const struct population *p, const char *cc)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rows[i].cc, cc) == 0)
			return &p->rows[i];
	return NULL;
}
