#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addrclass.h"
#include "core/datadir.h"
#include "core/fsafe.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "enrich/enrich.h"
#include "store/store_sink.h"
#include "transport/nats_sink.h"

static int level_forced;

int cli_common_option(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case 'h':
		fputs(cli->usage, stdout);
		exit(EXIT_OK);
	case 'c':
		cli->config_path = arg;
		return 1;
	case CLI_OPT_DB:
		cli->db_path = arg;
		return 1;
	case 'q':
		log_set_level(LOG_ERROR);
		level_forced = 1;
		return 1;
	case 'v':
		log_set_level(LOG_DEBUG);
		level_forced = 1;
		return 1;
	}
	return 0;
}

void cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "iotmon %s: ", cli->command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", cli->usage);
	exit(EXIT_USAGE);
}

void cli_bad_option(const struct cli *cli)
{
	/* getopt has already named the option on stderr. */
	fputs(cli->usage, stderr);
	exit(EXIT_USAGE);
}

void cli_finish_options(const struct cli *cli, int argc, char **argv)
{
	if (optind < argc)
		cli_usage_error(cli, "unexpected argument: %s", argv[optind]);
}

int cli_flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_error("writing to stdout failed");
	return EXIT_OK;
}

int cli_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	return EXIT_ERROR;
}

int cli_load_config(struct cli *cli)
{
	struct err err;

	if (cli->cfg)
		return 0;
	cli->cfg = config_load(cli->config_path, &err);
	if (!cli->cfg) {
		cli_error("%s", err.msg);
		return -1;
	}
	/* Before any thread: the store's writer reads it. IOTMON_LAB_PREFIXES
	 * adds prefixes whatever the file says (test suites, one-off lab runs). */
	const char *env = getenv("IOTMON_LAB_PREFIXES");
	char lab[4096];

	snprintf(lab, sizeof(lab), "%s,%s", config_str(cli->cfg, "store", "lab_prefixes"), env ? env : "");
	if (addrclass_set_lab(lab, &err)) {
		cli_error("%s%s", err.msg, env ? " ([store] lab_prefixes or IOTMON_LAB_PREFIXES)" : "");
		config_free(cli->cfg);
		cli->cfg = NULL;
		return -1;
	}
	if (!level_forced) {
		const char *lvl = config_str(cli->cfg, "general", "log_level");

		log_set_level(strcmp(lvl, "error") == 0	    ? LOG_ERROR
			      : strcmp(lvl, "warning") == 0 ? LOG_WARN
			      : strcmp(lvl, "debug") == 0   ? LOG_DEBUG
							    : LOG_INFO);
	}
	return 0;
}

const char *cli_store_target(struct cli *cli)
{
	const char *url;

	if (cli->db_path)
		return cli->db_path;
	if (cli_load_config(cli))
		return NULL;
	url = config_str(cli->cfg, "store", "url");
	if (*url)
		return url;
	if (strcmp(config_str(cli->cfg, "store", "backend"), "postgresql") == 0) {
		cli_error("[store] backend = postgresql needs [store] url = postgresql://USER@HOST:PORT/DB");
		return NULL;
	}
	return config_str(cli->cfg, "store", "path");
}

struct store *cli_open_store(struct cli *cli, int flags)
{
	const char *target;
	struct store *s;
	struct err err;

	if (cli_load_config(cli) || !(target = cli_store_target(cli)))
		return NULL;
	s = store_open(target, flags, &err);
	if (!s)
		cli_error("%s", err.msg);
	return s;
}

static struct enrich *default_enrich;
static int default_enrich_tried;

static void close_default_enricher(void)
{
	enrich_close(default_enrich);
	default_enrich = NULL;
}

const struct enricher *cli_default_enricher(struct cli *cli)
{
	struct err err;

	if (default_enrich_tried)
		return default_enrich ? enrich_enricher(default_enrich) : NULL;
	default_enrich_tried = 1;
	if (cli_load_config(cli))
		return NULL;
	default_enrich = enrich_open(cli->cfg, &err);
	if (!default_enrich) {
		log_info("observations are not enriched: %s", err.msg);
		return NULL;
	}
	atexit(close_default_enricher);
	log_debug("enrichment: %s", enrich_describe(default_enrich));
	return enrich_enricher(default_enrich);
}

/* What every store sink takes from [store]. */
static struct store_sink_options store_options(struct cli *cli, const struct enricher *enr)
{
	struct store_sink_options opt = {
		.batch_max = (size_t)config_int(cli->cfg, "store", "batch_size"),
		.interval_ms = (int)config_int(cli->cfg, "store", "batch_interval_ms"),
		.queue_max = (size_t)config_int(cli->cfg, "store", "queue_max"),
		.enricher = enr,
		.retention_days = (int)config_int(cli->cfg, "store", "retention_days"),
	};

	/* Observations are enriched as they are made, whoever makes them. */
	if (!opt.enricher)
		opt.enricher = cli_default_enricher(cli);
	return opt;
}

