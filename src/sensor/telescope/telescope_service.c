/* telescope_service.c - live capture with periodic flushes for `iotmon run`. */
#include "telescope_service.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sources.h"
#include "telescope.h"

struct tsvc {
	struct cap_reader *reader;
	struct tscope *t;
	struct sink *sink;
	struct label_options lopt;
	const char *iface, *sensor;
	int64_t interval_us, next_flush_us;
	pthread_t thread;
	bool started;
};

static bool tsvc_enabled(const struct config *cfg)
{
	const char *iface = config_str(cfg, "telescope", "interface");

	return iface && *iface;
}

static int64_t next_boundary(int64_t now, int64_t interval)
{
	return (now / interval + 1) * interval;
}

static void flush(struct tsvc *s)
{
	const struct tscope_counts *c = tscope_counts(s->t);
	uint64_t packets = c->packets, emitted;
	struct src_entry **v;
	size_t n;

	v = tscope_entries(s->t, false, &n);
	emitted = sources_emit_events(s->sink, v, n, &s->lopt, s->sensor);
	free(v);
	log_info("telescope %s: %llu packets, %zu source-periods, %llu scan events", s->iface,
		 (unsigned long long)packets, n, (unsigned long long)emitted);
	metrics_count("iotmon_packets_processed_total", "sensor=\"telescope\"", "packets decoded by sensors", (int64_t)packets);
	tscope_reset(s->t);
}

static void *tsvc_main(void *arg)
{
	struct tsvc *s = arg;
	struct cap_packet p;
	struct err err;
	uint64_t off;

	for (;;) {
		int rc = cap_next(s->reader, &p, &err, &off);

		if (rc == 1)
			tscope_add_packet(s->t, &p);
		else if (rc == 0)
			break;
		else if (rc < 0) {
			log_error("telescope %s: %s", s->iface, err.msg);
			break;
		}
		if (time_now_us() >= s->next_flush_us) {
			flush(s);
			s->next_flush_us = next_boundary(time_now_us(), s->interval_us);
		}
	}
	return NULL;
}

static void *tsvc_start(const struct service_env *env, struct err *err)
{
	struct tscope_options topt = {.threads = 1, .expected_sources = 1u << 16};
	struct tsvc *s = xcalloc(1, sizeof(*s));
	const struct config *cfg = env->cfg;

	s->iface = config_str(cfg, "telescope", "interface");
	s->sensor = config_str(cfg, "general", "sensor_name");
	s->sink = env->sink;
	s->lopt.share = config_double(cfg, "telescope", "label_share");
	s->lopt.min_packets = (uint32_t)config_int(cfg, "telescope", "min_packets");
	s->lopt.min_destinations = (uint32_t)config_int(cfg, "telescope", "min_destinations");
	s->lopt.period_us = strcmp(config_str(cfg, "telescope", "period"), "hour") == 0 ? 3600 * US_PER_SEC : US_PER_DAY;
	topt.period_us = s->lopt.period_us;
	s->interval_us = config_int(cfg, "telescope", "flush_interval") * US_PER_SEC;
	s->next_flush_us = next_boundary(time_now_us(), s->interval_us);
	/* Opening the capture needs privileges: done here, before they drop. */
	s->reader = live_reader_new(s->iface, config_str(cfg, "telescope", "bpf"), err);
	if (!s->reader) {
		free(s);
		return NULL;
	}
	s->t = tscope_new(&topt);
	if (pthread_create(&s->thread, NULL, tsvc_main, s) != 0) {
		err_set(err, "telescope: cannot start a thread");
		cap_close(s->reader);
		tscope_free(s->t);
		free(s);
		return NULL;
	}
	s->started = true;
	log_info("telescope: capturing on %s, flushing every %ld s", s->iface,
		 config_int(cfg, "telescope", "flush_interval"));
	return s;
}

static void tsvc_stop(void *state)
{
	struct tsvc *s = state;

	live_reader_stop(s->reader);
	if (s->started)
		pthread_join(s->thread, NULL);
	flush(s); /* the last partial window */
	cap_close(s->reader);
	tscope_free(s->t);
	free(s);
}

const struct service telescope_service = {
	.name = "telescope",
	.enabled = tsvc_enabled,
	.start = tsvc_start,
	.ready = NULL,
	.stop = tsvc_stop,
};
