/* main.c - iotmon: the command table and nothing else. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"

#ifndef IOTMON_VERSION
#define IOTMON_VERSION "0.0.0-dev"
#endif

static const struct cli_command commands[] = {
	{"run", cmd_run, "the monitor daemon: sensors, jobs and web, on the configured store"},
	{"events", cmd_events, "list stored events as JSON lines"},
	{"import", cmd_import, "read evidence files (iotmon events, ...) into the store"},
	{"feed", cmd_feed, "one UTC day's feed of infected hosts per network (csv, json, xarf, mail)"},
	{"report", cmd_report, "aggregated reports: text, CSV, JSON, SVG"},
	{"serve", cmd_serve, "dashboard and authenticated per-network API over HTTP"},
	{"token", cmd_token, "add, list or revoke tokens of the per-network API"},
	{"telescope", cmd_telescope, "analyse telescope captures (pcap, pcapng, gzip) or watch an interface"},
	{"honeypot", cmd_honeypot, "the telnet/HTTP IoT honeypot on its own"},
	{"collect", cmd_collect, "central collector: events from NATS JetStream into the store"},
	{"enrich", cmd_enrich, "network and country of addresses; re-enrich stored observations"},
	{"probe", cmd_probe, "characterize devices: vendor, type, model, firmware"},
	{"audit", cmd_audit, "test lab devices against the security baseline (EN 303 645, EN 18031-1)"},
	{"treatment", cmd_treatment, "notification experiments: assign groups, record notifications"},
	{"config", cmd_config, "check the configuration and print every setting"},
	{NULL, NULL, NULL},
};

static const char usage_head[] =
	"Usage: iotmon <command> [options]\n"
	"A monitor for infected IoT devices: detect, characterize, tell, measure clean-up.\n"
	"'iotmon <command> --help' describes a command; 'man iotmon' all of them.\n"
	"Exit status: 0 success, 1 error, 2 usage.\n\n"
	"Commands:\n";

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
		printf("iotmon %s\n", IOTMON_VERSION);
		return EXIT_OK;
	}
	/* Stores, logs and feeds hold addresses and passwords: no file iotmon
	 * creates is readable by everyone. */
	umask(027);
	return cli_dispatch(commands, "command", usage_head, argc, argv);
}
