/* treatment.c - `iotmon treatment assign|list|notify`: the bookkeeping of
 * notification experiments (who is in which group, who was told when). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/strmap.h"
#include "analysis/treatment.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

static const char usage[] =
	"Usage: iotmon treatment assign --seed S --groups A,B[,...] [--by ip|network] [--since DAY] [--day DAY]\n"
	"       iotmon treatment list\n"
	"       iotmon treatment notify IP DAY CHANNEL\n"
	"Notification experiments.\n"
	"  assign  puts every infected unit (IP, or network as AS<n>) seen on or after --since into one of\n"
	"          the groups: seeded, stratified (IPs by network, networks by country), balanced within\n"
	"          each stratum. Units that already have a group keep it. --day is the assignment day\n"
	"          (default today): episodes that ended before it are not counted as treated.\n"
	"  list    prints the assignments as CSV: unit,unit_kind,group,stratum,seed,day\n"
	"  notify  records that IP was notified on DAY (YYYY-MM-DD) by CHANNEL (e.g. feed, email,\n"
	"          walled-garden); the same triple twice is one record.\n"
	"`iotmon report remediation --by treatment` compares the groups.\n\n"
	"Options:\n" CLI_COMMON_HELP;

enum { OPT_SEED = 1, OPT_GROUPS, OPT_BY, OPT_SINCE, OPT_DAY };

#define MAX_GROUPS 16

struct collect {
	bool by_network;
	struct strmap seen;
	struct assign_unit *units;
	size_t n, cap;
};

static int collect_unit(const struct observation *o, void *arg)
{
	struct collect *c = arg;
	char unit[IPADDR_STRLEN];
	struct assign_unit *u;

	if (c->by_network) {
		if (!o->net.asn)
			return 0; /* a network experiment cannot place an IP without one */
		snprintf(unit, sizeof(unit), "AS%u", o->net.asn);
	} else {
		ipaddr_format(&o->ip, unit);
	}
	if (strmap_get(&c->seen, unit) != STRMAP_NONE)
		return 0;
	strmap_put(&c->seen, unit, c->n);
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->units = xrealloc(c->units, c->cap * sizeof(*c->units));
	}
	u = &c->units[c->n++];
	memset(u, 0, sizeof(*u));
	snprintf(u->unit, sizeof(u->unit), "%s", unit);
	if (c->by_network)
		snprintf(u->stratum, sizeof(u->stratum), "%s", o->net.cc[0] ? o->net.cc : "unknown");
	else if (o->net.asn)
		snprintf(u->stratum, sizeof(u->stratum), "AS%u", o->net.asn);
	else
		snprintf(u->stratum, sizeof(u->stratum), "unknown");
	return 0;
}

static bool valid_name(const char *s, size_t len)
{
	if (len == 0 || len > 31)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static size_t parse_groups(const struct cli *cli, const char *arg, char groups[][32])
{
	size_t n = 0;

	for (const char *p = arg;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!valid_name(p, len))
			cli_usage_error(cli, "--groups: names of 1-31 letters, digits, '-', '_' or '.': %s", arg);
		if (n == MAX_GROUPS)
			cli_usage_error(cli, "--groups: at most %d groups", MAX_GROUPS);
		memcpy(groups[n], p, len);
		groups[n][len] = '\0';
		for (size_t i = 0; i < n; i++)
			if (strcmp(groups[i], groups[n]) == 0)
				cli_usage_error(cli, "--groups: %s given twice", groups[n]);
		n++;
		if (!e)
			break;
		p = e + 1;
	}
	if (n < 2)
		cli_usage_error(cli, "--groups: an experiment needs at least two groups");
	return n;
}

static int parse_day(const char *s, int64_t *day)
{
	return time_parse_day(s, strlen(s), day);
}

static int assign(struct cli *cli, struct store *store, uint64_t seed, char groups[][32], size_t ngroups,
		  bool by_network, int64_t since, int64_t day)
{
	struct collect c = {.by_network = by_network};
	struct obs_filter f;
	uint64_t added[MAX_GROUPS] = {0}, kept = 0;
	struct err err;
	int rc;

	(void)cli;
	strmap_init(&c.seen);
	obs_filter_init(&f);
	f.day_from = since;
	f.by_ip = true;
	f.episode_fields = true;
	rc = store_query_observations(store, &f, collect_unit, &c, &err);
	strmap_free(&c.seen);
	if (!rc)
		treatment_assign(c.units, c.n, ngroups, seed);
	if (!rc && c.n) {
		struct treatment *t = xcalloc(c.n, sizeof(*t));
		bool *is_new = xcalloc(c.n, sizeof(*is_new));

		for (size_t i = 0; i < c.n; i++) {
			snprintf(t[i].unit, sizeof(t[i].unit), "%s", c.units[i].unit);
			snprintf(t[i].unit_kind, sizeof(t[i].unit_kind), "%s", by_network ? "network" : "ip");
			snprintf(t[i].group, sizeof(t[i].group), "%s", groups[c.units[i].group]);
			snprintf(t[i].stratum, sizeof(t[i].stratum), "%s", c.units[i].stratum);
			t[i].seed = seed;
			t[i].day = day;
		}
		rc = store_put_treatments(store, t, c.n, is_new, &err);
		for (size_t i = 0; !rc && i < c.n; i++) {
			if (is_new[i])
				added[c.units[i].group]++;
			else
				kept++;
		}
		free(t);
		free(is_new);
	}
	free(c.units);
	if (rc)
		return cli_error("%s", err.msg);
	printf("group,assigned\n");
	for (size_t g = 0; g < ngroups; g++)
		printf("%s,%llu\n", groups[g], (unsigned long long)added[g]);
	printf("(kept),%llu\n", (unsigned long long)kept);
	return EXIT_OK;
}

