/* report.c - `iotmon report KIND`: dispatches to one report per kind. */
#include "cli/cli.h"
#include "cli/commands.h"

static const struct cli_command kinds[] = {
	{"countries", cmd_report_countries, "infected devices per country and day, per million inhabitants, ranked"},
	{"manufacturers", cmd_report_manufacturers, "infected devices per vendor/model/firmware: trend, families, vectors"},
	{"remediation", report_remediation, "time to clean-up per group: Kaplan-Meier, log-rank, reinfection"},
	{NULL, NULL, NULL},
};

int cmd_report(int argc, char **argv)
{
	return cli_dispatch(kinds, "report kind",
			    "Usage: iotmon report KIND [options]\n"
			    "Aggregated reports (no IP addresses) as a text table, CSV, JSON or SVG chart.\n"
			    "'iotmon report KIND --help' lists a report's options.\n\n"
			    "Kinds:\n",
			    argc, argv);
}
