/* honeypot.c - `iotmon honeypot`: the IoT honeypot on its own. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/privdrop.h"
#include "sensor/honeypot/separate.h"

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
	"      --cowrie-log FILE         also write a Cowrie-compatible JSON log\n"
	"      --no-store                keep no events (the Cowrie log only, or a load test)\n" CLI_COMMON_HELP;

enum { OPT_TELNET = 1, OPT_HTTP, OPT_PROFILE, OPT_COWRIE, OPT_NO_STORE };

/* Many sessions need many descriptors: take the hard limit. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int child_ended;

/* The relay saw the child's end of the socket close: unless we are
 * stopping anyway, the child died, and the parent stops too. */
static void child_gone(void)
{
	__atomic_store_n(&child_ended, 1, __ATOMIC_RELEASE);
	kill(getpid(), SIGTERM);
}

int cmd_honeypot(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"telnet", required_argument, NULL, OPT_TELNET},
		{"http", required_argument, NULL, OPT_HTTP},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"cowrie-log", required_argument, NULL, OPT_COWRIE},
		{"no-store", no_argument, NULL, OPT_NO_STORE},
		{NULL, 0, NULL, 0},
	};
	static const char *const keys[] = {[OPT_TELNET] = "telnet", [OPT_HTTP] = "http",
					   [OPT_PROFILE] = "profile", [OPT_COWRIE] = "cowrie_log"};
	struct cli cli = {.command = "honeypot", .usage = usage};
	const char *set[OPT_COWRIE + 1] = {NULL};
	struct honeypot_config hc;
	struct sink_stats st;
	struct store *store = NULL;
	bool no_store = false;
	struct sink *sink = NULL;
	struct sensor_child *proc;
	char describe[1024];
	sigset_t stop_signals;
	struct err err;
	int opt, sig, rc = EXIT_OK;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		if (opt >= OPT_TELNET && opt <= OPT_COWRIE)
			set[opt] = optarg;
		else if (opt == OPT_NO_STORE)
			no_store = true;
		else
			cli_bad_option(&cli);
	}
	cli_finish_options(&cli, argc, argv);
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

	if (cli_check_daemon_files(&cli, &err) || honeypot_config_from(cli.cfg, &hc, &err)) {
		config_free(cli.cfg);
		return cli_error("%s", err.msg);
	}
	/* Binds and forks before the store is opened: the child never has it. */
	proc = honeypot_child_start(&hc, config_str(cli.cfg, "general", "user"), describe, sizeof(describe), &err);
	if (!proc) {
		config_free(cli.cfg);
		return cli_error("honeypot: %s", err.msg);
	}
	if (no_store) {
		sink = null_sink_new();
	} else if (cli_publishes(&cli)) {
		sink = cli_sensor_events(&cli, NULL); /* JetStream: no store here */
	} else {
		store = cli_open_store(&cli, STORE_CREATE);
		sink = store ? cli_sensor_events(&cli, store) : NULL;
	}
	if (!sink) {
		rc = EXIT_ERROR;
	} else if (sensor_child_relay(proc, sink, child_gone, &err)) {
		rc = cli_error("%s", err.msg);
	} else if (sensor_child_wait_started(proc, &err)) {
		rc = cli_error("honeypot: %s", err.msg);
	} else if (geteuid() == 0) {
		const char *user = config_str(cli.cfg, "general", "user");

		if (privdrop(user, &err))
			rc = cli_error("%s", err.msg);
		else
			log_info("dropped privileges to user %s", user);
	}
	if (rc == EXIT_OK)
		log_info("ready: %s (sensor child %d)", describe, (int)sensor_child_pid(proc));
	if (rc == EXIT_OK && sigwait(&stop_signals, &sig) == 0 && !__atomic_load_n(&child_ended, __ATOMIC_ACQUIRE))
		log_info("%s received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	if (sensor_child_stop(proc, &err))
		rc = cli_error("%s", err.msg);
	if (sink) {
		if (sink_flush(sink, &err))
			rc = cli_error("%s", err.msg);
		sink_stats(sink, &st);
		if (sink_close(sink, &err))
			rc = cli_error("%s", err.msg);
		cli_log_stopped(&st);
	}
	if (store)
		store_close(store);
	config_free(cli.cfg);
	return rc;
}
