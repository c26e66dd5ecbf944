/* audit_lab.h - the devices of one audit and the lab scope they must lie in.
 *
 * Targets are addresses or prefixes (a prefix is expanded to its hosts, at
 * most AUDIT_LAB_MAX), or rows of a lab CSV: `name,address,vendor,model,
 * firmware` (a header line starting with "name" is skipped). Every address
 * is checked against [audit] scope with the probe module's policy (an
 * allow-list of the scope and nothing else: the do-not-probe list is for
 * the internet, not the lab) before anything is sent. */
#ifndef IOTMON_AUDIT_LAB_H
#define IOTMON_AUDIT_LAB_H

#include <stddef.h>

#include "audit_model.h"
#include "core/config.h"
#include "core/err.h"
#include "probe/probe_policy.h"

#define AUDIT_LAB_MAX 4096

struct audit_lab {
	struct audit_device *devices;
	size_t n, cap;
};

/* Adds TARGET (address or prefix); -1 when it does not parse or the lab
 * would grow past AUDIT_LAB_MAX. */
int audit_lab_add_target(struct audit_lab *lab, const char *target, struct err *err);
/* Reads a lab CSV; a bad line is an error naming PATH:LINE. */
int audit_lab_load(struct audit_lab *lab, const char *path, struct err *err);
/* The scope policy from [audit] scope; -1 when the scope is empty. */
int audit_scope_init(struct probe_policy *p, const struct config *cfg, struct err *err);
/* Returns -1 naming the first device outside the scope. */
int audit_lab_check_scope(const struct audit_lab *lab, const struct probe_policy *scope, struct err *err);
void audit_lab_free(struct audit_lab *lab);

#endif
