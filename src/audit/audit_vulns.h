/* audit_vulns.h - software versions with publicly known vulnerabilities
 * (data/vulnerable-versions.tsv): one row a line,
 * `service<TAB>pattern<TAB>cves<TAB>source`, '#' comments. service is what
 * the pattern (PCRE2, caseless) is matched against: ssh (identification
 * line), ftp (220 greeting), http (Server header), rtsp (Server header),
 * telnet (banner text) or device ("vendor model firmware" from the probe
 * signatures). */
#ifndef IOTMON_AUDIT_VULNS_H
#define IOTMON_AUDIT_VULNS_H

#include <stddef.h>

#include "core/err.h"

struct audit_vulns;

struct audit_vulns *audit_vulns_load(const char *path, struct err *err);
struct audit_vulns *audit_vulns_load_buf(const char *buf, size_t len, const char *name, struct err *err);
void audit_vulns_free(struct audit_vulns *v);
/* Writes "CVE-... (source)" of every row of service matching text into out;
 * returns the number of rows that matched. */
size_t audit_vulns_match(const struct audit_vulns *v, const char *service, const char *text, char *out, size_t cap);

#endif