static int print_treatment(const struct treatment *t, void *arg)
{
	char day[11];

	(void)arg;
	time_format_day(t->day, day);
	printf("%s,%s,%s,%s,%llu,%s\n", t->unit, t->unit_kind, t->group, t->stratum, (unsigned long long)t->seed,
	       day);
	return 0;
}

int cmd_treatment(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"seed", required_argument, NULL, OPT_SEED},
		{"groups", required_argument, NULL, OPT_GROUPS},
		{"by", required_argument, NULL, OPT_BY},
		{"since", required_argument, NULL, OPT_SINCE},
		{"day", required_argument, NULL, OPT_DAY},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "treatment", .usage = usage};
	char groups[MAX_GROUPS][32];
	size_t ngroups = 0;
	bool by_network = false, has_seed = false;
	uint64_t seed = 0;
	int64_t since = INT64_MIN, day = time_day_of(time_now_us());
	const char *verb;
	struct store *store;
	struct err err;
	char *end;
	int opt, rc = EXIT_OK;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		cli_usage_error(&cli, "assign, list or notify?");
	}
	verb = argv[1];
	if (strcmp(verb, "assign") && strcmp(verb, "list") && strcmp(verb, "notify"))
		cli_usage_error(&cli, "unknown action: %s (assign, list or notify)", verb);
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_SEED:
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (*optarg == '-' || end == optarg || *end || errno)
				cli_usage_error(&cli, "--seed: not a number: %s", optarg);
			has_seed = true;
			break;
		case OPT_GROUPS:
			ngroups = parse_groups(&cli, optarg, groups);
			break;
		case OPT_BY:
			if (strcmp(optarg, "ip") && strcmp(optarg, "network"))
				cli_usage_error(&cli, "--by: ip or network: %s", optarg);
			by_network = strcmp(optarg, "network") == 0;
			break;
		case OPT_SINCE:
			if (parse_day(optarg, &since))
				cli_usage_error(&cli, "--since: not a day (YYYY-MM-DD): %s", optarg);
			break;
		case OPT_DAY:
			if (parse_day(optarg, &day))
				cli_usage_error(&cli, "--day: not a day (YYYY-MM-DD): %s", optarg);
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	if (strcmp(verb, "assign") == 0) {
		if (!has_seed)
			cli_usage_error(&cli, "assign needs --seed (the experiment must be reproducible)");
		if (!ngroups)
			cli_usage_error(&cli, "assign needs --groups");
		cli_finish_options(&cli, argc, argv);
		store = cli_open_store(&cli, 0);
		if (!store)
			return EXIT_ERROR;
		rc = assign(&cli, store, seed, groups, ngroups, by_network, since, day);
	} else if (strcmp(verb, "list") == 0) {
		cli_finish_options(&cli, argc, argv);
		store = cli_open_store(&cli, STORE_READONLY);
		if (!store)
			return EXIT_ERROR;
		printf("unit,unit_kind,group,stratum,seed,day\n");
		if (store_query_treatments(store, print_treatment, NULL, &err))
			rc = cli_error("%s", err.msg);
	} else {
		struct notification n;
		bool added = false;

		if (argc - optind != 3)
			cli_usage_error(&cli, "notify needs IP DAY CHANNEL");
		memset(&n, 0, sizeof(n));
		if (ipaddr_parse(argv[optind], strlen(argv[optind]), &n.ip))
			cli_usage_error(&cli, "not an IP address: %s", argv[optind]);
		if (parse_day(argv[optind + 1], &n.day))
			cli_usage_error(&cli, "not a day (YYYY-MM-DD): %s", argv[optind + 1]);
		if (!valid_name(argv[optind + 2], strlen(argv[optind + 2])))
			cli_usage_error(&cli, "channel: 1-31 letters, digits, '-', '_' or '.': %s", argv[optind + 2]);
		snprintf(n.channel, sizeof(n.channel), "%s", argv[optind + 2]);
		store = cli_open_store(&cli, STORE_CREATE);
		if (!store)
			return EXIT_ERROR;
		if (store_record_notification(store, &n, &added, &err))
			rc = cli_error("%s", err.msg);
		else if (!added)
			fprintf(stderr, "iotmon treatment: already recorded\n");
	}
	store_close(store);
	config_free(cli.cfg);
	return rc == EXIT_OK ? cli_flush_stdout() : rc;
}
