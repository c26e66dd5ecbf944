/* probe_job.h - one probing round as the CLI and the run service do it:
 * the configured ports, limits and User-Agent, the signature rules (ours and
 * nmap's when installed), and for each host the device row stored with its
 * evidence, time and expiry. */
#ifndef IOTMON_PROBE_JOB_H
#define IOTMON_PROBE_JOB_H

#include "core/config.h"
#include "prober.h"
#include "signature.h"
#include "store/store.h"

#define PROBE_MAX_PORTS 64

struct probe_job {
	struct prober_options opt;
	uint16_t ports[PROBE_MAX_PORTS];
	char user_agent[512];
	struct sigset *sigs;
	size_t nmap_rules;
	int64_t ttl_us;
};

int probe_job_init(struct probe_job *j, const struct config *cfg, struct err *err);
void probe_job_free(struct probe_job *j);
/* Probes targets (already allowed by the policy), stores each device in
 * store (may be NULL) and calls report (may be NULL) with it. A failed store
 * write is logged and the round goes on. */
int probe_job_run(struct probe_job *j, const struct ipaddr *targets, size_t n, struct store *store,
		  void (*report)(const struct device *d, const struct probe_host *h, void *arg), void *arg,
		  struct err *err);

#endif
