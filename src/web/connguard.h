/* connguard.h - who may hold a web connection, and for how long.
 *
 * libmicrohttpd's own limits are a total, a per-address count and an idle
 * timeout; a slowloris client defeats them by spreading over a few
 * addresses and sending one byte just before each idle timeout. The guard
 * adds what is missing:
 *
 *  - a cap per prefix (/24, /64): the addresses of one attacker share one;
 *  - a reserve: the last quarter of max_total is kept for prefixes holding
 *    fewer than CONNGUARD_LIGHT connections (a browser, a script), so
 *    slow clients spread over many prefixes cannot take every place;
 *  - deadlines: the whole request (from the connection, or the end of the
 *    previous answer, to the last byte of headers and body) within
 *    request_s, the whole answer within response_s. A connection past its
 *    deadline is shut down (shutdown(2): the server's event loop sees the
 *    end of the stream and closes it in its own thread).
 *
 * Thread-safe; a reaper thread checks the deadlines every 250 ms. */
#ifndef IOTMON_WEB_CONNGUARD_H
#define IOTMON_WEB_CONNGUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ipaddr.h"

#define CONNGUARD_LIGHT 4

struct connguard_limits {
	int max_total; /* connections open at most (the server's cap) */
	int max_per_prefix; /* per /24 or /64 */
	int request_s; /* receiving one request, headers and body */
	int response_s; /* sending one answer */
};

struct connguard;
struct guarded_conn;

/* Starts the reaper thread unless reaper is false (unit tests call
 * connguard_reap themselves); NULL with err when it cannot. */
struct connguard *connguard_new(const struct connguard_limits *lim, bool reaper, struct err *err);
/* Stops the reaper; every connection must have been closed. */
void connguard_free(struct connguard *g);

/* Would a new connection from a be admitted now? (the accept policy) */
bool connguard_admit(struct connguard *g, const struct ipaddr *a);
/* A connection from a on socket fd has started at now_us: counts it and
 * starts its request deadline. NULL when over a cap: the caller closes it. */
struct guarded_conn *connguard_open(struct connguard *g, const struct ipaddr *a, int fd, int64_t now_us);
/* The connection ended (c may be NULL). */
void connguard_close(struct connguard *g, struct guarded_conn *c);
/* The request is complete: the answer's deadline starts. */
void connguard_answering(struct connguard *g, struct guarded_conn *c, int64_t now_us);
/* The answer is sent: the next request's deadline starts. */
void connguard_waiting(struct connguard *g, struct guarded_conn *c, int64_t now_us);
/* Shuts down every connection past its deadline at now_us; returns how
 * many. */
int connguard_reap(struct connguard *g, int64_t now_us);

struct connguard_stats {
	int open, prefixes;
	uint64_t refused, reaped;
};
void connguard_stats(struct connguard *g, struct connguard_stats *out);

#endif
