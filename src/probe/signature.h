/* signature.h - naming a device from what it answered.
 *
 * Two rule sources: our own rules (data/device-signatures.tsv: one rule a
 * line, `field<TAB>pattern<TAB>vendor<TAB>type<TAB>model<TAB>firmware<TAB>source`,
 * '#' comments; model and firmware may use $1..$9 for captures), and nmap's
 * service-probe database when installed (its `match` lines for the http,
 * telnet and rtsp services: p/ becomes the model, v/ the firmware, d/ the
 * type, the cpe:/h: or cpe:/o: vendor or else p/'s first word the vendor).
 * Patterns are PCRE2. Matching fills each device field from the first rule
 * that sets it, own rules before nmap's, and names the first rule in
 * `rule` with its source. */
#ifndef IOTMON_SIGNATURE_H
#define IOTMON_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* What one host answered, as the matchers see it; absent text is "" / 0. */
struct probe_facts {
	const char *telnet; /* raw telnet banner bytes (IAC included) */
	size_t telnet_len;
	const char *http; /* raw HTTP answer: head and start of the body */
	size_t http_len;
	const char *http_server, *http_title, *http_realm; /* NUL-terminated */
	const char *rtsp; /* raw RTSP OPTIONS answer */
	size_t rtsp_len;
	const char *tls_subject; /* one-line certificate subject */
};

struct device_match {
	char vendor[64], type[32], model[64], firmware[64];
	char rule[128];
};

struct sigset;

struct sigset *sigset_new(void);
void sigset_free(struct sigset *s);
/* Our rules from a file or from memory (name is used in messages). A bad
 * line is an error naming NAME:LINE; rules before it stay loaded. */
int sigset_load_rules(struct sigset *s, const char *path, struct err *err);
int sigset_load_rules_buf(struct sigset *s, const char *buf, size_t len, const char *name, struct err *err);
/* nmap-service-probes; lines it cannot use (other services, patterns PCRE2
 * rejects) are skipped. *loaded gets the number of rules taken. */
int sigset_load_nmap(struct sigset *s, const char *path, size_t *loaded, struct err *err);
/* The same for text in memory; returns the number of rules taken. */
size_t sigset_load_nmap_buf(struct sigset *s, const char *buf, size_t len);
size_t sigset_count(const struct sigset *s);
/* Returns true when some rule matched (m filled; fields not learnt are ""). */
bool sigset_match(const struct sigset *s, const struct probe_facts *f, struct device_match *m);

#endif
