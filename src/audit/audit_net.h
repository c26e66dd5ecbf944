/* audit_net.h - the blocking socket steps the audit's checks share: connect
 * with a deadline, read until a pattern or the deadline, write all; and the
 * pacing of login attempts (one token bucket per audit run).
 *
 * Every connection an audit makes goes through audit_connect, after the
 * scope check: the one place that opens sockets towards a device. */
#ifndef IOTMON_AUDIT_NET_H
#define IOTMON_AUDIT_NET_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ipaddr.h"

/* A connected TCP socket (blocking, with SO_RCVTIMEO/SO_SNDTIMEO of
 * timeout_ms), or -1 (err says refused / timeout / why). */
int audit_connect(const struct ipaddr *ip, uint16_t port, int timeout_ms, struct err *err);
/* The sockaddr for ip:port; returns its length. */
unsigned audit_sockaddr(const struct ipaddr *ip, uint16_t port, void *ss);
int audit_send_all(int fd, const void *buf, size_t len);
/* Reads into buf (cap bytes, NUL-terminated) until one of the NULL-ended
 * needles appears (case-insensitive), the peer closes, or timeout_ms pass;
 * with needles NULL, until the first bytes arrive.
 * Returns the byte count (>= 0) or -1 on a socket error. */
long audit_read_until(int fd, char *buf, size_t cap, const char *const *needles, int timeout_ms);
/* Case-insensitive memmem for text that may hold NULs. */
const char *audit_memcasestr(const char *hay, size_t len, const char *needle);

/* Login attempts per second over the whole run, shared by threads. */
struct audit_pace {
	pthread_mutex_t mu;
	double rate;
	int64_t next_us;
};

void audit_pace_init(struct audit_pace *p, double per_second);
/* Sleeps until the next attempt may start. */
void audit_pace_wait(struct audit_pace *p);
void audit_pace_free(struct audit_pace *p);

#endif
