/* audit_report.h - the report card of an audit: text (one block per device
 * and a devices x tests comparison), JSON (schema "iotmon-audit/1",
 * docs/audit-schema.json) and one HTML page (provisions x verdicts per
 * device, the lab comparison, an inline SVG summary). */
#ifndef IOTMON_AUDIT_REPORT_H
#define IOTMON_AUDIT_REPORT_H

#include <stdio.h>

#include "audit_lab.h"

#define AUDIT_SCHEMA "iotmon-audit/1"

int audit_report_text(FILE *out, const struct audit_lab *lab);
int audit_report_json(FILE *out, const struct audit_lab *lab);
int audit_report_html(FILE *out, const struct audit_lab *lab);

/* Shared by the writers: a device's display name (name, else address). */
void audit_device_label(const struct audit_device *d, char *buf, size_t cap);

#endif
