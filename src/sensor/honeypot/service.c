/* service.c - the honeypot as a service of `iotmon run`. */
#include "service.h"

#include "core/log.h"
#include "honeypot.h"

static bool hp_enabled(const struct config *cfg)
{
	return config_bool(cfg, "honeypot", "enabled");
}

static void *hp_start(const struct service_env *env, struct err *err)
{
	struct honeypot_config hc;
	struct honeypot *hp;

	if (honeypot_config_from(env->cfg, &hc, err))
		return NULL;
	hp = honeypot_new(&hc, env->sink, err);
	if (hp)
		log_info("honeypot: %s", honeypot_describe(hp));
	return hp;
}

static int hp_ready(void *state, struct err *err)
{
	return honeypot_start(state, err);
}

static void hp_stop(void *state)
{
	honeypot_stop(state);
}

const struct service honeypot_service = {
	.name = "honeypot",
	.enabled = hp_enabled,
	.start = hp_start,
	.ready = hp_ready,
	.stop = hp_stop,
};
