/* telescope.c - `iotmon telescope`: analyse captures or watch an interface. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/timeutil.h"
#include "sensor/telescope/live_child.h"
#include "sensor/telescope/sources.h"
#include "sensor/telescope/telescope.h"

static const char usage[] =
	"Usage: iotmon telescope [options] FILE|DIR|-...\n"
	"       iotmon telescope [options] -i IFACE [--bpf FILTER] [--duration SECONDS]\n"
	"Analyse network-telescope captures (pcap or pcapng, plain or gzip; a folder\n"
	"means every file in it; - is stdin) or capture live: classify every packet\n"
	"(Mirai, ZMap, Masscan fingerprints; SYN, UDP, ICMP probes; backscatter),\n"
	"aggregate per source per UTC day (or hour), and store scanning sources as scan\n"
	"events.\n"
	"Exit status: 0 every file read whole, 1 a file was unreadable or damaged\n"
	"(what came before the damage still counts), 2 usage, 130 interrupted by\n"
	"SIGINT or SIGTERM while reading files or storing (what was stored stays:\n"
	"whole transactions of scan events).\n"
	"A live capture runs in a child that drops to [general] user (needed as root),\n"
	"with NoNewPrivs and seccomp; \"ready\" follows once the capture is open.\n\n"
	"Options:\n"
	"      --no-store      do not write to the store\n"
	"      --summary       print one JSON object with totals on stdout\n"
	"      --sources FMT   print one row per source on stdout: csv or json\n"
	"      --period P      day or hour: one scan event per source per UTC day (the\n"
	"                      default: [telescope] period) or per hour\n"
	"      --threads N     worker threads for files (default: [telescope] threads,\n"
	"                      0 = one per core); counts never depend on it\n"
	"  -i, --interface IF  capture live on IF until SIGINT/SIGTERM or --duration\n"
	"      --bpf FILTER    BPF filter for the live capture\n"
	"      --duration S    stop a live capture after S seconds\n" CLI_COMMON_HELP;

enum { OPT_NO_STORE = 1, OPT_SUMMARY, OPT_SOURCES, OPT_THREADS, OPT_BPF, OPT_DURATION, OPT_PERIOD };

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct summary {
	uint64_t sources, label_sources[LABEL_COUNT];
	double share;
};

static void count_source(const struct src_entry *e, void *arg)
{
	struct summary *s = arg;
	double share;

	s->sources++;
	s->label_sources[source_label(e, s->share, &share)]++;
}

static void print_summary(struct tscope *t, const struct summary *s)
{
	const struct tscope_counts *c = tscope_counts(t);
	json_t *o = json_object(), *fp = json_object(), *errs = json_array();
	const struct tscope_error *ev;
	size_t nerr;
	char *text;

	json_object_set_new(o, "files", json_integer((json_int_t)c->files));
	json_object_set_new(o, "packets", json_integer((json_int_t)c->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)c->bytes));
	json_object_set_new(o, "sources", json_integer((json_int_t)s->sources));
	for (int l = 0; l < LABEL_COUNT; l++) {
		uint64_t packets = l < FP_COUNT		  ? c->fp_packets[l]
				   : l == LABEL_BACKSCATTER ? c->class_packets[CLASS_BACKSCATTER]
							    : c->plain_packets;

		json_object_set_new(fp, label_name((enum src_label)l),
				    json_pack("{s:I,s:I}", "sources", (json_int_t)s->label_sources[l], "packets",
					      (json_int_t)packets));
	}
	json_object_set_new(o, "fingerprints", fp);
	ev = tscope_errors(t, &nerr);
	for (size_t i = 0; i < nerr; i++)
		json_array_append_new(errs, json_pack("{s:s,s:I,s:s}", "file", ev[i].file, "offset",
						      (json_int_t)ev[i].offset, "message", ev[i].message));
	json_object_set_new(o, "errors", errs);
	text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	puts(text);
	free(text);
	json_decref(o);
}

/* What the command prints and logs once reading (or a capture) ended. */
struct outputs {
	bool want_sources, summary, no_store;
	enum sources_format sfmt;
	struct label_options lopt;
};

static void report(struct tscope *t, struct src_entry *const *v, size_t n, uint64_t emitted, void *arg)
{
	const struct outputs *o = arg;
	const struct tscope_counts *c = tscope_counts(t);
	struct summary sum = {.share = o->lopt.share};
	const struct tscope_error *ev;
	size_t nerr;

	sources_each(v, n, o->lopt.period_us, count_source, &sum);
	if (o->want_sources)
		sources_print(stdout, v, n, o->sfmt, &o->lopt);
	if (o->summary)
		print_summary(t, &sum);
	fflush(stdout); /* a capture child ends with _exit */
	ev = tscope_errors(t, &nerr);
	for (size_t i = 0; i < nerr; i++)
		log_error("%s: offset %llu: %s", ev[i].file, (unsigned long long)ev[i].offset, ev[i].message);
	log_info("telescope: %llu files, %llu packets, %llu sources, %llu scan events%s", (unsigned long long)c->files,
		 (unsigned long long)c->packets, (unsigned long long)sum.sources,
		 (unsigned long long)(o->no_store ? 0 : emitted), o->no_store ? " (not stored)" : "");
}

