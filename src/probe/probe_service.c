/* probe_service.c - the background prober of `iotmon run`.
 *
 * Every [probe] interval_s it reads the observations of today and
 * yesterday (its own store connection), picks the IPs without a device row
 * or whose row has expired, keeps those the policy allows (infected by
 * definition, so: focus country or allow-list, never do-not-probe), and
 * probes them in one round. It needs [probe] contact_url: probed parties
 * must be able to reach the operator. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "probe_job.h"
#include "probe_policy.h"
#include "run/service.h"

#define ROUND_MAX 4096 /* targets per round */

struct state {
	const struct config *cfg;
	char *db_path;
	struct probe_job job;
	struct probe_policy pol;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	volatile int stop;
};

struct cand {
	struct ipaddr ip;
	char cc[3];
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static int collect(const struct observation *o, void *arg)
{
	struct cands *c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].ip = o->ip;
	memcpy(c->v[c->n].cc, o->net.cc, sizeof(c->v[c->n].cc));
	c->n++;
	return 0;
}

static int cmp_cand(const void *a, const void *b)
{
	return ipaddr_compare(&((const struct cand *)a)->ip, &((const struct cand *)b)->ip);
}

static void one_round(struct state *s)
{
	struct cands c = {0};
	struct ipaddr *targets;
	struct obs_filter f;
	struct store *store;
	struct err err;
	size_t n = 0, refused = 0;
	int64_t now = time_now_us();

	store = store_open(s->db_path, 0, &err);
	if (!store) {
		log_debug("probe: %s", err.msg);
		return;
	}
	obs_filter_init(&f);
	f.day_from = time_day_of(now) - 1;
	if (store_query_observations(store, &f, collect, &c, &err)) {
		log_error("probe: %s", err.msg);
		goto out;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), cmp_cand);
	targets = xcalloc(c.n ? c.n : 1, sizeof(*targets));
	for (size_t i = 0; i < c.n && n < ROUND_MAX; i++) {
		struct device d;
		bool found = false;
		const char *why;

		if (i && ipaddr_equal(&c.v[i].ip, &c.v[i - 1].ip))
			continue;
		if (!probe_policy_check(&s->pol, &c.v[i].ip, true, c.v[i].cc, &why)) {
			refused++;
			continue;
		}
		if (store_get_device(store, &c.v[i].ip, &d, &found, &err) == 0 && found) {
			free(d.evidence);
			if (d.expires_us > now)
				continue;
		}
		targets[n++] = c.v[i].ip;
	}
	if (n) {
		log_info("probe: probing %zu newly infected addresses (%zu out of scope)", n, refused);
		if (probe_job_run(&s->job, targets, n, store, NULL, NULL, &err))
			log_error("probe: %s", err.msg);
	}
	free(targets);
out:
	free(c.v);
	store_close(store);
}

static void *loop(void *arg)
{
	struct state *s = arg;
	long interval = config_int(s->cfg, "probe", "interval_s");

	while (!s->stop) {
		struct timespec ts;

		one_round(s);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += interval;
		pthread_mutex_lock(&s->mu);
		while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0)
			;
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static bool enabled(const struct config *cfg)
{
	return config_bool(cfg, "probe", "enabled");
}

static void *start(const struct service_env *env, struct err *err)
{
	struct state *s;

	if (!*config_str(env->cfg, "probe", "contact_url")) {
		err_set(err, "probe.contact_url must say where probed parties can reach you");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->cfg = env->cfg;
	s->db_path = xstrdup(env->db_path);
	if (probe_job_init(&s->job, env->cfg, err)) {
		free(s->db_path);
		free(s);
		return NULL;
	}
	if (probe_policy_init(&s->pol, env->cfg, err)) {
		probe_job_free(&s->job);
		free(s->db_path);
		free(s);
		return NULL;
	}
	s->job.opt.stop = &s->stop;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	return s;
}

static int ready(void *state, struct err *err)
{
	struct state *s = state;

	if (pthread_create(&s->thread, NULL, loop, s))
		return err_set(err, "cannot start the prober thread");
	return 0;
}

static void stop(void *state)
{
	struct state *s = state;

	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->thread)
		pthread_join(s->thread, NULL);
	probe_policy_free(&s->pol);
	probe_job_free(&s->job);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->db_path);
	free(s);
}

const struct service probe_service = {
	.name = "prober",
	.enabled = enabled,
	.start = start,
	.ready = ready,
	.stop = stop,
};
