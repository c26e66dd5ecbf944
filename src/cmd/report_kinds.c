/* report_kinds.c - `iotmon report countries` and `iotmon report
 * manufacturers`: options, then the report modules do the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/datadir.h"
#include "core/timeutil.h"
#include "report/population.h"
#include "report/reports.h"

#define RANGE_HELP                                                                                          \
	"      --from D            first UTC day (YYYY-MM-DD; default: the first with data)\n"                 \
	"      --to D              last UTC day (default: the last with data)\n"                               \
	"      --format F          text (default), csv, json or svg (chart)\n"                                 \
	"      --output FILE       write here instead of stdout\n"

static const char countries_usage[] =
	"Usage: iotmon report countries [options]\n"
	"Infected devices (distinct IPs) per UTC day per country, the daily mean and\n"
	"peak over the range, per million inhabitants, and the ranking by that figure.\n"
	"No IP addresses are printed.\n\n" RANGE_HELP
	"      --daily             text/csv: one row per day and country instead of the ranking\n"
	"      --population FILE   population table (default: DATA_DIR/population.csv)\n" CLI_COMMON_HELP;

static const char manufacturers_usage[] =
	"Usage: iotmon report manufacturers [options]\n"
	"Per vendor / model / firmware of characterized devices: infected devices, share\n"
	"of all characterized infected devices, devices per ISO week, malware families,\n"
	"and infection vectors (credentials tried, exploits and their CVEs).\n"
	"No IP addresses are printed.\n\n" RANGE_HELP CLI_COMMON_HELP;

enum { OPT_FROM = 1, OPT_TO, OPT_FORMAT, OPT_OUTPUT, OPT_DAILY, OPT_POPULATION };

static int write_out(const char *path, const struct strbuf *b)
{
	FILE *f = path ? fopen(path, "wb") : stdout;

	if (!f)
		return cli_error("%s: cannot create", path);
	if ((b->len && fwrite(b->data, 1, b->len, f) != b->len) || fflush(f) != 0)
		return cli_error("%s: write error", path ? path : "stdout");
	if (path && fclose(f) != 0)
		return cli_error("%s: write error", path);
	return EXIT_OK;
}

static int run(int argc, char **argv, bool countries)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"daily", no_argument, NULL, OPT_DAILY},
		{"population", required_argument, NULL, OPT_POPULATION},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = countries ? "report countries" : "report manufacturers",
			  .usage = countries ? countries_usage : manufacturers_usage};
	struct report_range r = {INT64_MIN, INT64_MAX};
	const char *output = NULL, *popfile = NULL;
	struct population *pop = NULL;
	char popdefault[4200];
	int fmt = REPORT_TEXT, opt, rc;
	bool daily = false;
	struct store *store;
	struct strbuf out;
	struct err err;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_FROM:
		case OPT_TO:
			cli_day_option(&cli, opt == OPT_FROM ? "from" : "to", optarg, opt == OPT_FROM ? &r.from : &r.to);
			break;
		case OPT_FORMAT:
			fmt = report_format_parse(optarg);
			if (fmt < 0)
				cli_usage_error(&cli, "--format: text, csv, json or svg, not %s", optarg);
			break;
		case OPT_OUTPUT:
			output = optarg;
			break;
		case OPT_DAILY:
		case OPT_POPULATION:
			if (!countries)
				cli_bad_option(&cli);
			if (opt == OPT_DAILY)
				daily = true;
			else
				popfile = optarg;
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	cli_finish_options(&cli, argc, argv);
	if (r.from != INT64_MIN && r.to != INT64_MAX && r.from > r.to)
		cli_usage_error(&cli, "--from is after --to");
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (countries) {
		if (!popfile)
			popfile = datadir_path(cli.cfg, "population.csv", popdefault, sizeof(popdefault));
		if (!popfile) {
			config_free(cli.cfg);
			return cli_error("data folder path too long");
		}
		pop = population_load(popfile, &err);
		if (!pop) {
			config_free(cli.cfg);
			return cli_error("%s", err.msg);
		}
	}
	store = cli_open_store(&cli, STORE_READONLY);
	if (!store) {
		population_free(pop);
		config_free(cli.cfg);
		return EXIT_ERROR;
	}
	strbuf_init(&out, (size_t)1 << 30);
	if (countries)
		rc = report_countries(store, &r, pop, daily, (enum report_format)fmt, &out, &err);
	else
		rc = report_manufacturers(store, &r, (enum report_format)fmt, &out, &err);
	store_close(store);
	population_free(pop);
	config_free(cli.cfg);
	rc = rc ? cli_error("%s", err.msg) : write_out(output, &out);
	strbuf_free(&out);
	return rc;
}

int cmd_report_countries(int argc, char **argv)
{
	return run(argc, argv, true);
}

int cmd_report_manufacturers(int argc, char **argv)
{
	return run(argc, argv, false);
}
