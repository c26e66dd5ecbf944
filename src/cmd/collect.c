/* collect.c - `iotmon collect`: the central collector (JetStream -> store). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "transport/collector.h"
#include "transport/metrics_listener.h"

static const char usage[] =
	"Usage: iotmon collect --nats URL --db URL [options]\n"
	"Consume the central JetStream stream with a durable consumer and write the\n"
	"events to the store, acknowledging each batch only after it is committed.\n"
	"Creates the stream (sourcing [collector] sources), a dead-letter stream and\n"
	"the consumer when missing. Prints a line containing \"ready\" on stderr once\n"
	"consuming; on SIGINT or SIGTERM commits the current batch and exits 0.\n"
	"\n"
	"      --nats URL          NATS server of the central site (overrides [transport] nats)\n"
	"      --metrics ADDR:PORT serve the counters at /metrics (overrides [collector] metrics_listen)\n" CLI_COMMON_HELP;

enum { OPT_NATS = 1, OPT_METRICS };

static volatile sig_atomic_t stop_requested;

/* Signals are blocked in every thread; this one waits for them. */
static void *signal_main(void *arg)
{
	sigset_t *set = arg;
	int sig;

	if (sigwait(set, &sig) == 0)
		log_info("%s received, finishing the current batch", sig == SIGINT ? "SIGINT" : "SIGTERM");
	__atomic_store_n(&stop_requested, 1, __ATOMIC_RELAXED); /* read by the collector's threads */
	return NULL;
}

struct ready_arg {
	const struct collector_options *opt;
	const char *db;
};

static void on_ready(void *arg)
{
	const struct ready_arg *r = arg;

	log_info("ready: consuming stream %s (durable %s) from %s into %s", r->opt->js.stream, r->opt->durable,
		 r->opt->js.url, r->db);
}

int cmd_collect(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"nats", required_argument, NULL, OPT_NATS},
		{"metrics", required_argument, NULL, OPT_METRICS},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "collect", .usage = usage};
	const char *nats = NULL, *metrics = NULL;
	struct metrics_listener *ml = NULL;
	struct collector_options opt;
	struct collector_stats st;
	struct ready_arg ra;
	struct store *store;
	sigset_t stop_signals;
	pthread_t sig_thread;
	char **sources;
	struct err err;
	int opt_c, rc = EXIT_OK;

	while ((opt_c = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt_c, optarg))
			continue;
		if (opt_c == OPT_NATS)
			nats = optarg;
		else if (opt_c == OPT_METRICS)
			metrics = optarg;
		else
			cli_bad_option(&cli);
	}
	cli_finish_options(&cli, argc, argv);
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (nats && config_set(cli.cfg, "transport", "nats", nats, &err))
		cli_usage_error(&cli, "%s", err.msg);
	if (metrics && config_set(cli.cfg, "collector", "metrics_listen", metrics, &err))
		cli_usage_error(&cli, "%s", err.msg);
	if (!*config_str(cli.cfg, "transport", "nats"))
		cli_usage_error(&cli, "no NATS server: give --nats URL or set [transport] nats");

	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_set_timestamps(1);

	/* The store first: a store that refuses us is one error line, exit 1. */
	store = cli_open_store(&cli, STORE_CREATE);
	if (!store) {
		config_free(cli.cfg);
		return EXIT_ERROR;
	}
	collector_options_from(cli.cfg, &opt, &sources);
	opt.enricher = cli_default_enricher(&cli);
	metrics = config_str(cli.cfg, "collector", "metrics_listen");
	if (*metrics && !(ml = metrics_listener_start(metrics, &err))) {
		rc = cli_error("%s", err.msg);
		goto out;
	}
	pthread_create(&sig_thread, NULL, signal_main, &stop_signals);
	pthread_detach(sig_thread);
	ra.opt = &opt;
	ra.db = cli.db_path ? cli.db_path : config_str(cli.cfg, "store", "path");
	if (collector_run(store, &opt, &stop_requested, on_ready, &ra, &st, &err))
		rc = cli_error("collector: %s", err.msg);
	else
		log_info("stopped: %llu messages received, %llu events stored, %llu duplicates, %llu dead letters",
			 (unsigned long long)st.received, (unsigned long long)st.stored,
			 (unsigned long long)st.duplicates, (unsigned long long)st.dead_letters);
out:
	metrics_listener_stop(ml);
	store_close(store);
	for (size_t i = 0; sources[i]; i++)
		free(sources[i]);
	free(sources);
	config_free(cli.cfg);
	return rc;
}
