/* token.c - `iotmon token add|list|revoke`: API tokens of the per-network API. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/timeutil.h"
#include "web/auth.h"

static const char usage[] =
	"Usage: iotmon token add --network ASN[,ASN...] --name NAME [options]\n"
	"       iotmon token list [options]\n"
	"       iotmon token revoke ID [options]\n"
	"Manage tokens of the per-network API (iotmon serve). `add` prints the new token\n"
	"alone on the last line of stdout, once: only its SHA-256 is stored. A token reads\n"
	"the listed networks' data and nothing else. `list` prints id, name, networks,\n"
	"created and revoked (tab-separated); `revoke` ends a token at once.\n"
	"\n"
	"      --network LIST  AS numbers the token may read (add)\n"
	"      --name NAME     who the token is for (add; 1-63 printable characters)\n" CLI_COMMON_HELP;

enum { OPT_NETWORK = 1, OPT_NAME };

static int print_token(const struct api_token *t, void *arg)
{
	char created[TIME_RFC3339_LEN + 1], revoked[TIME_RFC3339_LEN + 1] = "-";

	(void)arg;
	time_format_rfc3339(t->created_us, created);
	if (t->revoked_us)
		time_format_rfc3339(t->revoked_us, revoked);
	printf("%" PRId64 "\t%s\t", t->id, t->name);
	for (size_t i = 0; i < t->nasns; i++)
		printf("%s%" PRIu32, i ? "," : "", t->asns[i]);
	printf("\t%s\t%s\n", created, revoked);
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= TOKEN_NAME_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

int cmd_token(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"network", required_argument, NULL, OPT_NETWORK},
		{"name", required_argument, NULL, OPT_NAME},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "token", .usage = usage};
	const char *network = NULL, *name = NULL, *action;
	struct api_token t;
	struct store *store;
	struct err err;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_NETWORK:
			network = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	if (optind >= argc)
		cli_usage_error(&cli, "missing action: add, list or revoke");
	action = argv[optind++];
	memset(&t, 0, sizeof(t));
	if (strcmp(action, "add") == 0) {
		if (!network || !name)
			cli_usage_error(&cli, "add needs --network and --name");
		if (auth_parse_asns(network, &t, &err))
			cli_usage_error(&cli, "--network: %s", err.msg);
		if (!name_ok(name))
			cli_usage_error(&cli, "--name: 1-%d printable characters", TOKEN_NAME_MAX - 1);
		cli_finish_options(&cli, argc, argv);
		snprintf(t.name, sizeof(t.name), "%s", name);
	} else if (strcmp(action, "list") == 0) {
		cli_finish_options(&cli, argc, argv);
	} else if (strcmp(action, "revoke") == 0) {
		char *end;

		if (optind != argc - 1)
			cli_usage_error(&cli, "revoke needs one token id (see `iotmon token list`)");
		t.id = strtoll(argv[optind], &end, 10);
		if (*end || t.id <= 0)
			cli_usage_error(&cli, "not a token id: %s", argv[optind]);
	} else {
		cli_usage_error(&cli, "unknown action \"%s\"", action);
	}

	store = cli_open_store(&cli, strcmp(action, "add") == 0 ? STORE_CREATE
				     : strcmp(action, "list") == 0 ? STORE_READONLY
								    : 0);
	if (!store)
		return EXIT_ERROR;
	if (strcmp(action, "add") == 0) {
		char secret[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX];

		t.created_us = time_now_us();
		rc = auth_token_new(secret, &err);
		if (!rc) {
			auth_token_hash(secret, AUTH_TOKEN_LEN, hash);
			rc = store_add_token(store, &t, hash, &err);
		}
		if (!rc) {
			printf("token %" PRId64 " for \"%s\", networks ", t.id, t.name);
			for (size_t i = 0; i < t.nasns; i++)
				printf("%s%" PRIu32, i ? "," : "", t.asns[i]);
			printf(" (shown once; only its hash is stored):\n%s\n", secret);
		}
	} else if (strcmp(action, "list") == 0) {
		rc = store_list_tokens(store, print_token, NULL, &err);
	} else {
		bool found;

		rc = store_revoke_token(store, t.id, time_now_us(), &found, &err);
		if (!rc && !found)
			rc = err_set(&err, "no token with id %" PRId64, t.id);
		if (!rc)
			fprintf(stderr, "iotmon token: token %" PRId64 " revoked\n", t.id);
	}
	store_close(store);
	config_free(cli.cfg);
	if (rc)
		return cli_error("%s", err.msg);
	return cli_flush_stdout();
}
