/* Fuzz target: the INI configuration parser and its validation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct err err;
	struct config *cfg;

	memcpy(text, data, size);
	text[size] = '\0';
	cfg = config_load_string(text, "fuzz.conf", &err);
	if (cfg) {
		/* Every declared key must read back without aborting. */
		for (const struct config_key *k = config_keys; k->section; k++)
			(void)config_str(cfg, k->section, k->key);
		config_free(cfg);
	}
	free(text);
	return 0;
}
