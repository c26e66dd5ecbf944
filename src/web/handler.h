/* handler.h - what the server hands a route handler, and what it returns.
 *
 * Handlers are plain functions of (request, response): they read the store
 * connection they are given and write a status, a content type and a body.
 * They never see raw bytes from the network: the path is routed exactly and
 * the query has passed query.c. */
#ifndef IOTMON_WEB_HANDLER_H
#define IOTMON_WEB_HANDLER_H

#include <stdbool.h>

#include "core/strbuf.h"
#include "store/store.h"
#include "report/feed.h"
#include "report/population.h"
#include "web/query.h"
#include "web/session.h"
#include "web/worldmap.h"
#include "web/web.h"

struct auth_throttle;

struct web_request {
	const char *path;
	const struct query *query;
	struct store *store;
	const struct web_options *opt;
	const struct population *population; /* NULL when none */
	const struct worldmap *worldmap; /* NULL when not installed */
	const struct api_token *token; /* authenticated routes only */
	const struct feed_options *feed; /* [feeds] options of the feed API */
	bool post; /* a POST: its form is in form */
	const struct query *form; /* empty for GET */
	struct sessions *sessions; /* portal sessions (session.h) */
	const char *session_cookie; /* the portal cookie's value, or NULL */
	const struct ipaddr *client; /* the peer's address */
	struct auth_throttle *throttle; /* failed credentials per client (auth.h) */
};

struct web_response {
	int status;
	const char *content_type;
	struct strbuf body;
	int retry_after; /* seconds, sent with 429 */
	bool www_authenticate; /* send the Bearer challenge (401) */
	char location[256]; /* "" none; a redirect's target */
	char set_cookie[384]; /* "" none */
	bool allow_post; /* a 405 lists POST in Allow (the route takes forms) */
};

/* Makes r a JSON error {"error":{"status":N,"message":"..."}}; returns 0 so
 * handlers can `return web_error(...)`. */
int web_error(struct web_response *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A 500 for a store failure: the detail (paths, SQL) goes to the log, the
 * client gets "internal error". Returns 0. */
int web_store_error(struct web_response *r, const struct err *err);

/* For every handler that checks a credential (a login form, a token):
 * call web_auth_throttled first; when it returns true, r holds a 429 with
 * Retry-After and the credential must not be looked at. After a credential
 * fails, call web_auth_failed. The API's Bearer tokens go through both. */
bool web_auth_throttled(const struct web_request *rq, struct web_response *r);
void web_auth_failed(const struct web_request *rq);

/* Body ceilings. */
#define WEB_PAGE_MAX ((size_t)8 << 20)
#define WEB_API_MAX ((size_t)64 << 20)

struct route {
	const char *path;
	int (*handler)(const struct web_request *rq, struct web_response *r);
	const char *const *params; /* query keys allowed, NULL-terminated */
	bool auth; /* needs a Bearer token */
	bool cache; /* public: may be served from the page cache */
	bool post; /* also takes POST with a form body (the portal) */
};

/* The route of an exact path, or NULL. */
const struct route *router_find(const char *path);

/* Handlers (pages.c, api.c, prometheus.c). */
int page_overview(const struct web_request *rq, struct web_response *r);
int page_countries(const struct web_request *rq, struct web_response *r);
int page_networks(const struct web_request *rq, struct web_response *r);
int page_manufacturers(const struct web_request *rq, struct web_response *r);
int page_families(const struct web_request *rq, struct web_response *r);
int page_ports(const struct web_request *rq, struct web_response *r);
int page_remediation(const struct web_request *rq, struct web_response *r);
int page_sensors(const struct web_request *rq, struct web_response *r);
int page_robots(const struct web_request *rq, struct web_response *r);
int page_audits(const struct web_request *rq, struct web_response *r); /* audits.c */
int api_infections(const struct web_request *rq, struct web_response *r);
int api_networks(const struct web_request *rq, struct web_response *r);
int api_feed(const struct web_request *rq, struct web_response *r);
int metrics_handler(const struct web_request *rq, struct web_response *r);
int portal_login(const struct web_request *rq, struct web_response *r);
int portal_home(const struct web_request *rq, struct web_response *r);
int portal_logout(const struct web_request *rq, struct web_response *r);
int portal_feed(const struct web_request *rq, struct web_response *r);

#endif
