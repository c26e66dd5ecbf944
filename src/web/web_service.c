/* web_service.c - the web server as a service of `iotmon run` ([web]): in a
 * child process of its own with a read-only store (web_proc.h). */
#include "core/log.h"
#include "run/service.h"
#include "web/web.h"
#include "web/web_proc.h"

static bool web_enabled(const struct config *cfg)
{
	return config_bool(cfg, "web", "enabled");
}

/* The child forked before the store was opened (one web server per run). */
static struct web_proc *forked;
static struct web_options opts;

static int web_before_store(const struct service_env *env, struct err *err)
{
	if (web_options_from_config(env->cfg, env->db_path, NULL, &opts, err))
		return -1;
	forked = web_proc_start(&opts, config_str(env->cfg, "general", "user"), err);
	return forked ? 0 : -1;
}

static void *web_service_start(const struct service_env *env, struct err *err)
{
	struct web_proc *p = forked;

	(void)env;
	forked = NULL;
	if (web_proc_serve(p, err)) {
		web_proc_stop(p);
		return NULL;
	}
	log_info("web: dashboard and API on http://%s:%u/ (child %d)", opts.host, web_proc_port(p),
		 (int)web_proc_pid(p));
	return p;
}

static void web_service_stop(void *state)
{
	web_proc_stop(state);
}

const struct service web_service = {
	.name = "web",
	.enabled = web_enabled,
	.before_store = web_before_store,
	.start = web_service_start,
	.stop = web_service_stop,
};
