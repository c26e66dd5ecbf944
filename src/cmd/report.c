/* report.c - `iotmon report KIND`: dispatches to one report per kind. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const struct report_kind {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} kinds[] = {
	{"countries", cmd_report_countries, "infected devices per country and day, per million inhabitants, ranked"},
	{"manufacturers", cmd_report_manufacturers, "infected devices per vendor/model/firmware: trend, families, vectors"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: iotmon report KIND [options]\n"
		     "Aggregated reports (no IP addresses) as a text table, CSV, JSON or SVG chart.\n\n"
		     "Kinds:\n");
	for (const struct report_kind *k = kinds; k->name; k++)
		fprintf(out, "  %-14s %s\n", k->name, k->summary);
	fprintf(out, "\n'iotmon report KIND --help' lists a report's options.\n");
}

int cmd_report(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (const struct report_kind *k = kinds; k->name; k++)
		if (strcmp(argv[1], k->name) == 0)
			return k->main(argc - 1, argv + 1);
	fprintf(stderr, "iotmon report: unknown kind \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