static int capture_ended;

/* The capture child closed its socket: its duration ran out (or it
 * failed); the parent stops as on SIGTERM. */
static void capture_gone(void)
{
	__atomic_store_n(&capture_ended, 1, __ATOMIC_RELEASE);
	kill(getpid(), SIGTERM);
}

/* Live capture: the child captures, decodes, aggregates and prints; the
 * parent opens the sink after the fork and relays the scan events. */
static int capture_live(struct cli *cli, const char *iface, const char *bpf, double duration, struct outputs *o)
{
	struct live_child_config lc = {.iface = iface, .bpf = bpf, .duration = duration, .at_end = report, .arg = o};
	struct sensor_child *child;
	struct store *store = NULL;
	struct sink *sink = NULL;
	struct sink_stats st;
	sigset_t stop;
	struct err err;
	uint64_t packets, drops;
	int sig, rc = EXIT_OK;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	lc.sensor = config_str(cli->cfg, "general", "sensor_name");
	lc.lopt = o->lopt;
	child = live_child_start(&lc, config_str(cli->cfg, "general", "user"), &err);
	if (!child)
		return cli_error("telescope: %s", err.msg);
	if (o->no_store) {
		sink = null_sink_new();
	} else {
		if (!cli_publishes(cli)) {
			store = cli_open_store(cli, STORE_CREATE);
			if (!store)
				rc = EXIT_ERROR;
		}
		sink = rc ? NULL : cli_event_sink(cli, store, NULL);
	}
	if (!sink)
		rc = EXIT_ERROR;
	else if (sensor_child_relay(child, sink, capture_gone, &err))
		rc = cli_error("%s", err.msg);
	else if (sensor_child_wait_started(child, &err))
		rc = cli_error("telescope: %s", err.msg);
	if (rc == EXIT_OK) {
		log_info("ready: capturing on %s (sensor child %d)", iface, (int)sensor_child_pid(child));
		if (sigwait(&stop, &sig) == 0 && !__atomic_load_n(&capture_ended, __ATOMIC_ACQUIRE))
			log_info("%s received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	}
	if (sensor_child_stop(child, &err))
		rc = cli_error("%s", err.msg);
	live_child_counts(&packets, &drops);
	if (rc == EXIT_OK)
		log_info("telescope: %llu packets captured on %s, %llu dropped by the kernel", (unsigned long long)packets,
			 iface, (unsigned long long)drops);
	if (sink) {
		if (sink_flush(sink, &err))
			rc = cli_error("%s", err.msg);
		sink_stats(sink, &st);
		if (sink_close(sink, &err))
			rc = cli_error("%s", err.msg);
		if (!o->no_store)
			cli_log_stopped(&st);
	}
	store_close(store);
	return rc;
}

/* Emits the scan events with the store at most two batches behind, so a
 * SIGINT stops within one commit or two (the sink commits what it holds on
 * close: whole batches, each a transaction) and the progress line shows
 * what is stored, not what is queued. Returns the events handed over. */
static uint64_t store_events(struct sink *sink, struct src_entry *const *v, size_t n, const struct label_options *lopt,
			     const char *sensor, const struct config *cfg)
{
	uint64_t emitted = 0, ahead = 2 * (uint64_t)config_int(cfg, "store", "batch_size");
	struct sink_stats st = {0};
	struct progress prog;

	progress_start(&prog, "telescope: storing scan events", "sources", 0);
	for (size_t i = 0; i < n && !stop_requested; i++) {
		emitted += sources_emit_event(sink, v[i], lopt, sensor);
		if ((i & 255) == 0 || emitted - st.committed > ahead) {
			sink_stats(sink, &st);
			while (emitted - st.committed > ahead && !stop_requested) {
				struct timespec pause = {0, 5 * 1000 * 1000};

				nanosleep(&pause, NULL);
				sink_stats(sink, &st);
			}
			progress_count(&prog, i + 1, n);
		}
	}
	while (!stop_requested && st.committed < emitted) {
		struct timespec pause = {0, 20 * 1000 * 1000};

		progress_count(&prog, n, n);
		nanosleep(&pause, NULL);
		sink_stats(sink, &st);
	}
	progress_end(&prog);
	return emitted;
}

int cmd_telescope(int argc, char **argv)
{
	static const struct option options[] = {CLI_COMMON_OPTIONS,
						{"no-store", no_argument, NULL, OPT_NO_STORE},
						{"summary", no_argument, NULL, OPT_SUMMARY},
						{"sources", required_argument, NULL, OPT_SOURCES},
						{"threads", required_argument, NULL, OPT_THREADS},
						{"interface", required_argument, NULL, 'i'},
						{"bpf", required_argument, NULL, OPT_BPF},
						{"duration", required_argument, NULL, OPT_DURATION},
						{"period", required_argument, NULL, OPT_PERIOD},
						{NULL, 0, NULL, 0}};
	struct cli cli = {.command = "telescope", .usage = usage};
	struct outputs o = {.sfmt = SOURCES_CSV};
	const char *iface = NULL, *bpf = NULL, *period = NULL;
	long threads = -1;
	double duration = 0;
	struct tscope_options topt = {0};
	struct sigaction sa;
	struct src_entry **entries;
	uint64_t emitted;
	struct store *store = NULL;
	struct sink *sink;
	struct tscope *t;
	struct err err;
	char **paths = NULL;
	int opt, npaths = 0, status, rc = EXIT_OK;
	size_t n;
	char *end;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "i:", options, NULL)) != -1) {
		if (cli_common_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_NO_STORE:
			o.no_store = true;
			break;
		case OPT_SUMMARY:
			o.summary = true;
			break;
		case OPT_SOURCES:
			o.want_sources = true;
			if (strcmp(optarg, "csv") == 0)
				o.sfmt = SOURCES_CSV;
			else if (strcmp(optarg, "json") == 0)
				o.sfmt = SOURCES_JSON;
			else
				cli_usage_error(&cli, "--sources takes csv or json, not \"%s\"", optarg);
			break;
		case OPT_THREADS:
			errno = 0;
			threads = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || threads < 0 || threads > 64)
				cli_usage_error(&cli, "--threads takes 0 to 64, not \"%s\"", optarg);
			break;
		case 'i':
			iface = optarg;
			break;
		case OPT_BPF:
			bpf = optarg;
			break;
		case OPT_PERIOD:
			if (strcmp(optarg, "day") != 0 && strcmp(optarg, "hour") != 0)
				cli_usage_error(&cli, "--period takes day or hour, not \"%s\"", optarg);
			period = optarg;
			break;
		case OPT_DURATION:
			duration = strtod(optarg, &end);
			if (*end || end == optarg || duration <= 0)
				cli_usage_error(&cli, "--duration takes a positive number of seconds");
			break;
		default:
			cli_bad_option(&cli);
		}
	}
	if (iface && optind < argc)
		cli_usage_error(&cli, "give files or -i IFACE, not both");
	if (!iface && optind >= argc)
		cli_usage_error(&cli, "no input files (or -i IFACE for a live capture)");
	if (o.no_store && cli.db_path)
		cli_usage_error(&cli, "--db and --no-store exclude each other");
	if (cli_load_config(&cli))
		return EXIT_ERROR;
	if (!bpf)
		bpf = config_str(cli.cfg, "telescope", "bpf");
	if (threads < 0)
		threads = config_int(cli.cfg, "telescope", "threads");
	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cores > 0 ? (cores > 64 ? 64 : cores) : 1;
	}
	o.lopt.share = config_double(cli.cfg, "telescope", "label_share");
	o.lopt.min_packets = (uint32_t)config_int(cli.cfg, "telescope", "min_packets");
	o.lopt.min_destinations = (uint32_t)config_int(cli.cfg, "telescope", "min_destinations");
	if (!period)
		period = config_str(cli.cfg, "telescope", "period");
	o.lopt.period_us = strcmp(period, "hour") == 0 ? 3600 * US_PER_SEC : US_PER_DAY;
	if (iface) {
		rc = capture_live(&cli, iface, bpf, duration, &o);
		config_free(cli.cfg);
		return rc;
	}

	if (o.no_store) {
		sink = null_sink_new();
	} else {
		if (!cli_publishes(&cli)) {
			store = cli_open_store(&cli, STORE_CREATE);
			if (!store)
				return EXIT_ERROR;
		}
		sink = cli_event_sink(&cli, store, NULL);
		if (!sink) {
			store_close(store);
			return EXIT_ERROR;
		}
	}
	/* SIGINT/SIGTERM stop reading, aggregating and storing at the next
	 * check; what was committed stays (whole transactions). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	topt.stop = &stop_requested;
	topt.threads = (unsigned)threads;
	topt.expected_sources = 0; /* sized from the input */
	topt.period_us = o.lopt.period_us;
	topt.progress = cli_show_progress();
	t = tscope_new(&topt);
	paths = tscope_expand_paths(t, argv + optind, argc - optind, &npaths);
	status = tscope_read_files(t, paths, npaths);

	/* Sorted by address and period: per-source totals need the periods of a
	 * source together, and the rows and the stored events come out in the
	 * same order every run (the table's own order follows its per-run
	 * secret hash seed). */
	entries = tscope_entries(t, true, &n);
	emitted = o.no_store ? 0 : store_events(sink, entries, n, &o.lopt, config_str(cli.cfg, "general", "sensor_name"),
						cli.cfg);
	if (sink_close(sink, &err)) {
		log_error("%s", err.msg);
		rc = EXIT_ERROR;
	}
	if (stop_requested) {
		log_warn("telescope: interrupted: %llu scan events stored, the rest not (run again to store all)",
			 (unsigned long long)emitted);
		rc = EXIT_INTERRUPTED;
	}
	store_close(store);
	report(t, entries, n, emitted, &o);
	free(entries);
	if (status)
		rc = EXIT_ERROR;
	tscope_free(t);
	tscope_free_paths(paths);
	config_free(cli.cfg);
	return rc;
}
