/* audit_checks.h - the seven tests on one device, from the port sweep's
 * answers (probe/prober.h) to findings (audit_model.h).
 *
 * Services are named from port and first answer; each then gets the checks
 * that apply to it. Logins are bounded (max_attempts per service) and paced
 * (one audit_pace for the whole run); nothing but logins and GETs of
 * well-known configuration paths is sent. */
#ifndef IOTMON_AUDIT_CHECKS_H
#define IOTMON_AUDIT_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "audit_creds.h"
#include "audit_model.h"
#include "audit_net.h"
#include "audit_vulns.h"
#include "probe/prober.h"
#include "probe/signature.h"

#define AUDIT_MAX_PORTS 64

struct audit_settings {
	int connect_timeout_ms, read_timeout_ms;
	int max_attempts; /* credentials tried per service */
	int bruteforce_failures; /* failed logins measured before judging */
	int throttle_ms; /* a failure answered slower than this is throttled */
	uint16_t forbidden[AUDIT_MAX_PORTS];
	size_t nforbidden;
	const char *config_paths; /* LIST of HTTP paths that must not answer unauthenticated */
	const char *ca_file;
	const struct audit_creds *creds;
	const struct audit_vulns *vulns;
	const struct sigset *sigs;
	struct audit_pace *pace;
};

/* Runs every test on host h (its sweep answers) into d. */
void audit_check_device(const struct audit_settings *s, const struct probe_host *h, struct audit_device *d);

#endif
