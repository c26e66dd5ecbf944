/* telescope_service.c - live capture with periodic flushes for `iotmon run`,
 * in a sensor child of its own (live_child.h). */
#include "telescope_service.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "live_child.h"

/* The child forked before the store was opened (one capture per run). */
static struct sensor_child *forked;

static bool tsvc_enabled(const struct config *cfg)
{
	const char *iface = config_str(cfg, "telescope", "interface");

	return iface && *iface;
}

/* A capture child that dies stops the daemon (its stop says why). */
static void child_gone(void)
{
	kill(getpid(), SIGTERM);
}

static int tsvc_before_store(const struct service_env *env, struct err *err)
{
	const struct config *cfg = env->cfg;
	struct live_child_config lc = {
		.iface = config_str(cfg, "telescope", "interface"),
		.bpf = config_str(cfg, "telescope", "bpf"),
		.sensor = config_str(cfg, "general", "sensor_name"),
		.flush_interval_us = config_int(cfg, "telescope", "flush_interval") * US_PER_SEC,
	};

	lc.lopt.share = config_double(cfg, "telescope", "label_share");
	lc.lopt.min_packets = (uint32_t)config_int(cfg, "telescope", "min_packets");
	lc.lopt.min_destinations = (uint32_t)config_int(cfg, "telescope", "min_destinations");
	lc.lopt.period_us = strcmp(config_str(cfg, "telescope", "period"), "hour") == 0 ? 3600 * US_PER_SEC : US_PER_DAY;
	forked = live_child_start(&lc, config_str(cfg, "general", "user"), err);
	return forked ? 0 : -1;
}

static void *tsvc_start(const struct service_env *env, struct err *err)
{
	struct sensor_child *c = forked;

	forked = NULL;
	if (sensor_child_relay(c, env->sink, child_gone, err)) {
		sensor_child_stop(c, NULL);
		return NULL;
	}
	log_info("telescope: capturing on %s, flushing every %ld s (sensor child %d)",
		 config_str(env->cfg, "telescope", "interface"), config_int(env->cfg, "telescope", "flush_interval"),
		 (int)sensor_child_pid(c));
	return c;
}

/* "ready" only once the capture is open and the child confined. */
static int tsvc_ready(void *state, struct err *err)
{
	return sensor_child_wait_started(state, err);
}

static void tsvc_stop(void *state)
{
	uint64_t packets, drops;
	struct err err;

	if (sensor_child_stop(state, &err))
		log_error("%s", err.msg);
	live_child_counts(&packets, &drops);
	log_info("telescope: %llu packets captured, %llu dropped by the kernel", (unsigned long long)packets,
		 (unsigned long long)drops);
}

const struct service telescope_service = {
	.name = "telescope",
	.enabled = tsvc_enabled,
	.before_store = tsvc_before_store,
	.start = tsvc_start,
	.ready = tsvc_ready,
	.stop = tsvc_stop,
};
