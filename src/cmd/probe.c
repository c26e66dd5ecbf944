/* probe.c - `iotmon probe ADDR...`: characterize devices now. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "probe/probe_job.h"
#include "probe/probe_policy.h"

static const char *const text_json[] = {"text", "json", NULL};

static const char usage[] =
	"Usage: iotmon probe [options] ADDR...\n"
	"Connect to each address on the [probe] ports, read what the device says\n"
	"(telnet banner, HTTP status/Server/title/realm, RTSP OPTIONS, TLS subject),\n"
	"name vendor, type, model and firmware from the signature rules, store the\n"
	"device with its evidence, and print one line per address.\n"
	"Only addresses observed as infected in a focus country are probed, or those\n"
	"inside --scope / [probe] allow; [probe] do_not_probe always wins. A refused\n"
	"address gets no packet; the exit status is then 1.\n\n"
	"      --scope CIDR     also allow this prefix (repeatable)\n"
	"      --format FMT     text (default) or json\n" CLI_COMMON_HELP;

enum { OPT_SCOPE = 1, OPT_FORMAT };

struct print_ctx {
	bool json;
	size_t named;
};

static void report(const struct device *d, const struct probe_host *h, void *arg)
{
	struct print_ctx *p = arg;
	char ip[IPADDR_STRLEN];
	size_t open = 0;

	(void)h;
	ipaddr_format(&d->ip, ip);
	p->named += d->vendor[0] || d->type[0];
	for (size_t i = 0; i < h->nports; i++)
		open += h->ports[i].state == PORT_OPEN;
	if (p->json) {
		json_t *o = json_object();
		json_error_t je;
		json_t *ev = d->evidence ? json_loads(d->evidence, 0, &je) : NULL;
		char *text;

		json_object_set_new(o, "ip", json_string(ip));
		json_object_set_new(o, "vendor", json_string(d->vendor));
		json_object_set_new(o, "type", json_string(d->type));
		json_object_set_new(o, "model", json_string(d->model));
		json_object_set_new(o, "firmware", json_string(d->firmware));
		json_object_set_new(o, "rule", json_string(d->rule));
		json_object_set_new(o, "evidence", ev ? ev : json_null());
		text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		puts(text);
		free(text);
		json_decref(o);
	} else {
		printf("%s\t%s\t%s\t%s\t%s\t%zu open\t%s\n", ip, d->vendor[0] ? d->vendor : "-",
		       d->type[0] ? d->type : "-", d->model[0] ? d->model : "-", d->firmware[0] ? d->firmware : "-",
		       open, d->rule[0] ? d->rule : "no rule matched");
	}
	fflush(stdout);
}

struct seen {
	bool infected;
	char cc[3];
};

static int note_observation(const struct observation *o, void *arg)
{
	struct seen *s = arg;

	s->infected = true;
	if (o->net.cc[0])
		memcpy(s->cc, o->net.cc, sizeof(s->cc));
	return 0;
}

int cmd_probe(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"scope", required_argument, NULL, OPT_SCOPE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "probe", .usage = usage};
	const char **scopes = xcalloc((size_t)argc + 1, sizeof(*scopes));
	struct print_ctx pc = {0};
	struct probe_policy pol;
	struct probe_job job;
	struct ipaddr *targets;
	size_t nscopes = 0, ntargets = 0, refused = 0;
	const struct enricher *enr;
	struct store *store;
	struct err err;
	int opt, rc = EXIT_OK;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_SCOPE:
			scopes[nscopes++] = optarg;
			break;
		case OPT_FORMAT:
			pc.json = cli_choice(&cli, "format", optarg, text_json) == 1;
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	if (optind >= argc)
		cli_usage_error(&cli, "no addresses to probe");
	targets = xcalloc((size_t)(argc - optind), sizeof(*targets));
	for (int i = optind; i < argc; i++)
		if (ipaddr_parse(argv[i], strlen(argv[i]), &targets[i - optind]))
			cli_usage_error(&cli, "not an IP address: %s", argv[i]);
	store = cli_open_store(&cli, STORE_CREATE);
	if (!store)
		return EXIT_ERROR;
	if (probe_policy_init(&pol, cli.cfg, &err)) {
		rc = cli_error("%s", err.msg);
		goto out_store;
	}
	for (size_t i = 0; i < nscopes; i++)
		if (probe_policy_allow(&pol, scopes[i]))
			cli_usage_error(&cli, "--scope: not a prefix: %s", scopes[i]);
	enr = cli_default_enricher(&cli);

	/* The policy first: a refused address never sees a packet. */
	for (int i = optind; i < argc; i++) {
		struct ipaddr *a = &targets[i - optind];
		struct seen s = {0};
		struct obs_filter f;
		const char *why;

		obs_filter_init(&f);
		f.has_ip = true;
		f.ip = *a;
		if (store_query_observations(store, &f, note_observation, &s, &err)) {
			rc = cli_error("%s", err.msg);
			goto out_policy;
		}
		if (!s.cc[0] && enr) {
			struct enrichment e;

			enr->lookup(enr, a, &e);
			memcpy(s.cc, e.cc, sizeof(s.cc));
		}
		if (!probe_policy_check(&pol, a, s.infected, s.cc, &why)) {
			log_error("refused %s: %s", argv[i], why);
			refused++;
			continue;
		}
		targets[ntargets++] = *a;
	}
	if (ntargets) {
		if (probe_job_init(&job, cli.cfg, &err)) {
			rc = cli_error("%s", err.msg);
			goto out_policy;
		}
		if (!*config_str(cli.cfg, "probe", "contact_url"))
			log_warn("probe.contact_url is empty: probed parties cannot reach you");
		if (probe_job_run(&job, targets, ntargets, store, report, &pc, &err))
			rc = cli_error("%s", err.msg);
		probe_job_free(&job);
		log_info("probe: %zu addresses probed, %zu named, %zu refused", ntargets, pc.named, refused);
	}
	if (refused && rc == EXIT_OK)
		rc = EXIT_ERROR;
out_policy:
	probe_policy_free(&pol);
out_store:
	store_close(store);
	config_free(cli.cfg);
	free(targets);
	free(scopes);
	return rc;
}
