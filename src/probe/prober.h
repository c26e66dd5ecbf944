/* prober.h - many short TCP probes at once, one thread, epoll.
 *
 * For each target and port: a non-blocking connect with a deadline, then by
 * port: telnet (23, 2323: read the banner, refuse every option, stop at a
 * prompt), RTSP (554: OPTIONS), TLS (443, 8443: the certificate subject),
 * else HTTP (GET / with our User-Agent). Answers are kept up to 8 KiB per
 * connection. New connections obey a global rate and a per-IP rate (token
 * buckets) and at most max_parallel are open. When every port of a target
 * is finished, done() gets the target's answers (valid during the call).
 *
 * The prober does not decide what may be probed: callers check the policy
 * (probe_policy.h) first. */
#ifndef IOTMON_PROBER_H
#define IOTMON_PROBER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ipaddr.h"
#include "signature.h"

#define PROBE_ANSWER_MAX 8192

struct prober_options {
	const uint16_t *ports;
	size_t nports;
	int connect_timeout_ms, read_timeout_ms, max_parallel;
	double rate_global, rate_per_ip; /* new connections per second; <= 0: unlimited */
	const char *user_agent; /* the whole User-Agent value */
	volatile int *stop; /* may be NULL; non-zero ends the run early */
};

enum port_state { PORT_OPEN, PORT_CLOSED, PORT_TIMEOUT, PORT_ERROR };

struct port_answer {
	uint16_t port;
	enum port_state state;
	char proto[8]; /* telnet, http, rtsp, tls */
	char raw[PROBE_ANSWER_MAX];
	size_t raw_len;
	int status; /* HTTP / RTSP status, 0 none */
	char server[128], title[128], realm[128], tls_subject[256];
};

struct probe_host {
	struct ipaddr ip;
	struct port_answer *ports;
	size_t nports;
	int64_t started_us, finished_us;
};

typedef void (*prober_done_fn)(const struct probe_host *h, void *arg);

/* Probes every target on every port; returns 0 when the run ended (or was
 * stopped), -1 when it could not start (err). */
int prober_run(const struct prober_options *o, const struct ipaddr *targets, size_t n, prober_done_fn done, void *arg,
	       struct err *err);

/* The answers as matcher input (pointers into h). */
void probe_host_facts(const struct probe_host *h, struct probe_facts *f);
/* The answers as JSON text (malloc'ed): {"ports":[{"port":80,...},...]}. */
char *probe_host_evidence(const struct probe_host *h);
/* Ports from a config LIST ("23, 80"); returns the count or -1. */
int prober_parse_ports(const char *list, uint16_t *ports, size_t max);

#endif
