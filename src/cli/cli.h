/* cli.h - what every command shares: options, config, store, exit codes.
 *
 * Exit codes: 0 success, 1 error (one line on stderr naming what and where),
 * 2 usage. Machine-readable output goes to stdout, messages to stderr. */
#ifndef IOTMON_CLI_H
#define IOTMON_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/config.h"
#include "core/sink.h"
#include "store/store.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130 /* stopped by SIGINT/SIGTERM before the work was done (128 + SIGINT) */

/* Long-option ids of the shared options; commands use values below 0x100 for
 * their own. */
enum { CLI_OPT_DB = 0x100, CLI_OPT_HELP, CLI_OPT_CONFIG, CLI_OPT_QUIET, CLI_OPT_VERBOSE };

/* Put these at the start of a command's struct option table. */
#define CLI_COMMON_OPTIONS                                                                                \
	{"db", required_argument, NULL, CLI_OPT_DB}, {"config", required_argument, NULL, 'c'},            \
		{"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},                      \
		{"verbose", no_argument, NULL, 'v'}
#define CLI_COMMON_SHORT "c:hqv"
#define CLI_COMMON_HELP                                                                                   \
	"  -c, --config FILE   configuration file (default: built-in defaults)\n"                       \
	"      --db TARGET     store: PATH or sqlite:PATH (SQLite), postgresql://... (overrides [store])\n" \
	"  -q, --quiet         only errors on stderr\n"                                                   \
	"  -v, --verbose       debug messages on stderr\n"                                               \
	"  -h, --help          this help\n"

struct cli {
	const char *command; /* for messages: "events", "import events" */
	const char *usage; /* the full --help text */
	const char *config_path;
	const char *db_path;
	struct config *cfg;
};

/* Handles a shared option; returns 1 if it was one (and done), 0 if not,
 * or exits for --help. */
int cli_common_option(struct cli *cli, int opt, const char *arg);
/* Prints "iotmon CMD: message" and a hint on stderr and exits 2. */
void cli_usage_error(const struct cli *cli, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* The getopt loop's default branch: an unknown option. */
void cli_bad_option(const struct cli *cli) __attribute__((noreturn));
/* After the getopt loop of a command (or action) that takes no operands:
 * one left is a usage error (exit 2). */
void cli_finish_options(const struct cli *cli, int argc, char **argv);
/* Prints "iotmon: error: message" on stderr; returns EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Flushes stdout, where a command's output went: EXIT_OK, or the error
 * said ("writing to stdout failed": a full disk, a closed pipe) and
 * EXIT_ERROR. */
int cli_flush_stdout(void);

/* Loads the configuration (once); returns 0 or prints the error and returns
 * -1. Also applies [general] log_level unless -q/-v was given. */
int cli_load_config(struct cli *cli);
/* The store target: --db, else [store] url, else [store] path; NULL (error
 * printed) when the configuration cannot say. */
const char *cli_store_target(struct cli *cli);
/* Opens the store from --db or the configuration; prints the error and
 * returns NULL on failure. flags: STORE_CREATE for writers, STORE_READONLY
 * for commands that only read. */
struct store *cli_open_store(struct cli *cli, int flags);
/* A batching sink on store, configured from [store]; observations are
 * enriched by enr, or by the default enricher when enr is NULL. */
struct sink *cli_store_sink(struct cli *cli, struct store *store, const struct enricher *enr);
/* The sink of a live sensor (run, honeypot): it never blocks the sensor
 * (a full queue drops and counts) and watches the store's free space. */
struct sink *cli_sensor_sink(struct cli *cli, struct store *store);
/* A live sensor's events: the JetStream publisher when cli_publishes(),
 * else cli_sensor_sink() on store. NULL after an error message. */
struct sink *cli_sensor_events(struct cli *cli, struct store *store);
/* Daemons refuse a configuration file, store folder or data folder that
 * the group or everyone may write. */
int cli_check_daemon_files(struct cli *cli, struct err *err);
/* "stopped: N events accepted (M new[, D dropped])" */
void cli_log_stopped(const struct sink_stats *st);
/* True when [transport] nats is set: sensors publish to JetStream and need
 * no store (the collector stores centrally). */
bool cli_publishes(struct cli *cli);
/* Where a sensor's events go: the JetStream publisher when cli_publishes(),
 * else cli_store_sink() on store (which must then be open). NULL after
 * printing the error. */
struct sink *cli_event_sink(struct cli *cli, struct store *store, const struct enricher *enr);

/* The enricher of [enrich] (loaded once, closed at exit), or NULL when no
 * enrichment data is installed (logged once). */
const struct enricher *cli_default_enricher(struct cli *cli);

/* A table of subcommands (the top-level commands, report kinds ...),
 * ended by an entry whose name is NULL. */
struct cli_command {
	const char *name;
	int (*main)(int argc, char **argv); /* argv[0] is the name */
	const char *summary;
};

/* Prints "  name  summary" for each entry. */
void cli_list_commands(FILE *out, const struct cli_command *table);
/* Runs the entry named argv[1] with (argc - 1, argv + 1). No name or
 * "--help" prints usage_head and the list (stderr + exit 2, or stdout +
 * exit 0); an unknown name is a usage error naming it. */
int cli_dispatch(const struct cli_command *table, const char *what, const char *usage_head, int argc,
		 char **argv);

/* Index of arg in choices (a NULL-ended list), or a usage error naming
 * option and the allowed values: for --format and similar options. */
int cli_choice(const struct cli *cli, const char *option, const char *arg, const char *const *choices);

/* Parses a time for --since/--until: RFC 3339 or YYYY-MM-DD. */
/* The UTC day of option --name (YYYY-MM-DD) into *day; a bad one is a
 * usage error (exits). */
void cli_day_option(const struct cli *cli, const char *name, const char *arg, int64_t *day);
int cli_parse_time(const char *s, int64_t *us);
/* True when stderr is a terminal and not --quiet: show progress. */
bool cli_show_progress(void);

#endif
