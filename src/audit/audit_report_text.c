#include <string.h>

#include "audit_report.h"

void audit_device_label(const struct audit_device *d, char *buf, size_t cap)
{
	char ip[IPADDR_STRLEN];

	ipaddr_format(&d->ip, ip);
	if (d->name[0])
		snprintf(buf, cap, "%s (%s)", d->name, ip);
	else
		snprintf(buf, cap, "%s", ip);
}

int audit_report_text(FILE *out, const struct audit_lab *lab)
{
	char label[128];

	for (size_t i = 0; i < lab->n; i++) {
		const struct audit_device *d = &lab->devices[i];

		audit_device_label(d, label, sizeof(label));
		fprintf(out, "%s%s%s%s%s\n", label, d->vendor[0] ? "  " : "", d->vendor, d->model[0] ? " " : "",
			d->model);
		for (size_t j = 0; j < d->nfindings; j++) {
			const struct audit_finding *f = &d->findings[j];

			fprintf(out, "  %-24s %-14s %-12s %s\n", audit_tests[f->test].id, audit_verdict_name(f->verdict),
				f->service[0] ? f->service : "-", f->evidence);
		}
		fputc('\n', out);
	}
	/* The lab comparison: devices x tests. */
	fprintf(out, "%-32s", "device");
	for (int t = 0; t < AT_COUNT; t++)
		fprintf(out, " %-13.13s", audit_tests[t].id);
	fputc('\n', out);
	for (size_t i = 0; i < lab->n; i++) {
		audit_device_label(&lab->devices[i], label, sizeof(label));
		fprintf(out, "%-32.32s", label);
		for (int t = 0; t < AT_COUNT; t++)
			fprintf(out, " %-13s", audit_verdict_name(audit_device_verdict(&lab->devices[i], (enum audit_test)t)));
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}
