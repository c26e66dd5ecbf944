/* serve.c - `iotmon serve`: the dashboard and the per-network API alone. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/privsep.h"
#include "web/web.h"

static const char usage[] =
	"Usage: iotmon serve [--listen ADDR:PORT] [options]\n"
	"Serve the public dashboard (no IP addresses) and the authenticated per-network\n"
	"API over HTTP until SIGINT or SIGTERM. Pages: / /countries /networks\n"
	"/manufacturers /families /remediation /sensors /metrics; API (Authorization:\n"
	"Bearer TOKEN, see `iotmon token`): /api/v1/networks, /api/v1/infections,\n"
	"/api/v1/feed?date=YYYY-MM-DD&format=csv|json (what `iotmon feed` prints, for the\n"
	"token's networks only).\n"
	"Limits and the cache come from the [web] section of the configuration.\n"
	"\n"
	"      --listen ADDR:PORT  address to serve on (overrides [web] listen;\n"
	"                          port 0 picks a free one, logged at start)\n" CLI_COMMON_HELP;

enum { OPT_LISTEN = 1 };

/* After the first stop signal: stopping waits for requests in progress; a
 * second signal means "now" (the store needs no clean-up: readers only). */
static void *second_signal(void *arg)
{
	const sigset_t *stop_signals = arg;
	int sig;

	if (sigwait(stop_signals, &sig) == 0) {
		log_warn("%s received again: exiting without waiting for requests in progress",
			 sig == SIGINT ? "SIGINT" : "SIGTERM");
		_exit(EXIT_INTERRUPTED);
	}
	return NULL;
}

/* Every file and store connection is open, no thread runs yet: the same
 * seccomp filter as the web child of `iotmon run`. */
static int confine(void *arg, struct err *err)
{
	(void)arg;
	return privsep_confine_web(err);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"listen", required_argument, NULL, OPT_LISTEN},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.command = "serve", .usage = usage};
	const char *listen = NULL;
	struct web_options o;
	struct web_server *w;
	sigset_t stop_signals;
	pthread_t watcher;
	struct err err;
	int opt, sig;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		if (opt == OPT_LISTEN)
			listen = optarg;
		else
			cli_bad_option(&cli);
	}
	cli_finish_options(&cli, argc, argv);
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (!cli_store_target(&cli)) {
		config_free(cli.cfg);
		return EXIT_ERROR;
	}
	if (web_options_from_config(cli.cfg, cli_store_target(&cli), listen, &o, &err)) {
		config_free(cli.cfg);
		cli_usage_error(&cli, "%s", err.msg);
	}
	/* Only sigwait() below sees the stop signals; the server's threads
	 * inherit the mask. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_set_timestamps(1);
	o.before_threads = confine;
	w = web_start(&o, &err);
	if (!w) {
		config_free(cli.cfg);
		return cli_error("%s", err.msg);
	}
	log_info("serving %s on http://%s%s%s:%u/", o.db_path, strchr(o.host, ':') ? "[" : "",
		 o.host, strchr(o.host, ':') ? "]" : "", web_port(w));
	if (sigwait(&stop_signals, &sig) == 0)
		log_info("%s received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	if (pthread_create(&watcher, NULL, second_signal, &stop_signals) == 0)
		pthread_detach(watcher);
	web_stop(w);
	log_info("stopped");
	config_free(cli.cfg);
	return EXIT_OK;
}
