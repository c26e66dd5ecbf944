/* live_child.c - live capture in a sensor child (privilege separation). */
#include "live_child.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

#define PACKETS_METRIC "iotmon_packets_processed_total"
#define PACKETS_LABELS "sensor=\"telescope\""
#define PACKETS_HELP "packets decoded by sensors"
#define DROPS_METRIC "iotmon_telescope_kernel_drops_total"
#define DROPS_HELP "packets the kernel dropped before the telescope read them"

static const char *const child_metrics[] = {PACKETS_METRIC, "iotmon_telescope_", NULL};

/* What a libpcap loop on Linux needs beyond privsep's base list (strace of
 * pcap_next_ex on a TPACKET_V3 ring, pcap_stats, pcap_breakloop, pcap_close). */
static const int capture_syscalls[] = {SYS_poll, SYS_ppoll};

struct live {
	struct live_child_config cfg;
	struct sink *sink;
	struct cap_reader *reader;
	struct tscope *t;
	int64_t next_flush_us;
	pthread_t thread;
	bool running;
	int status; /* the child's exit status: 1 when the capture failed */
	uint64_t counted; /* packets already added to the metric */
	struct metric *packets, *drops;
};

/* The parent's /metrics and stop line: packets decoded, kernel drops. */
static void update_metrics(struct live *l, uint64_t total)
{
	metric_add(l->packets, (int64_t)(total - l->counted));
	l->counted = total;
	metric_set(l->drops, (int64_t)live_reader_drops(l->reader));
}

static int64_t next_boundary(int64_t now, int64_t interval)
{
	return (now / interval + 1) * interval;
}

/* Hands the window's scan events over; the last one sorted (for the
 * command's output) and given to at_end. */
static void flush(struct live *l, bool last)
{
	const struct tscope_counts *c = tscope_counts(l->t);
	uint64_t packets = c->packets, emitted;
	struct src_entry **v;
	size_t n;

	v = tscope_entries(l->t, last, &n);
	emitted = sources_emit_events(l->sink, v, n, &l->cfg.lopt, l->cfg.sensor);
	if (l->cfg.flush_interval_us)
		log_info("telescope %s: %llu packets, %zu source-periods, %llu scan events", l->cfg.iface,
			 (unsigned long long)packets, n, (unsigned long long)emitted);
	if (last && l->cfg.at_end)
		l->cfg.at_end(l->t, v, n, emitted, l->cfg.arg);
	free(v);
	if (!last)
		tscope_reset(l->t);
}

static void *capture_main(void *arg)
{
	struct live *l = arg;
	int64_t end = l->cfg.duration > 0 ? time_mono_us() + (int64_t)(l->cfg.duration * 1e6) : INT64_MAX;
	uint64_t total = 0;
	struct cap_packet p;
	struct err err;
	uint64_t off;

	while (time_mono_us() < end) {
		int rc = cap_next(l->reader, &p, &err, &off);

		if (rc == 1) {
			tscope_add_packet(l->t, &p);
			if ((++total & 1023) == 0)
				update_metrics(l, total);
		} else if (rc == 0) {
			break; /* stopped */
		} else if (rc < 0) {
			log_error("telescope %s: %s", l->cfg.iface, err.msg);
			tscope_add_error(l->t, l->cfg.iface, 0, err.msg);
			l->status = 1;
			break;
		} else {
			update_metrics(l, total);
		}
		if (l->cfg.flush_interval_us && time_now_us() >= l->next_flush_us) {
			flush(l, false);
			l->next_flush_us = next_boundary(time_now_us(), l->cfg.flush_interval_us);
		}
	}
	update_metrics(l, total);
	/* The capture's own end (duration, failure) ends the child. */
	if (time_mono_us() >= end || l->status)
		sensor_child_finish();
	return NULL;
}

/* As root, right after the fork. */
static int live_setup(void *arg, struct err *err)
{
	struct live *l = arg;

	l->reader = live_reader_new(l->cfg.iface, l->cfg.bpf, err);
	return l->reader ? 0 : -1;
}

static int live_start(void *arg, struct err *err)
{
	struct live *l = arg;
	struct tscope_options topt = {.threads = 1, .expected_sources = 1u << 16, .period_us = l->cfg.lopt.period_us};
	int rc;

	l->packets = metric_get(PACKETS_METRIC, PACKETS_LABELS, METRIC_COUNTER, PACKETS_HELP);
	l->drops = metric_get(DROPS_METRIC, NULL, METRIC_COUNTER, DROPS_HELP);
	l->t = tscope_new(&topt);
	if (l->cfg.flush_interval_us)
		l->next_flush_us = next_boundary(time_now_us(), l->cfg.flush_interval_us);
	rc = pthread_create(&l->thread, NULL, capture_main, l);
	if (rc)
		return err_set(err, "telescope thread: %s", strerror(rc));
	l->running = true;
	log_info("telescope: capturing on %s%s%s", l->cfg.iface, l->cfg.bpf && *l->cfg.bpf ? " with filter " : "",
		 l->cfg.bpf ? l->cfg.bpf : "");
	return 0;
}

static int live_stop(void *arg)
{
	struct live *l = arg;
	uint64_t drops;

	live_reader_stop(l->reader);
	if (l->running)
		pthread_join(l->thread, NULL);
	drops = live_reader_drops(l->reader);
	if (drops)
		log_warn("telescope: the kernel dropped %llu packets on %s", (unsigned long long)drops, l->cfg.iface);
	flush(l, true); /* the last partial window */
	cap_close(l->reader);
	tscope_free(l->t);
	return l->status;
}

struct sensor_child *live_child_start(const struct live_child_config *lc, const char *user, struct err *err)
{
	struct live *l = xcalloc(1, sizeof(*l));
	struct sensor_child_spec spec = {
		.name = "telescope",
		.user = user,
		.metrics = child_metrics,
		.syscalls = capture_syscalls,
		.nsyscalls = sizeof(capture_syscalls) / sizeof(capture_syscalls[0]),
		.blocking_sink = true,
		.setup = live_setup,
		.start = live_start,
		.stop = live_stop,
		.arg = l,
	};
	struct sensor_child *c;

	l->cfg = *lc;
	c = sensor_child_new(&spec, err);
	if (c) {
		l->sink = sensor_child_sink(c);
		if (sensor_child_fork(c, err)) {
			sensor_child_stop(c, NULL);
			c = NULL;
		}
	}
	free(l); /* the child has its copy */
	return c;
}

void live_child_counts(uint64_t *packets, uint64_t *kernel_drops)
{
	*packets = (uint64_t)metric_value(metric_get(PACKETS_METRIC, PACKETS_LABELS, METRIC_COUNTER, PACKETS_HELP));
	*kernel_drops = (uint64_t)metric_value(metric_get(DROPS_METRIC, NULL, METRIC_COUNTER, DROPS_HELP));
}
