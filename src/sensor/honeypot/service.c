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
	struct honeypot_proc *p;

	if (honeypot_config_from(env->cfg, &hc, err))
		return NULL;
	p = honeypot_proc_start(&hc, config_str(env->cfg, "general", "user"), err);
	if (!p)
		return NULL;
	if (honeypot_proc_relay(p, env->sink, child_gone, err)) {
		honeypot_proc_stop(p, NULL);
		return NULL;
	}
	log_info("honeypot: %s (sensor child %d)", honeypot_proc_describe(p), (int)honeypot_proc_pid(p));
	return p;
}

static void hp_stop(void *state)
{
	struct err err;

	if (honeypot_proc_stop(state, &err))
		log_error("%s", err.msg);
}

const struct service honeypot_service = {
	.name = "honeypot",
	.enabled = hp_enabled,
	.start = hp_start,
	.stop = hp_stop,
};
