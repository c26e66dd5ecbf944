/* audit_engine.h - a whole audit run: settings from [audit], the scope
 * check before any packet, one port sweep of every device with the probe
 * module's epoll prober, then the tests on each device in worker threads
 * ([audit] max_parallel devices at once). */
#ifndef IOTMON_AUDIT_ENGINE_H
#define IOTMON_AUDIT_ENGINE_H

#include <stddef.h>

#include "audit_checks.h"
#include "audit_lab.h"
#include "core/config.h"
#include "core/err.h"

struct audit_engine {
	struct audit_settings set;
	struct audit_creds creds;
	struct audit_vulns *vulns;
	struct sigset *sigs;
	struct audit_pace pace;
	uint16_t ports[AUDIT_MAX_PORTS];
	size_t nports;
	int max_parallel;
	double rate_per_ip;
};

int audit_engine_init(struct audit_engine *e, const struct config *cfg, struct err *err);
void audit_engine_free(struct audit_engine *e);
/* Audits every device of the lab (addresses already checked against the
 * scope); fills lab->devices[i] findings. */
int audit_engine_run(struct audit_engine *e, struct audit_lab *lab, struct err *err);

#endif
