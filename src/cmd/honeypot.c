/* honeypot.c - `iotmon honeypot`: the IoT honeypot on its own. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/privdrop.h"
#include "sensor/honeypot/honeypot.h"

static const char usage[] =
	"Usage: iotmon honeypot [options]\n"
	"Run the telnet/HTTP IoT honeypot: record every login, command, download and\n"
	"exploit as events in the store (or published to JetStream when [transport] nats\n"
	"is set), with the malware family of each session.\n"
	"Prints a line containing \"ready\" on stderr once every listener accepts; on\n"
	"SIGINT or SIGTERM stores every accepted event and exits 0.\n"
	"\n"
	"      --telnet ADDR:PORT[,...]  telnet listeners (overrides [honeypot] telnet; '' for none)\n"
	"      --http ADDR:PORT[,...]    HTTP listeners (overrides [honeypot] http; '' for none)\n"
	"      --profile NAME            device profile (busybox, ipcam, dvr, router, ...)\n"
	"      --cowrie-log FILE         also write a Cowrie-compatible JSON log\n" CLI_COMMON_HELP;

enum { OPT_TELNET = 1, OPT_HTTP, OPT_PROFILE, OPT_COWRIE };

/* Many sessions need many descriptors: take the hard limit. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int cmd_honeypot(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"telnet", required_argument, NULL, OPT_TELNET},
		{"http", required_argument, NULL, OPT_HTTP},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"cowrie-log", required_argument, NULL, OPT_COWRIE},
		{NULL, 0, NULL, 0},
	};
	static const char *const keys[] = {[OPT_TELNET] = "telnet", [OPT_HTTP] = "http",
					   [OPT_PROFILE] = "profile", [OPT_COWRIE] = "cowrie_log"};
	struct cli cli = {.command = "honeypot", .usage = usage};
	const char *set[OPT_COWRIE + 1] = {NULL};
	struct honeypot_config hc;
	struct honeypot *hp;
	struct sink_stats st;
	struct store *store;
	struct sink *sink;
	sigset_t stop_signals;
	struct err err;
	int opt, sig, rc = EXIT_OK;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		if (opt >= OPT_TELNET && opt <= OPT_COWRIE)
			set[opt] = optarg;
		else
			cli_bad_option(&cli);
	}
	if (optind < argc)
		cli_usage_error(&cli, "unexpected argument: %s", argv[optind]);
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	for (int i = OPT_TELNET; i <= OPT_COWRIE; i++)
		if (set[i] && config_set(cli.cfg, "honeypot", keys[i], set[i], &err))
			cli_usage_error(&cli, "%s", err.msg);

	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	if (honeypot_config_from(cli.cfg, &hc, &err)) {
		config_free(cli.cfg);
		return cli_error("%s", err.msg);
	}
	store = NULL;
	if (!cli_publishes(&cli)) {
		store = cli_open_store(&cli, STORE_CREATE);
		if (!store)
			return EXIT_ERROR;
	}
	sink = cli_event_sink(&cli, store, NULL);
	if (!sink) {
		store_close(store);
		config_free(cli.cfg);
		return EXIT_ERROR;
	}
	hp = honeypot_new(&hc, sink, &err);
	if (!hp) {
		rc = cli_error("honeypot: %s", err.msg);
		goto out;
	}
	if (geteuid() == 0) {
		const char *user = config_str(cli.cfg, "general", "user");

		if (privdrop(user, &err)) {
			rc = cli_error("%s", err.msg);
			honeypot_stop(hp);
			goto out;
		}
		log_info("dropped privileges to user %s", user);
	}
	if (honeypot_start(hp, &err)) {
		rc = cli_error("%s", err.msg);
		honeypot_stop(hp);
		goto out;
	}
	log_info("ready: %s", honeypot_describe(hp));
	if (sigwait(&stop_signals, &sig) == 0)
		log_info("%s received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	honeypot_stop(hp);
out:
	if (sink_flush(sink, &err))
		rc = cli_error("%s", err.msg);
	sink_stats(sink, &st);
	if (sink_close(sink, &err))
		rc = cli_error("%s", err.msg);
	else if (rc == EXIT_OK)
		log_info("stopped: %llu events accepted (%llu new)", (unsigned long long)st.emitted,
			 (unsigned long long)st.inserted);
	store_close(store);
	config_free(cli.cfg);
	return rc;
}
