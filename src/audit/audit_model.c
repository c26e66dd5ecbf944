#include "audit_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* The mapping, and the sources its ids were checked against, are in
 * docs/internals/audit.md. */
const struct audit_test_info audit_tests[AT_COUNT] = {
	[AT_DEFAULT_CREDENTIALS] = {"default-credentials",
				    "no universal default password accepted",
				    {"EN303645-5.1-1", "EN303645-5.1-2", "EN18031-1-AUM-5-1", NULL}},
	[AT_BRUTEFORCE] = {"bruteforce-mitigation",
			   "repeated failed logins are slowed down or locked out",
			   {"EN303645-5.1-5", "EN18031-1-AUM-6", NULL}},
	[AT_CLEARTEXT] = {"cleartext-management",
			  "no management interface without encryption",
			  {"EN303645-5.5-1", "EN303645-5.5-7", "EN18031-1-SCM-1", "EN18031-1-SCM-2", "EN18031-1-SCM-3", NULL}},
	[AT_WEAK_CRYPTO] = {"weak-crypto",
			    "TLS and SSH use best-practice cryptography and valid certificates",
			    {"EN303645-5.5-1", "EN18031-1-CRY-1", "EN18031-1-SCM-2", "EN18031-1-SCM-3", NULL}},
	[AT_EXPOSED] = {"exposed-services",
			"no unneeded network service or UPnP exposed",
			{"EN303645-5.6-1", "EN18031-1-GEC-2", NULL}},
	[AT_UNAUTHENTICATED] = {"unauthenticated-services",
				"no service usable without authentication",
				{"EN303645-5.5-5", "EN303645-5.6-2", "EN18031-1-ACM-1", "EN18031-1-AUM-1-1", NULL}},
	[AT_OUTDATED] = {"outdated-software",
			 "no software version with publicly known vulnerabilities",
			 {"EN303645-5.3-8", "EN18031-1-GEC-1", NULL}},
};

const char *audit_verdict_name(enum audit_verdict v)
{
	static const char *const names[] = {"not-applicable", "pass", "inconclusive", "fail"};
	return names[v];
}

void audit_add(struct audit_device *d, enum audit_test t, enum audit_verdict v, const char *service,
	       const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;

	if (d->nfindings == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->findings = xrealloc(d->findings, d->cap * sizeof(*d->findings));
	}
	f = &d->findings[d->nfindings++];
	memset(f, 0, sizeof(*f));
	f->test = t;
	f->verdict = v;
	snprintf(f->service, sizeof(f->service), "%s", service ? service : "");
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
	/* Evidence quotes what devices sent: keep it one printable line. */
	for (char *p = f->evidence; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '.';
}

enum audit_verdict audit_device_verdict(const struct audit_device *d, enum audit_test t)
{
	enum audit_verdict v = AUDIT_NA;

	for (size_t i = 0; i < d->nfindings; i++)
		if (d->findings[i].test == t && d->findings[i].verdict > v)
			v = d->findings[i].verdict;
	return v;
}

static int by_test(const void *a, const void *b)
{
	const struct audit_finding *x = a, *y = b;

	if (x->test != y->test)
		return x->test < y->test ? -1 : 1;
	return strcmp(x->service, y->service);
}

void audit_device_finish(struct audit_device *d)
{
	for (int t = 0; t < AT_COUNT; t++) {
		size_t i;

		for (i = 0; i < d->nfindings && d->findings[i].test != (enum audit_test)t; i++)
			;
		if (i == d->nfindings)
			audit_add(d, (enum audit_test)t, AUDIT_NA, "", "no service this test applies to");
	}
	qsort(d->findings, d->nfindings, sizeof(*d->findings), by_test);
}

void audit_device_free(struct audit_device *d)
{
	free(d->findings);
	d->findings = NULL;
	d->nfindings = d->cap = 0;
}
