/* audit_store.h - lab audit results in the store: a role interface of its
 * own, in the shape of store.h's roles (a backend fills the table; callers
 * use the wrappers).
 *
 * Until struct store carries it as a member, store_audits_of() finds the
 * table by backend name; a backend without one (PostgreSQL today) makes the
 * wrappers fail with a message naming the backend. Addresses are stored
 * (a lab's own devices) but never leave through latest_results: the
 * dashboard shows manufacturers and provisions only. */
#ifndef IOTMON_AUDIT_STORE_H
#define IOTMON_AUDIT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One finding of one device (strings are the caller's). */
struct audit_record {
	struct ipaddr ip;
	const char *name, *vendor, *model, *firmware; /* "" unknown */
	const char *test, *service, *verdict, *evidence;
	int64_t at_us;
};

/* One test verdict of a device's latest audit, without its address: device
 * is an opaque number per audited device (stable within one query). */
struct audit_latest {
	const char *vendor; /* "unknown" when not known */
	uint64_t device;
	const char *test, *verdict; /* the worst verdict of the test's findings */
};

struct store_audits {
	/* Records one audit run (n findings) in one transaction. */
	int (*record_audit)(struct store *s, const struct audit_record *r, size_t n, struct err *err);
	/* Every device's latest audit, by vendor, device, then test. */
	int (*latest_results)(struct store *s, int (*cb)(const struct audit_latest *v, void *arg), void *arg,
			      struct err *err);
};

extern const struct store_audits sqlite_audits;
extern const struct store_audits pg_audits;

/* The audit role of s's backend, or NULL. */
const struct store_audits *store_audits_of(const struct store *s);

int store_record_audit(struct store *s, const struct audit_record *r, size_t n, struct err *err);
int store_audit_latest(struct store *s, int (*cb)(const struct audit_latest *v, void *arg), void *arg,
		       struct err *err);

#endif
