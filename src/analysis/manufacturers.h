/* manufacturers.h - infected devices per vendor / model / firmware of the
 * characterized devices (those with a stored device record naming a vendor
 * or a model), for a period: the one computation behind `iotmon report
 * manufacturers` and the dashboard's manufacturers page.
 *
 * A device is an IP address; each has at most one device record, so a
 * vendor's devices are the sum of its models' and nothing is counted twice.
 * Per model: devices, devices per ISO week (Monday start), families,
 * infection vectors (devices seen trying credentials, sending exploits) and
 * the CVEs of those exploits. */
#ifndef IOTMON_ANALYSIS_MANUFACTURERS_H
#define IOTMON_ANALYSIS_MANUFACTURERS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/figures.h"
#include "report/strtab.h"

struct manufacturers_count {
	uint32_t id; /* family or CVE: a name in manufacturers.names */
	int64_t key; /* weeks: the Monday's day */
	uint64_t n; /* devices */
};

struct manufacturers_model {
	char vendor[64], name[64], firmware[64], type[32];
	uint64_t devices, via_credentials, via_exploit;
	struct manufacturers_count *families, *cves, *weeks; /* most devices first; weeks in order */
	size_t nfam, ncve, nweek;
};

struct manufacturers {
	struct manufacturers_model *v; /* most devices first, then vendor, model, firmware */
	size_t n;
	uint64_t characterized; /* devices with a vendor or model */
	uint64_t all; /* every infected device of the period */
	struct strtab names; /* families and CVEs */
};

int manufacturers_compute(struct store *s, const struct figures_period *p, struct manufacturers *m,
			  struct err *err);
void manufacturers_free(struct manufacturers *m);

#endif
