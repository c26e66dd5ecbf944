/* web_service.c - the web server as a service of `iotmon run` ([web]). */
#include "core/log.h"
#include "run/service.h"
#include "web/web.h"

static bool web_enabled(const struct config *cfg)
{
	return config_bool(cfg, "web", "enabled");
}

static void *web_service_start(const struct service_env *env, struct err *err)
{
	struct web_options o;
	struct web_server *w;

	if (web_options_from_config(env->cfg, env->db_path, NULL, &o, err))
		return NULL;
	w = web_start(&o, err);
	if (w)
		log_info("web: dashboard and API on http://%s:%u/", o.host, web_port(w));
	return w;
}

static void web_service_stop(void *state)
{
	web_stop(state);
}

const struct service web_service = {
	.name = "web",
	.enabled = web_enabled,
	.start = web_service_start,
	.stop = web_service_stop,
};
