/* feed.c - `iotmon feed`: one UTC day's feed per network, on demand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/asn.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/feed.h"
#include "report/outbox.h"

static const char usage[] =
	"Usage: iotmon feed --date YYYY-MM-DD [options]\n"
	"Print the feed of infected hosts of one UTC day, network by network (ASN order,\n"
	"then IP), or write the day's outbox (every network, every configured format,\n"
	"the clearinghouse bundle) and deliver it.\n"
	"\n"
	"      --date D            the UTC day (required)\n"
	"      --network ASN|all   only this network (AS64500 or 64500; repeatable; 0 lists\n"
	"                          unenriched hosts); default all enriched networks\n"
	"      --format F          csv (default), json (IntelMQ), xarf (XARF v4 JSON lines)\n"
	"                          xarf-mail (X-ARF 0.2 mail; several networks: mbox) or\n"
	"                          shadowserver (the columns of Shadowserver's Honeypot-Brute-\n"
	"                          Force-Events report, one row per credential pair)\n"
	"      --output FILE       write here instead of stdout (replaced atomically)\n"
	"      --outbox DIR        write DIR/DATE/ASN.EXT for [feeds] formats and the bundle\n"
	"      --deliver           with --outbox: mail each network's xarf-mail to its abuse\n"
	"                          contact through [feeds] smtp_url (a sent one never twice)\n"
	"A day or network without observations is no error: the output is empty (CSV: its\n"
	"header), a warning \"no observations for AS... on DATE\" goes to stderr, exit 0.\n" CLI_COMMON_HELP;

enum { OPT_DATE = 1, OPT_NETWORK, OPT_FORMAT, OPT_OUTPUT, OPT_OUTBOX, OPT_DELIVER };

/* An empty feed is a valid answer (exit 0, the CSV header), but a silent
 * one looks like a failure or a wrong network: say what was asked. */
static void warn_empty(int64_t day, const uint32_t *asns, size_t nasns)
{
	char d[11], nets[256] = "any enriched network";
	size_t n = 0;

	time_format_day(day, d);
	for (size_t i = 0; i < nasns && n < sizeof(nets); i++)
		n += (size_t)snprintf(nets + n, sizeof(nets) - n, asns[i] ? "%sAS%u" : "%sunenriched hosts (AS%u)",
				      i ? ", " : "", asns[i]);
	log_warn("no observations for %s on %s", nets, d);
}

int cmd_feed(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"date", required_argument, NULL, OPT_DATE},
		{"network", required_argument, NULL, OPT_NETWORK},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"outbox", required_argument, NULL, OPT_OUTBOX},
		{"deliver", no_argument, NULL, OPT_DELIVER},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "feed", .usage = usage};
	const char *format = "csv", *output = NULL, *outbox = NULL;
	bool has_format = false;
	uint32_t *asns = NULL;
	size_t nasns = 0;
	bool has_day = false, all = false, deliver = false;
	struct outbox_config oc;
	struct store *store;
	struct err err;
	int64_t day = 0;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_DATE:
			if (time_parse_day(optarg, strlen(optarg), &day))
				cli_usage_error(&cli, "--date: not a day (YYYY-MM-DD): %s", optarg);
			has_day = true;
			break;
		case OPT_NETWORK:
			if (strcmp(optarg, "all") == 0) {
				all = true;
				break;
			}
			asns = xrealloc(asns, (nasns + 1) * sizeof(*asns));
			if (asn_parse(optarg, &asns[nasns]))
				cli_usage_error(&cli, "--network: not an AS number or \"all\": %s", optarg);
			nasns++;
			break;
		case OPT_FORMAT:
			if (!feed_format_find(optarg))
				cli_usage_error(&cli, "--format: one of %s, not %s", feed_format_names(), optarg);
			format = optarg;
			has_format = true;
			break;
		case OPT_OUTPUT:
			output = optarg;
			break;
		case OPT_OUTBOX:
			outbox = optarg;
			break;
		case OPT_DELIVER:
			deliver = true;
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	cli_finish_options(&cli, argc, argv);
	if (!has_day)
		cli_usage_error(&cli, "--date is required");
	if (all && nasns)
		cli_usage_error(&cli, "--network all and a network number exclude each other");
	if (deliver && !outbox)
		cli_usage_error(&cli, "--deliver needs --outbox");
	if (outbox && (output || nasns || has_format))
		cli_usage_error(&cli, "--outbox writes every network in the [feeds] formats; no --output/--network/--format");
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (outbox_config_load(&oc, cli.cfg, &err)) {
		config_free(cli.cfg);
		free(asns);
		return cli_error("%s", err.msg);
	}
	store = cli_open_store(&cli, outbox ? STORE_CREATE : STORE_READONLY);
	if (!store) {
		outbox_config_free(&oc);
		config_free(cli.cfg);
		free(asns);
		return EXIT_ERROR;
	}
	size_t rows = 0;

	oc.feed.rows = &rows;
	if (outbox) {
		struct outbox_result res;

		oc.dir = outbox;
		rc = outbox_write_day(store, &oc, day, &res, &err);
		if (!rc)
			log_info("outbox %s: %zu networks, %zu rows, %zu files written, %zu unchanged", outbox,
				 res.networks, res.rows, res.files_written, res.files_unchanged);
		rows = res.rows;
		if (!rc && deliver) {
			struct outbox_delivery_result dr;

			rc = outbox_deliver_day(store, &oc, day, &dr, &err);
			if (!rc)
				log_info("delivery: %zu sent, %zu already sent, %zu failed, %zu without contact, %zu being"
					 " sent by another process",
					 dr.sent, dr.already_sent, dr.failed, dr.no_contact, dr.in_progress);
			if (!rc && dr.failed)
				rc = err_set(&err, "%zu deliveries failed (retried next time)", dr.failed);
		}
	} else if (output) {
		rc = outbox_write_atomic_with(output, store, day, asns, nasns, format, &oc.feed, &err);
	} else {
		rc = feed_write_file(store, day, asns, nasns, format, &oc.feed, stdout, &err);
		if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
			rc = err_set(&err, "writing to stdout failed");
	}
	if (!rc && rows == 0)
		warn_empty(day, asns, nasns);
	store_close(store);
	outbox_config_free(&oc);
	config_free(cli.cfg);
	free(asns);
	if (rc)
		return cli_error("%s", err.msg);
	return EXIT_OK;
}
