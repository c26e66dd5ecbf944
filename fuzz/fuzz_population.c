/* fuzz_population.c - the population table parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "report/population.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err;
	struct population *p = population_parse((const char *)data, size, "fuzz", &err);

	if (p) {
		const struct population_row *r = population_find(p, "NL");

		if (r && r->population == 0)
			__builtin_trap(); /* a zero population would divide by zero */
		population_free(p);
	}
	return 0;
}
