/* import.c - `iotmon import FORMAT FILE...`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "ingest/importer.h"

static char usage[2048];

static void build_usage(void)
{
	size_t n = (size_t)snprintf(usage, sizeof(usage),
				    "Usage: iotmon import FORMAT [options] FILE...\n"
				    "Read evidence from files (plain or gzip; - is stdin) into the store.\n"
				    "A malformed line is reported as FILE:LINE and skipped; the rest is imported.\n"
				    "Importing the same evidence twice adds nothing.\n"
				    "Exit status: 0 all read cleanly, 1 some file or line was bad, 2 usage.\n\n"
				    "Formats:\n");
	for (int i = 0; importers[i] && n < sizeof(usage); i++)
		n += (size_t)snprintf(usage + n, sizeof(usage) - n, "  %-14s %s\n", importers[i]->name,
				      importers[i]->help);
	if (n < sizeof(usage))
		snprintf(usage + n, sizeof(usage) - n, "\nOptions:\n%s", CLI_COMMON_HELP);
}

int cmd_import(int argc, char **argv)
{
	static const struct option options[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct cli cli = {.command = "import", .usage = usage};
	const struct importer *imp;
	struct import_result res;
	struct sink_stats st;
	struct store *store;
	struct sink *sink;
	struct err err;
	int opt, status, rc = EXIT_OK;

	build_usage();
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		cli_usage_error(&cli, "which format? (e.g. iotmon import events FILE)");
	}
	imp = importer_find(argv[1]);
	if (!imp)
		cli_usage_error(&cli, "unknown format: %s", argv[1]);
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1)
		if (!cli_common_option(&cli, opt, optarg))
			cli_bad_option(&cli);
	if (optind >= argc)
		cli_usage_error(&cli, "no input files");

	store = cli_open_store(&cli, STORE_CREATE);
	if (!store)
		return EXIT_ERROR;
	sink = cli_store_sink(&cli, store, NULL);
	status = import_files(imp, argv + optind, argc - optind, sink, store, &res);
	if (sink_flush(sink, &err))
		log_error("%s", err.msg);
	sink_stats(sink, &st);
	if (sink_close(sink, &err)) {
		log_error("%s", err.msg);
		rc = EXIT_ERROR;
	}
	store_close(store);
	config_free(cli.cfg);
	log_info("import %s: %llu files, %llu lines, %llu records, %llu new events, %llu bad lines%s", imp->name,
		 (unsigned long long)res.files, (unsigned long long)res.lines, (unsigned long long)res.records,
		 (unsigned long long)st.inserted, (unsigned long long)res.bad_lines,
		 res.unreadable_files ? ", some files unreadable" : res.wrong_type_files ? ", some files of another type" : "");
	if (status)
		rc = EXIT_ERROR;
	return rc;
}
