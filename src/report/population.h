/* population.h - inhabitants per country, for per-million figures.
 *
 * Reads data/population.csv: header "cc,country,population,year,source",
 * one row per ISO 3166 alpha-2 code; every row names its source and year
 * (the shipped file: Eurostat 1 January 2024 for the EU, national censuses
 * for the other major countries). Bad rows are errors naming file:line. */
#ifndef IOTMON_POPULATION_H
#define IOTMON_POPULATION_H

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

struct population;

struct population *population_parse(const char *text, size_t len, const char *name, struct err *err);
struct population *population_load(const char *path, struct err *err);
void population_free(struct population *p);
/* The row of cc (case-insensitive), or NULL. */
const struct population_row *population_find(const struct population *p, const char *cc);
size_t population_count(const struct population *p);

#endif
