#include "audit_engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/datadir.h"
#include "core/xalloc.h"

static int parse_ports(const struct config *cfg, const char *key, uint16_t *ports, size_t *n, struct err *err)
{
	int got = prober_parse_ports(config_str(cfg, "audit", key), ports, AUDIT_MAX_PORTS);

	if (got < 0)
		return err_set(err, "audit.%s: expected at most %d port numbers", key, AUDIT_MAX_PORTS);
	*n = (size_t)got;
	return 0;
}

int audit_engine_init(struct audit_engine *e, const struct config *cfg, struct err *err)
{
	char path[4096];
	const char *nmap = config_str(cfg, "probe", "nmap_probes");
	struct stat st;
	size_t nmap_rules;

	memset(e, 0, sizeof(*e));
	if (parse_ports(cfg, "ports", e->ports, &e->nports, err) ||
	    parse_ports(cfg, "forbidden_ports", e->set.forbidden, &e->set.nforbidden, err))
		return -1;
	e->set.connect_timeout_ms = (int)config_int(cfg, "audit", "connect_timeout_ms");
	e->set.read_timeout_ms = (int)config_int(cfg, "audit", "read_timeout_ms");
	e->set.max_attempts = (int)config_int(cfg, "audit", "max_attempts");
	e->set.bruteforce_failures = (int)config_int(cfg, "audit", "bruteforce_failures");
	e->set.throttle_ms = (int)config_int(cfg, "audit", "throttle_ms");
	e->set.config_paths = config_str(cfg, "audit", "http_config_paths");
	e->set.ca_file = config_str(cfg, "audit", "ca_file");
	e->max_parallel = (int)config_int(cfg, "audit", "max_parallel");
	e->rate_per_ip = config_double(cfg, "audit", "rate_per_ip");
	audit_pace_init(&e->pace, config_double(cfg, "audit", "attempts_per_second"));
	e->set.pace = &e->pace;
	if (!datadir_path(cfg, config_str(cfg, "audit", "credentials"), path, sizeof(path)) ||
	    audit_creds_load(&e->creds, path, err))
		goto fail;
	if (!datadir_path(cfg, config_str(cfg, "audit", "vulnerable_versions"), path, sizeof(path)) ||
	    !(e->vulns = audit_vulns_load(path, err)))
		goto fail;
	/* The probe module's signatures name devices (and their firmware). */
	e->sigs = sigset_new();
	if (!datadir_path(cfg, config_str(cfg, "probe", "signatures"), path, sizeof(path)) ||
	    sigset_load_rules(e->sigs, path, err))
		goto fail;
	if (*nmap && stat(nmap, &st) == 0 && sigset_load_nmap(e->sigs, nmap, &nmap_rules, err))
		goto fail;
	e->set.creds = &e->creds;
	e->set.vulns = e->vulns;
	e->set.sigs = e->sigs;
	return 0;
fail:
	audit_engine_free(e);
	return -1;
}

void audit_engine_free(struct audit_engine *e)
{
	audit_creds_free(&e->creds);
	audit_vulns_free(e->vulns);
	sigset_free(e->sigs);
	audit_pace_free(&e->pace);
	e->vulns = NULL;
	e->sigs = NULL;
}

/* The sweep's answers, kept until the tests have run. */
struct swept {
	struct probe_host host;
	bool done;
};

struct run {
	struct audit_engine *e;
	struct audit_lab *lab;
	struct swept *swept;
	pthread_mutex_t mu;
	size_t next;
};

static void swept_one(const struct probe_host *h, void *arg)
{
	struct run *r = arg;

	for (size_t i = 0; i < r->lab->n; i++) {
		struct swept *s = &r->swept[i];

		if (s->done || !ipaddr_equal(&r->lab->devices[i].ip, &h->ip))
			continue;
		s->host = *h;
		s->host.ports = xmalloc(h->nports * sizeof(*h->ports));
		memcpy(s->host.ports, h->ports, h->nports * sizeof(*h->ports));
		s->done = true;
		return;
	}
}

static void *worker(void *arg)
{
	struct run *r = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&r->mu);
		i = r->next++;
		pthread_mutex_unlock(&r->mu);
		if (i >= r->lab->n)
			return NULL;
		if (r->swept[i].done)
			audit_check_device(&r->e->set, &r->swept[i].host, &r->lab->devices[i]);
		else
			audit_device_finish(&r->lab->devices[i]);
	}
}

int audit_engine_run(struct audit_engine *e, struct audit_lab *lab, struct err *err)
{
	struct prober_options o = {
		.ports = e->ports,
		.nports = e->nports,
		.connect_timeout_ms = e->set.connect_timeout_ms,
		.read_timeout_ms = e->set.read_timeout_ms < 2000 ? e->set.read_timeout_ms : 2000,
		.max_parallel = 64,
		.rate_global = 0,
		.rate_per_ip = e->rate_per_ip,
		.user_agent = "iotmon-audit",
	};
	struct ipaddr *targets = xcalloc(lab->n ? lab->n : 1, sizeof(*targets));
	struct run r = {.e = e, .lab = lab};
	size_t nthreads = lab->n < (size_t)e->max_parallel ? lab->n : (size_t)e->max_parallel;
	pthread_t *th = xcalloc(nthreads ? nthreads : 1, sizeof(*th));
	int rc = 0;

	r.swept = xcalloc(lab->n ? lab->n : 1, sizeof(*r.swept));
	for (size_t i = 0; i < lab->n; i++)
		targets[i] = lab->devices[i].ip;
	pthread_mutex_init(&r.mu, NULL);
	if (prober_run(&o, targets, lab->n, swept_one, &r, err))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker, &r)) {
			nthreads = i;
			rc = err_set(err, "cannot start audit threads");
		}
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < lab->n; i++)
		free(r.swept[i].host.ports);
	pthread_mutex_destroy(&r.mu);
	free(r.swept);
	free(th);
	free(targets);
	return rc;
}
