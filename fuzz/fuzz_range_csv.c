/* fuzz_range_csv.c - the ip-location-db range CSV loader on hostile text,
 * then a few lookups on whatever it accepted. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "enrich/range_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct range_table *t = range_table_new();
	struct range_load_stats st;
	struct enrichment e;
	struct ipaddr a;

	memset(&st, 0, sizeof(st));
	range_table_load_buf(t, (const char *)data, size, "fuzz.csv", &st);
	range_table_finish(t);
	for (uint32_t i = 0; i < 8; i++) {
		memset(&e, 0, sizeof(e));
		ipaddr_from_v4(i * 0x20000001u, &a);
		range_table_lookup(t, &a, &e);
		uint8_t b[16] = {0x20, 0x01, (uint8_t)i};
		ipaddr_from_v6(b, &a);
		range_table_lookup(t, &a, &e);
	}
	range_table_free(t);
	return 0;
}
