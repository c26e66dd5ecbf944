/* fuzz_worldmap.c - the world map table parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "web/worldmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err;
	struct worldmap *m = worldmap_parse((const char *)data, size, "fuzz", &err);

	for (size_t i = 0; m && i < m->n; i++)
		if (strlen(m->v[i].cc) != 2 || strpbrk(m->v[i].path, "<>&\"") || strpbrk(m->v[i].name, "<>&\""))
			__builtin_trap(); /* everything goes into HTML unescaped */
	worldmap_free(m);
	return 0;
}
