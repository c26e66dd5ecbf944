/* main.c - iotmon: the command table and nothing else. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

#ifndef IOTMON_VERSION
#define IOTMON_VERSION "0.0.0-dev"
#endif

static const struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"run", cmd_run, "the monitor daemon: sensors, jobs and web, on the configured store"},
	{"events", cmd_events, "list stored events as JSON lines"},
	{"import", cmd_import, "read evidence files (iotmon events, ...) into the store"},
	{"report", cmd_report, "aggregated reports: text, CSV, JSON, SVG"},
	{"honeypot", cmd_honeypot, "the telnet/HTTP IoT honeypot on its own"},
	{"config", cmd_config, "check the configuration and print every setting"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: iotmon <command> [options]\n"
		     "A monitor for infected IoT devices: detect, characterize, tell, measure clean-up.\n\n"
		     "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n'iotmon <command> --help' describes a command; 'man iotmon' all of them.\n"
		     "Exit status: 0 success, 1 error, 2 usage.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("iotmon %s\n", IOTMON_VERSION);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->main(argc - 1, argv + 1);
	fprintf(stderr, "iotmon: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
