/* report_remediation.c - `iotmon report remediation`: how fast infections
 * get cleaned, per group, with the log-rank comparison. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/remediation.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/strbuf.h"
#include "report/remediation_report.h"
#include "report/reports.h"

static const char usage[] =
	"Usage: iotmon report remediation [options]\n"
	"Kaplan-Meier survival of infection episodes (time to clean-up) per group, with 95% Greenwood\n"
	"(log-log) intervals, median, share cleaned within the horizon, reinfection after clean-up and a\n"
	"log-rank test between the groups. An episode is a run of observation days of one IP with at most\n"
	"GAP silent days in between; it is cleaned when the data goes on for more than GAP days after it,\n"
	"otherwise censored. Definitions: docs/internals/remediation.md.\n"
	"\n"
	"      --from D         first UTC day (YYYY-MM-DD; default: the first with data)\n"
	"      --to D           last UTC day (default: the last with data); the data is taken to\n"
	"                       end there: episodes still running are censored\n"
	"      --by WHAT        network, country, vendor, family, treatment or none (default none)\n"
	"      --horizon N      share cleaned within N days (default 14)\n"
	"      --gap G          days without a sighting that still continue an episode (default 7)\n"
	"      --reinfection M  count reinfections within M days of clean-up (default 30)\n"
	"      --format F       text, csv, json or svg (default text)\n" CLI_COMMON_HELP;

enum { OPT_BY = 1, OPT_HORIZON, OPT_GAP, OPT_REINFECTION, OPT_FORMAT, OPT_FROM, OPT_TO };

static int64_t days_arg(const struct cli *cli, const char *name, const char *s, int64_t min)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end || v < min || v > 100000)
		cli_usage_error(cli, "--%s: not a number of days (%lld..100000): %s", name, (long long)min, s);
	return v;
}

int report_remediation(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"by", required_argument, NULL, OPT_BY},
		{"horizon", required_argument, NULL, OPT_HORIZON},
		{"gap", required_argument, NULL, OPT_GAP},
		{"reinfection", required_argument, NULL, OPT_REINFECTION},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "report remediation", .usage = usage};
	struct remed_opts o;
	struct remediation r;
	struct progress prog;
	struct store *store;
	struct strbuf out;
	struct err err;
	int format = REPORT_TEXT;
	int opt, rc;

	remed_opts_init(&o);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_BY:
			if (remed_by_parse(optarg, &o.by))
				cli_usage_error(&cli, "--by: network, country, vendor, family, treatment or none: %s",
						optarg);
			break;
		case OPT_HORIZON:
			o.horizon = days_arg(&cli, "horizon", optarg, 0);
			break;
		case OPT_GAP:
			o.gap = days_arg(&cli, "gap", optarg, 0);
			break;
		case OPT_REINFECTION:
			o.reinfection = days_arg(&cli, "reinfection", optarg, 1);
			break;
		case OPT_FROM:
		case OPT_TO:
			cli_day_option(&cli, opt == OPT_FROM ? "from" : "to", optarg, opt == OPT_FROM ? &o.from_day : &o.to_day);
			break;
		case OPT_FORMAT:
			format = report_format_parse(optarg);
			if (format < 0)
				cli_usage_error(&cli, "--format: text, csv, json or svg, not %s", optarg);
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	cli_finish_options(&cli, argc, argv);
	if (o.from_day > o.to_day)
		cli_usage_error(&cli, "--from is after --to");
	store = cli_open_store(&cli, STORE_READONLY);
	if (!store)
		return EXIT_ERROR;
	if (cli_show_progress()) {
		progress_start(&prog, "remediation", "observations", 0);
		o.progress = &prog;
	}
	rc = remediation_compute(store, &o, &r, &err);
	if (o.progress)
		progress_end(&prog);
	store_close(store);
	config_free(cli.cfg);
	if (rc)
		return cli_error("%s", err.msg);
	strbuf_init(&out, 0);
	switch ((enum report_format)format) {
	case REPORT_JSON:
		rc = remediation_json(&out, &r);
		break;
	case REPORT_CSV:
		rc = remediation_csv(&out, &r);
		break;
	case REPORT_SVG:
		rc = remediation_svg(&out, &r);
		break;
	case REPORT_TEXT:
		rc = remediation_text(&out, &r);
		break;
	}
	remediation_free(&r);
	if (rc) {
		strbuf_free(&out);
		return cli_error("the report is too large to render");
	}
	fwrite(out.data, 1, out.len, stdout);
	strbuf_free(&out);
	return cli_flush_stdout();
}
