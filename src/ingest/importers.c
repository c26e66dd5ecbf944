/* importers.c - the table of import formats. */
#include <string.h>

#include "cowrie_importer.h"
#include "events_importer.h"
#include "importer.h"
#include "observations_importer.h"

const struct importer *const importers[] = {
	&events_importer,
	&cowrie_importer,
	&observations_importer,
	NULL,
};

const struct importer *importer_find(const char *name)
{
	for (int i = 0; importers[i]; i++)
		if (strcmp(importers[i]->name, name) == 0)
			return importers[i];
	return NULL;
}