struct sink *cli_store_sink(struct cli *cli, struct store *store, const struct enricher *enr)
{
	struct store_sink_options opt = store_options(cli, enr);

	return store_sink_new(store, &opt);
}

struct sink *cli_sensor_sink(struct cli *cli, struct store *store)
{
	static char dir[4096];
	const char *path = cli->db_path ? cli->db_path : config_str(cli->cfg, "store", "path");
	const char *slash = strrchr(path, '/');
	struct store_sink_options opt = store_options(cli, NULL);

	opt.never_block = true;
	opt.queue_max_bytes = (size_t)config_int(cli->cfg, "store", "queue_max_mb") << 20;
	opt.min_free_bytes = (uint64_t)config_int(cli->cfg, "store", "min_free_mb") << 20;
	opt.watch_dir = dir;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return store_sink_new(store, &opt);
}

bool cli_publishes(struct cli *cli)
{
	return cli_load_config(cli) == 0 && *config_str(cli->cfg, "transport", "nats");
}

struct sink *cli_event_sink(struct cli *cli, struct store *store, const struct enricher *enr)
{
	struct nats_sink_options opt = {0};
	struct sink *sink;
	struct err err;

	if (!cli_publishes(cli))
		return cli_store_sink(cli, store, enr);
	js_settings_from(cli->cfg, &opt.js);
	opt.max_pending = (int)config_int(cli->cfg, "transport", "max_pending");
	opt.ack_timeout_ms = (int)config_int(cli->cfg, "transport", "ack_timeout_ms");
	opt.batch_events = (unsigned)config_int(cli->cfg, "transport", "batch");
	opt.queue_max = (size_t)config_int(cli->cfg, "store", "queue_max");
	sink = nats_sink_new(&opt, &err);
	if (!sink)
		cli_error("%s", err.msg);
	else
		log_info("events are published to %s (stream %s, subject %s.<sensor>)", opt.js.url, opt.js.stream,
			 opt.js.subject_prefix);
	return sink;
}

struct sink *cli_sensor_events(struct cli *cli, struct store *store)
{
	return cli_publishes(cli) ? cli_event_sink(cli, store, NULL) : cli_sensor_sink(cli, store);
}

void cli_day_option(const struct cli *cli, const char *name, const char *arg, int64_t *day)
{
	if (time_parse_day(arg, strlen(arg), day))
		cli_usage_error(cli, "--%s: not a day (YYYY-MM-DD): %s", name, arg);
}

int cli_parse_time(const char *s, int64_t *us)
{
	return time_parse(s, strlen(s), us);
}

bool cli_show_progress(void)
{
	return isatty(STDERR_FILENO) && log_get_level() >= LOG_INFO;
}

void cli_list_commands(FILE *out, const struct cli_command *table)
{
	for (const struct cli_command *c = table; c->name; c++)
		fprintf(out, "  %-14s %s\n", c->name, c->summary);
}

static void dispatch_usage(FILE *out, const struct cli_command *table, const char *usage_head)
{
	fputs(usage_head, out);
	cli_list_commands(out, table);
}

int cli_dispatch(const struct cli_command *table, const char *what, const char *usage_head, int argc,
		 char **argv)
{
	if (argc < 2) {
		dispatch_usage(stderr, table, usage_head);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		dispatch_usage(stdout, table, usage_head);
		return EXIT_OK;
	}
	for (const struct cli_command *c = table; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->main(argc - 1, argv + 1);
	fprintf(stderr, "iotmon: unknown %s \"%s\"\n", what, argv[1]);
	dispatch_usage(stderr, table, usage_head);
	return EXIT_USAGE;
}

int cli_choice(const struct cli *cli, const char *option, const char *arg, const char *const *choices)
{
	char allowed[256] = "";
	size_t n = 0;

	for (int i = 0; choices[i]; i++) {
		if (strcmp(arg, choices[i]) == 0)
			return i;
		n += (size_t)snprintf(allowed + n, n < sizeof(allowed) ? sizeof(allowed) - n : 0, "%s%s",
				      i ? ", " : "", choices[i]);
	}
	cli_usage_error(cli, "--%s: one of %s, not %s", option, allowed, arg);
}

void cli_log_stopped(const struct sink_stats *st)
{
	if (st->dropped)
		log_warn("stopped: %llu events accepted (%llu new), %llu dropped", (unsigned long long)st->emitted,
			 (unsigned long long)st->inserted, (unsigned long long)st->dropped);
	else
		log_info("stopped: %llu events accepted (%llu new)", (unsigned long long)st->emitted,
			 (unsigned long long)st->inserted);
}

int cli_check_daemon_files(struct cli *cli, struct err *err)
{
	const char *db = cli->db_path ? cli->db_path : config_str(cli->cfg, "store", "path");
	char data[4096];

	if (fsafe_check_not_shared(config_source(cli->cfg), "configuration", err) ||
	    fsafe_check_parent(db, "store folder", err))
		return -1;
	if (datadir_get(cli->cfg, data, sizeof(data)) && fsafe_check_not_shared(data, "data folder", err))
		return -1;
	return 0;
}
