/* population.h - inhabitants per country, for per-million figures.
 *
 * Reads the CSV the data folder ships (header cc,country,population,year,
 * source; one row per ISO 3166 alpha-2 code). Quoted fields with commas
 * are allowed; a bad row is an error naming FILE:LINE. */
#ifndef IOTMON_WEB_POPULATION_H
#define IOTMON_WEB_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct population_row {
	char cc[3];
	char country[64];
	uint64_t population;
	int year;
	char source[160];
};

struct population {
	struct population_row *rows;
	size_t n;
};

/* Loads path into p (free with population_free). */
int population_load(const char *path, struct population *p, struct err *err);
void population_free(struct population *p);
/* The row of cc, or NULL. */
const struct population_row *population_find(const struct population *p, const char *cc);

#endif
