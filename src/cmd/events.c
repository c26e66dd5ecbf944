/* events.c - `iotmon events`: stored events as canonical JSON lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/pseudonym.h"

static const char usage[] =
	"Usage: iotmon events [options]\n"
	"Print stored events as JSON lines (fields: docs/events.md), oldest first.\n"
	"\n"
	"      --since TIME    only events at or after TIME (RFC 3339 or YYYY-MM-DD, UTC)\n"
	"      --until TIME    only events before TIME\n"
	"      --kind KIND     scan, login, command, download, exploit or session\n"
	"      --src IP        only events from this source address\n"
	"      --family NAME   only this malware family (\"unknown\" for none)\n"
	"      --session ID    only this session\n"
	"      --limit N       at most N events\n"
	"      --pseudonymise KEYFILE\n"
	"                      research export: each source address becomes a keyed\n"
	"                      pseudonym in fd00::/8 (HMAC-SHA256; docs/privacy.md)\n" CLI_COMMON_HELP;

enum { OPT_SINCE = 1, OPT_UNTIL, OPT_KIND, OPT_SRC, OPT_FAMILY, OPT_SESSION, OPT_LIMIT, OPT_PSEUDONYMISE };

static int print_event(const struct event *ev, void *arg)
{
	const struct pseudonym_key *key = arg;
	struct event copy;
	char *json;

	if (key) {
		copy = *ev; /* shallow: only the address changes */
		pseudonym_addr(key, &ev->src, &copy.src);
		ev = &copy;
	}
	json = event_to_json(ev);
	fputs(json, stdout);
	putchar('\n');
	free(json);
	return 0;
}

int cmd_events(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"since", required_argument, NULL, OPT_SINCE},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"kind", required_argument, NULL, OPT_KIND},
		{"src", required_argument, NULL, OPT_SRC},
		{"family", required_argument, NULL, OPT_FAMILY},
		{"session", required_argument, NULL, OPT_SESSION},
		{"limit", required_argument, NULL, OPT_LIMIT},
		{"pseudonymise", required_argument, NULL, OPT_PSEUDONYMISE},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "events", .usage = usage};
	struct event_filter f;
	struct store *store;
	struct err err;
	enum event_kind kind;
	struct pseudonym_key key;
	const char *key_path = NULL;
	char *end;
	int opt, rc;

	event_filter_init(&f);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_SINCE:
			if (cli_parse_time(optarg, &f.since_us))
				cli_usage_error(&cli, "--since: not a time: %s", optarg);
			break;
		case OPT_UNTIL:
			if (cli_parse_time(optarg, &f.until_us))
				cli_usage_error(&cli, "--until: not a time: %s", optarg);
			break;
		case OPT_KIND:
			if (event_kind_parse(optarg, &kind))
				cli_usage_error(&cli, "--kind: unknown kind: %s", optarg);
			f.kind = (int)kind;
			break;
		case OPT_SRC:
			if (ipaddr_parse(optarg, strlen(optarg), &f.src))
				cli_usage_error(&cli, "--src: not an IP address: %s", optarg);
			f.has_src = true;
			break;
		case OPT_FAMILY:
			f.family = optarg;
			break;
		case OPT_SESSION:
			f.session = optarg;
			break;
		case OPT_LIMIT:
			f.limit = strtoull(optarg, &end, 10);
			if (*optarg == '-' || *end || end == optarg)
				cli_usage_error(&cli, "--limit: not a number: %s", optarg);
			break;
		case OPT_PSEUDONYMISE:
			key_path = optarg;
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	cli_finish_options(&cli, argc, argv);
	if (key_path && pseudonym_key_load(key_path, &key, &err))
		return cli_error("%s", err.msg);
	store = cli_open_store(&cli, STORE_READONLY);
	if (!store)
		return EXIT_ERROR;
	rc = store_query_events(store, &f, print_event, key_path ? &key : NULL, &err);
	store_close(store);
	config_free(cli.cfg);
	if (rc)
		return cli_error("%s", err.msg);
	return cli_flush_stdout();
}
