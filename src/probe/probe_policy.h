/* probe_policy.h - what may be probed, decided before any packet is sent.
 *
 * In order: a target on the do-not-probe list ([probe] do_not_probe) is
 * refused whatever else holds; a target in an allow-list ([probe] allow, or
 * --scope on the command line) is allowed; any other target must have been
 * observed as infected and lie in a focus country ([enrich]
 * focus_countries). */
#ifndef IOTMON_PROBE_POLICY_H
#define IOTMON_PROBE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "core/ipaddr.h"

struct probe_policy {
	const struct config *cfg;
	struct cidr *allow, *deny;
	size_t nallow, ndeny, capallow, capdeny;
};

int probe_policy_init(struct probe_policy *p, const struct config *cfg, struct err *err);
/* A policy that allows exactly the prefixes of a CIDRS value and nothing
 * else (no do-not-probe list, no infected/country rule): a lab's scope. */
int probe_policy_init_allow_only(struct probe_policy *p, const struct config *cfg, const char *cidrs,
				 struct err *err);
/* Adds an allow-list prefix (--scope); returns -1 when it does not parse. */
int probe_policy_allow(struct probe_policy *p, const char *cidr);
void probe_policy_free(struct probe_policy *p);
/* Returns true when ip may be probed; otherwise *why says why not.
 * infected: ip has an observation; cc: its country ("" unknown). */
bool probe_policy_check(const struct probe_policy *p, const struct ipaddr *ip, bool infected, const char *cc,
			const char **why);

#endif
