/* service.c - the honeypot as a service of `iotmon run`, in a process of its
 * own (separate.h): the daemon keeps the store, the child the listeners. */
#include "service.h"

#include <signal.h>
#include <unistd.h>

#include "core/log.h"
#include "separate.h"

static bool hp_enabled(const struct config *cfg)
{
	return config_bool(cfg, "honeypot", "enabled");
}

/* A sensor child that dies stops the daemon (its stop says why). */
static void child_gone(void)
{
	kill(getpid(), SIGTERM);
}

static void *hp_start(const struct service_env *env, struct err *err)
{
	struct honeypot_config hc;
	struct sensor_child *c;
	char describe[1024];

	if (honeypot_config_from(env->cfg, &hc, err))
		return NULL;
	c = honeypot_child_start(&hc, config_str(env->cfg, "general", "user"), describe, sizeof(describe), err);
	if (!c)
		return NULL;
	if (sensor_child_relay(c, env->sink, child_gone, err)) {
		sensor_child_stop(c, NULL);
		return NULL;
	}
	log_info("honeypot: %s (sensor child %d)", describe, (int)sensor_child_pid(c));
	return c;
}

/* "ready" only once the child runs its loop (its Cowrie log open). */
static int hp_ready(void *state, struct err *err)
{
	return sensor_child_wait_started(state, err);
}

static void hp_stop(void *state)
{
	struct err err;

	if (sensor_child_stop(state, &err))
		log_error("%s", err.msg);
}

const struct service honeypot_service = {
	.name = "honeypot",
	.enabled = hp_enabled,
	.start = hp_start,
	.ready = hp_ready,
	.stop = hp_stop,
};
