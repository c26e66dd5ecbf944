/* run.c - `iotmon run`: the monitor daemon. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/privdrop.h"
#include "run/service.h"

static const char usage[] =
	"Usage: iotmon run [options]\n"
	"Run the monitor: open (and migrate) the store, start the sensors and jobs the\n"
	"configuration enables, and serve until SIGINT or SIGTERM; then flush every\n"
	"accepted event to the store and exit 0.\n\n" CLI_COMMON_HELP;

#define MAX_SERVICES 32

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct cli cli = {.command = "run", .usage = usage};
	void *state[MAX_SERVICES];
	const struct service *started[MAX_SERVICES];
	int nstarted = 0, opt, sig, rc = EXIT_OK;
	struct service_env env;
	struct sink_stats st;
	struct store *store;
	struct sink *sink;
	sigset_t stop_signals;
	struct err err;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1)
		if (!cli_common_option(&cli, opt, optarg))
			cli_bad_option(&cli);
	cli_finish_options(&cli, argc, argv);

	/* Every thread inherits this mask, so only sigwait() below sees the
	 * stop signals and shutdown is one orderly path. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_set_timestamps(1);

	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (cli_check_daemon_files(&cli, &err)) {
		config_free(cli.cfg);
		return cli_error("%s", err.msg);
	}
	env.cfg = cli.cfg;
	env.sink = NULL;
	env.db_path = cli_store_target(&cli);
	for (int i = 0; services[i]; i++)
		if (services[i]->before_store && services[i]->enabled(cli.cfg) &&
		    services[i]->before_store(&env, &err)) {
			config_free(cli.cfg);
			return cli_error("%s: %s", services[i]->name, err.msg);
		}
	store = cli_open_store(&cli, STORE_CREATE);
	if (!store)
		return EXIT_ERROR;
	sink = cli_sensor_events(&cli, store);
	if (!sink) {
		store_close(store);
		return EXIT_ERROR;
	}
	env.sink = sink;

	for (int i = 0; services[i] && nstarted < MAX_SERVICES; i++) {
		if (!services[i]->enabled(cli.cfg))
			continue;
		state[nstarted] = services[i]->start(&env, &err);
		if (!state[nstarted]) {
			rc = cli_error("%s: %s", services[i]->name, err.msg);
			goto stop;
		}
		started[nstarted++] = services[i];
	}
	/* Sockets are bound and the store is open (SQLite keeps its files
	 * open), so nothing below needs root. */
	if (geteuid() == 0) {
		const char *user = config_str(cli.cfg, "general", "user");

		if (privdrop(user, &err)) {
			rc = cli_error("%s", err.msg);
			goto stop;
		}
		log_info("dropped privileges to user %s", user);
	}
	for (int i = 0; i < nstarted; i++)
		if (started[i]->ready && started[i]->ready(state[i], &err)) {
			rc = cli_error("%s: %s", started[i]->name, err.msg);
			goto stop;
		}
	log_info("ready: store %s, %d service%s (%s)", store->name, nstarted, nstarted == 1 ? "" : "s",
		 config_source(cli.cfg));
	for (int i = 0; i < nstarted; i++)
		log_info("service %s running", started[i]->name);

	if (sigwait(&stop_signals, &sig) == 0)
		log_info("%s received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
stop:
	while (nstarted > 0) {
		nstarted--;
		started[nstarted]->stop(state[nstarted]);
	}
	sink_flush(sink, NULL);
	sink_stats(sink, &st);
	if (sink_close(sink, &err))
		rc = cli_error("%s", err.msg);
	cli_log_stopped(&st);
	store_close(store);
	config_free(cli.cfg);
	return rc;
}
