#include "probe_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/datadir.h"
#include "core/log.h"
#include "core/timeutil.h"

int probe_job_init(struct probe_job *j, const struct config *cfg, struct err *err)
{
	const char *contact = config_str(cfg, "probe", "contact_url");
	const char *nmap = config_str(cfg, "probe", "nmap_probes");
	char path[4096];
	struct stat st;
	int n;

	memset(j, 0, sizeof(*j));
	n = prober_parse_ports(config_str(cfg, "probe", "ports"), j->ports, PROBE_MAX_PORTS);
	if (n <= 0)
		return err_set(err, "probe.ports: expected 1 to %d port numbers", PROBE_MAX_PORTS);
	snprintf(j->user_agent, sizeof(j->user_agent), "%s%s%s%s", config_str(cfg, "probe", "user_agent"),
		 *contact ? " (+" : "", contact, *contact ? ")" : "");
	j->opt.ports = j->ports;
	j->opt.nports = (size_t)n;
	j->opt.connect_timeout_ms = (int)config_int(cfg, "probe", "connect_timeout_ms");
	j->opt.read_timeout_ms = (int)config_int(cfg, "probe", "read_timeout_ms");
	j->opt.max_parallel = (int)config_int(cfg, "probe", "max_parallel");
	j->opt.rate_global = config_double(cfg, "probe", "rate_global");
	j->opt.rate_per_ip = config_double(cfg, "probe", "rate_per_ip");
	j->opt.user_agent = j->user_agent;
	j->ttl_us = (int64_t)config_int(cfg, "probe", "reprobe_after_h") * 3600 * 1000000;
	j->sigs = sigset_new();
	if (!datadir_path(cfg, config_str(cfg, "probe", "signatures"), path, sizeof(path)))
		return err_set(err, "probe.signatures: path too long");
	if (sigset_load_rules(j->sigs, path, err)) {
		probe_job_free(j);
		return -1;
	}
	if (*nmap && stat(nmap, &st) == 0) {
		if (sigset_load_nmap(j->sigs, nmap, &j->nmap_rules, err)) {
			probe_job_free(j);
			return -1;
		}
	}
	log_debug("probe: %zu signature rules (%zu from %s)", sigset_count(j->sigs), j->nmap_rules,
		  *nmap ? nmap : "no nmap database");
	return 0;
}

void probe_job_free(struct probe_job *j)
{
	sigset_free(j->sigs);
	j->sigs = NULL;
}

struct round {
	struct probe_job *j;
	struct store *store;
	void (*report)(const struct device *d, const struct probe_host *h, void *arg);
	void *arg;
};

static void host_done(const struct probe_host *h, void *arg)
{
	struct round *r = arg;
	struct probe_facts f;
	struct device_match m;
	struct device d;
	struct err err;

	probe_host_facts(h, &f);
	sigset_match(r->j->sigs, &f, &m);
	memset(&d, 0, sizeof(d));
	d.ip = h->ip;
	memcpy(d.vendor, m.vendor, sizeof(d.vendor));
	memcpy(d.type, m.type, sizeof(d.type));
	memcpy(d.model, m.model, sizeof(d.model));
	memcpy(d.firmware, m.firmware, sizeof(d.firmware));
	memcpy(d.rule, m.rule, sizeof(d.rule));
	d.evidence = probe_host_evidence(h);
	d.probed_us = h->finished_us;
	d.expires_us = h->finished_us + r->j->ttl_us;
	if (r->store && store_upsert_device(r->store, &d, &err))
		log_error("probe: %s", err.msg);
	if (r->report)
		r->report(&d, h, r->arg);
	free(d.evidence);
}

int probe_job_run(struct probe_job *j, const struct ipaddr *targets, size_t n, struct store *store,
		  void (*report)(const struct device *d, const struct probe_host *h, void *arg), void *arg,
		  struct err *err)
{
	struct round r = {j, store, report, arg};

	return prober_run(&j->opt, targets, n, host_done, &r, err);
}
