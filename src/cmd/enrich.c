/* enrich.c - `iotmon enrich`: network and country of addresses, and
 * re-enrichment of stored observations after a data update. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "enrich/enrich.h"

static const char *const text_json[] = {"text", "json", NULL};

static const char usage[] =
	"Usage: iotmon enrich --ip ADDR [--ip ADDR...] [--format text|json] [options]\n"
	"       iotmon enrich --all [options]\n"
	"Print the AS number, network name and country of each address ([enrich]\n"
	"sources, by default the ip-location-db files `make data` put in data/ipdb),\n"
	"or with --all look up every stored observation again and store the answers.\n"
	"JSON: one object per line with ip, asn, as_name, cc and data_date (the\n"
	"date of the data that answered); unknown fields are null.\n\n"
	"      --ip ADDR        an IPv4 or IPv6 address (repeatable)\n"
	"      --format FMT     text (default) or json\n"
	"      --all            re-enrich the stored observations\n" CLI_COMMON_HELP;

enum { OPT_IP = 1, OPT_FORMAT, OPT_ALL };

#define ENRICH_BATCH 10000

static void print_json(const char *ip, const struct enrichment *r)
{
	json_t *o = json_object();
	char day[16];
	char *text;

	json_object_set_new(o, "ip", json_string(ip));
	json_object_set_new(o, "asn", r->asn ? json_integer(r->asn) : json_null());
	json_object_set_new(o, "as_name", r->as_name[0] ? json_string(r->as_name) : json_null());
	json_object_set_new(o, "cc", r->cc[0] ? json_string(r->cc) : json_null());
	if (r->data_time_us) {
		time_format_day(time_day_of(r->data_time_us), day);
		json_object_set_new(o, "data_date", json_string(day));
	} else {
		json_object_set_new(o, "data_date", json_null());
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(text);
	free(text);
	json_decref(o);
}

static void print_text(const char *ip, const struct enrichment *r)
{
	char asn[16] = "-", day[16] = "-";

	if (r->asn)
		snprintf(asn, sizeof(asn), "AS%u", r->asn);
	if (r->data_time_us)
		time_format_day(time_day_of(r->data_time_us), day);
	printf("%s\t%s\t%s\t%s\t%s\n", ip, asn, r->cc[0] ? r->cc : "-", day, r->as_name[0] ? r->as_name : "-");
}

struct ip_set {
	struct ipaddr *v;
	size_t n, cap;
};

static int collect_ip(const struct observation *o, void *arg)
{
	struct ip_set *s = arg;

	/* One row per IP and day; duplicates go after sorting. */
	if (s->n && ipaddr_equal(&s->v[s->n - 1], &o->ip))
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = o->ip;
	return 0;
}

static int cmp_ip(const void *a, const void *b)
{
	return ipaddr_compare(a, b);
}

static void sort_unique(struct ip_set *s)
{
	size_t k = 0;

	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_ip);
	for (size_t i = 0; i < s->n; i++)
		if (k == 0 || !ipaddr_equal(&s->v[k - 1], &s->v[i]))
			s->v[k++] = s->v[i];
	s->n = k;
}

static int enrich_all(struct cli *cli, const struct enricher *enr)
{
	struct ip_set ips = {0};
	struct enrichment *nets = NULL;
	size_t with_asn = 0, with_cc = 0;
	struct obs_filter f;
	struct store *store;
	struct err err;
	int rc = EXIT_OK;

	store = cli_open_store(cli, 0);
	if (!store)
		return EXIT_ERROR;
	obs_filter_init(&f);
	if (store_query_observations(store, &f, collect_ip, &ips, &err)) {
		rc = cli_error("%s", err.msg);
		goto out;
	}
	sort_unique(&ips);
	nets = xcalloc(ips.n ? ips.n : 1, sizeof(*nets));
	for (size_t i = 0; i < ips.n; i++) {
		enr->lookup(enr, &ips.v[i], &nets[i]);
		with_asn += nets[i].asn != 0;
		with_cc += nets[i].cc[0] != '\0';
	}
	/* Batches: one transaction each, so a long run shows progress on disk
	 * and a failure loses at most one batch. */
	for (size_t i = 0; i < ips.n; i += ENRICH_BATCH) {
		size_t k = ips.n - i < ENRICH_BATCH ? ips.n - i : ENRICH_BATCH;

		if (store_set_enrichment_many(store, ips.v + i, nets + i, k, &err)) {
			rc = cli_error("%s", err.msg);
			goto out;
		}
	}
	log_info("enrich: %zu addresses re-enriched (%zu with an AS, %zu with a country)", ips.n, with_asn, with_cc);
out:
	free(nets);
	free(ips.v);
	store_close(store);
	return rc;
}

int cmd_enrich(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"ip", required_argument, NULL, OPT_IP},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"all", no_argument, NULL, OPT_ALL},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "enrich", .usage = usage};
	const char **ips = xcalloc((size_t)argc + 1, sizeof(*ips));
	size_t nips = 0;
	bool json = false, all = false;
	struct enrich *e;
	struct err err;
	int opt, rc = EXIT_OK;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_IP:
			ips[nips++] = optarg;
			break;
		case OPT_FORMAT:
			json = cli_choice(&cli, "format", optarg, text_json) == 1;
			break;
		case OPT_ALL:
			all = true;
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	if (optind < argc)
		cli_usage_error(&cli, "unexpected argument: %s (addresses go after --ip)", argv[optind]);
	if (!all && nips == 0)
		cli_usage_error(&cli, "nothing to do: give --ip ADDR or --all");
	if (all && nips)
		cli_usage_error(&cli, "--all and --ip exclude each other");
	for (size_t i = 0; i < nips; i++) {
		struct ipaddr a;

		if (ipaddr_parse(ips[i], strlen(ips[i]), &a))
			cli_usage_error(&cli, "--ip: not an IP address: %s", ips[i]);
	}
	if (cli_load_config(&cli)) {
		free(ips);
		return EXIT_ERROR;
	}
	e = enrich_open(cli.cfg, &err);
	if (!e) {
		free(ips);
		config_free(cli.cfg);
		return cli_error("%s", err.msg);
	}
	log_debug("enrichment: %s", enrich_describe(e));
	if (all) {
		rc = enrich_all(&cli, enrich_enricher(e));
	} else {
		const struct enricher *enr = enrich_enricher(e);

		for (size_t i = 0; i < nips; i++) {
			struct enrichment r;
			struct ipaddr a;
			char text[IPADDR_STRLEN];

			ipaddr_parse(ips[i], strlen(ips[i]), &a);
			ipaddr_format(&a, text);
			enr->lookup(enr, &a, &r);
			if (json)
				print_json(text, &r);
			else
				print_text(text, &r);
		}
		if (cli_flush_stdout() != EXIT_OK)
			rc = EXIT_ERROR;
	}
	enrich_close(e);
	free(ips);
	config_free(cli.cfg);
	return rc;
}
