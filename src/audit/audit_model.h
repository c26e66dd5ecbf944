/* audit_model.h - what a device audit finds: the tests, the provisions each
 * gives evidence for, and one verdict with its evidence per test and service.
 *
 * Provision ids are written EN303645-5.1-1 (ETSI EN 303 645 V2.1.1, clause 5)
 * and EN18031-1-AUM-6 (EN 18031-1:2024 requirement ids); where they were
 * checked: docs/internals/audit.md. */
#ifndef IOTMON_AUDIT_MODEL_H
#define IOTMON_AUDIT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

enum audit_verdict { AUDIT_NA, AUDIT_PASS, AUDIT_INCONCLUSIVE, AUDIT_FAIL };

enum audit_test {
	AT_DEFAULT_CREDENTIALS,
	AT_BRUTEFORCE,
	AT_CLEARTEXT,
	AT_WEAK_CRYPTO,
	AT_EXPOSED,
	AT_UNAUTHENTICATED,
	AT_OUTDATED,
	AT_COUNT
};

#define AUDIT_MAX_PROVISIONS 6

struct audit_test_info {
	const char *id, *title;
	const char *provisions[AUDIT_MAX_PROVISIONS]; /* NULL-ended */
};

extern const struct audit_test_info audit_tests[AT_COUNT];

const char *audit_verdict_name(enum audit_verdict v);

#define AUDIT_EVIDENCE_MAX 1024

struct audit_finding {
	enum audit_test test;
	enum audit_verdict verdict;
	char service[24]; /* "telnet/23"; "" for the whole device */
	char evidence[AUDIT_EVIDENCE_MAX];
};

struct audit_device {
	struct ipaddr ip;
	char name[64], vendor[64], model[64], firmware[64]; /* from --lab; "" unknown */
	struct audit_finding *findings;
	size_t nfindings, cap;
	int64_t started_us, finished_us;
};

/* Adds a finding (evidence printf-style, cut to fit, non-printable bytes
 * shown as '.'). */
void audit_add(struct audit_device *d, enum audit_test t, enum audit_verdict v, const char *service,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The device's verdict on a test: the worst of its findings (fail >
 * inconclusive > pass > not applicable). */
enum audit_verdict audit_device_verdict(const struct audit_device *d, enum audit_test t);
/* Gives each test without a finding one "not-applicable" finding, and
 * orders findings by test. */
void audit_device_finish(struct audit_device *d);
void audit_device_free(struct audit_device *d);

#endif
