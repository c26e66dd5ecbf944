/* audit.c - `iotmon audit TARGET...`: test lab devices against the security
 * baseline (EN 303 645, EN 18031-1) and print their report card. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_engine.h"
#include "audit/audit_report.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/audit_store.h"

static const char *const formats[] = {"text", "json", "html", NULL};

static const char usage[] =
	"Usage: iotmon audit [options] TARGET...\n"
	"Test lab devices against the security baseline (ETSI EN 303 645, EN 18031-1):\n"
	"default-credentials, bruteforce-mitigation, cleartext-management, weak-crypto,\n"
	"exposed-services, unauthenticated-services, outdated-software; print a report\n"
	"card per device and a lab comparison.\n"
	"TARGET is an address or prefix inside [audit] scope; anything outside it is\n"
	"refused before any packet is sent. Logins are bounded ([audit] max_attempts)\n"
	"and paced ([audit] attempts_per_second); nothing is changed on a device.\n"
	"Exit status: 0 the audit ran (whatever the verdicts), 1 error, 2 usage.\n\n"
	"      --lab FILE       devices from a CSV: name,address,vendor,model,firmware\n"
	"      --format FMT     text (default), json (schema iotmon-audit/1) or html\n"
	"Results are stored (for the dashboard's audits page) when --db is given.\n" CLI_COMMON_HELP;

enum { OPT_LAB = 1, OPT_FORMAT };

/* Every finding of the run, one transaction. */
static int store_results(struct cli *cli, const struct audit_lab *lab)
{
	struct store *store = cli_open_store(cli, STORE_CREATE);
	struct audit_record *recs;
	size_t n = 0, cap = 0;
	struct err err;
	int rc = 0;

	if (!store)
		return -1;
	for (size_t i = 0; i < lab->n; i++)
		cap += lab->devices[i].nfindings;
	recs = xcalloc(cap ? cap : 1, sizeof(*recs));
	for (size_t i = 0; i < lab->n; i++) {
		const struct audit_device *d = &lab->devices[i];

		for (size_t j = 0; j < d->nfindings; j++)
			recs[n++] = (struct audit_record){
				.ip = d->ip, .name = d->name, .vendor = d->vendor, .model = d->model,
				.firmware = d->firmware, .test = audit_tests[d->findings[j].test].id,
				.service = d->findings[j].service, .verdict = audit_verdict_name(d->findings[j].verdict),
				.evidence = d->findings[j].evidence, .at_us = d->finished_us,
			};
	}
	if (store_record_audit(store, recs, n, &err)) {
		cli_error("%s", err.msg);
		rc = -1;
	}
	free(recs);
	store_close(store);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"lab", required_argument, NULL, OPT_LAB},
		{"format", required_argument, NULL, OPT_FORMAT},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "audit", .usage = usage};
	struct audit_lab lab = {0};
	struct probe_policy scope;
	struct audit_engine eng;
	const char *lab_file = NULL;
	int opt, format = 0, rc = EXIT_OK, wrote;
	struct err err;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_LAB:
			lab_file = optarg;
			break;
		case OPT_FORMAT:
			format = cli_choice(&cli, "format", optarg, formats);
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	if (optind >= argc && !lab_file)
		cli_usage_error(&cli, "no targets: give addresses, prefixes or --lab FILE");
	for (int i = optind; i < argc; i++)
		if (audit_lab_add_target(&lab, argv[i], &err))
			cli_usage_error(&cli, "%s", err.msg);
	if (cli_load_config(&cli)) {
		audit_lab_free(&lab);
		return EXIT_ERROR;
	}
	if (lab_file && audit_lab_load(&lab, lab_file, &err)) {
		rc = cli_error("%s", err.msg);
		goto out;
	}
	/* The scope first: a refused address never sees a packet. */
	if (audit_scope_init(&scope, cli.cfg, &err)) {
		rc = cli_error("%s", err.msg);
		goto out;
	}
	if (audit_lab_check_scope(&lab, &scope, &err)) {
		probe_policy_free(&scope);
		rc = cli_error("%s", err.msg);
		goto out;
	}
	probe_policy_free(&scope);
	if (audit_engine_init(&eng, cli.cfg, &err)) {
		rc = cli_error("%s", err.msg);
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (audit_engine_run(&eng, &lab, &err))
		rc = cli_error("%s", err.msg);
	audit_engine_free(&eng);
	if (rc == EXIT_OK) {
		wrote = format == 1 ? audit_report_json(stdout, &lab)
		      : format == 2 ? audit_report_html(stdout, &lab)
				    : audit_report_text(stdout, &lab);
		if (wrote || fflush(stdout))
			rc = cli_error("cannot write the report");
		/* Results go to the store only when one is named (--db): a lab
		 * run never creates the default store by surprise. */
		if (cli.db_path && store_results(&cli, &lab))
			rc = EXIT_ERROR;
		log_info("audit: %zu devices", lab.n);
	}
	curl_global_cleanup();
out:
	audit_lab_free(&lab);
	config_free(cli.cfg);
	return rc;
}
