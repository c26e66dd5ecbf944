/* web.h - the dashboard and per-network API server (libmicrohttpd).
 *
 * One daemon with an internal epoll thread pool; per-connection limits
 * (count, per client address and prefix, idle timeout, whole-request
 * deadline, memory) come from the options.
 * Each worker borrows a store connection from a pool for one request.
 * Public pages and /metrics are cached for cache_seconds; API answers
 * never are. Routes: see router.c; docs/internals/web.md. */
#ifndef IOTMON_WEB_H
#define IOTMON_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/ipaddr.h"

#define WEB_FOCUS_MAX 32

struct web_options {
	const struct config *cfg; /* must outlive the server ([feeds] settings of the feed API) */
	const char *db_path;
	char host[IPADDR_STRLEN];
	uint16_t port; /* 0: any free port (see web_port) */
	int threads, max_connections, max_per_ip, timeout_s, cache_seconds;
	int max_per_prefix, request_timeout_s, response_timeout_s; /* connguard.h */
	int rate_per_minute, burst;
	int auth_failures, auth_window_s; /* failed credentials per client */
	int uncached_per_minute, uncached_burst; /* page computations per client */
	int cache_max_kb; /* bodies the page cache holds at most */
	char focus[WEB_FOCUS_MAX][3]; /* [enrich] focus_countries */
	size_t nfocus;
	bool all_countries; /* "*": the overview charts all countries as one */
	char population_path[512]; /* "" none */
	char map_path[512]; /* DATA_DIR/map/world.tsv; "" none */
	char language[8]; /* text.h */
	int session_minutes; /* portal sessions expire after this */
	bool secure_cookies; /* mark the portal cookie Secure (served behind TLS) */
	int listen_fd; /* a socket web_listen() bound (web_start takes it), or -1: web_start binds */
	/* Called (may be NULL) once the store connections and data files are
	 * open, before the server starts any thread: the web child drops its
	 * privileges there. */
	int (*before_threads)(void *arg, struct err *err);
	void *before_threads_arg;
};

/* Fills o from the [web] section; listen (may be NULL) overrides
 * [web] listen. */
int web_options_from_config(const struct config *cfg, const char *db_path, const char *listen,
			    struct web_options *o, struct err *err);

/* Binds and listens on o's address (non-blocking, close on exec): for a
 * parent that binds as root and serves in a child. -1 with err. */
int web_listen(const struct web_options *o, struct err *err);
/* The port a bound socket listens on (0 when unknown). */
uint16_t web_bound_port(int fd);

struct web_server;

/* Binds and starts serving; returns NULL with err on failure. */
struct web_server *web_start(const struct web_options *o, struct err *err);
uint16_t web_port(const struct web_server *w);
/* Stops accepting, finishes requests in flight, frees everything. */
void web_stop(struct web_server *w);

#endif
