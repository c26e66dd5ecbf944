/* config.c - `iotmon config`: check a configuration and show every setting. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] =
	"Usage: iotmon config [options]\n"
	"Check the configuration and print every setting with its effective value,\n"
	"as INI on stdout (--db shows as [store] path). The same checks run before\n"
	"every command: types and ranges of every value, files that must exist and\n"
	"have their format, profile names. Exit 1 (with FILE:LINE or the key) when\n"
	"the file is invalid.\n\n" CLI_COMMON_HELP;

int cmd_config(int argc, char **argv)
{
	static const struct option options[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct cli cli = {.command = "config", .usage = usage};
	const char *section = "";
	struct err err;
	int opt;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1)
		if (!cli_common_option(&cli, opt, optarg))
			cli_bad_option(&cli);
	cli_finish_options(&cli, argc, argv);
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (cli.db_path && config_set(cli.cfg, "store", "path", cli.db_path, &err)) {
		config_free(cli.cfg);
		return cli_error("--db: %s", err.msg);
	}
	printf("# effective configuration (from %s)\n", config_source(cli.cfg));
	for (const struct config_key *k = config_keys; k->section; k++) {
		if (strcmp(section, k->section) != 0) {
			section = k->section;
			printf("\n[%s]\n", section);
		}
		printf("# %s\n%s = %s\n", k->help, k->key, config_str(cli.cfg, k->section, k->key));
	}
	config_free(cli.cfg);
	return EXIT_OK;
}
