/* server.c - the libmicrohttpd daemon behind web.h: connection limits,
 * request checking, routing, authentication, rate limits, the page cache
 * and the store pool.
 *
 * Connections pass the guard (connguard.h: caps per prefix, a reserve,
 * deadlines) before MHD reads a byte. Order of checks for each request: the
 * raw request head (no control byte in the target or a header, no NUL
 * anywhere), the method (GET/HEAD only), the raw URI (exact path characters,
 * strict query), the route; for public pages the cache, then the client's
 * budget of uncached pages; for API routes the client's failed-token
 * throttle, the token and its rate budget. Only then does a handler run.
 * Every refusal is a JSON error body. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/datadir.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/outbox.h"
#include "web/auth.h"
#include "web/connguard.h"
#include "web/handler.h"
#include "web/pagecache.h"
#include "web/peer.h"
#include "web/ratelimit.h"
#include "web/session.h"
#include "web/text.h"
#include "web/worldmap.h"
#include "web/web.h"

#define URI_MAX 4096
#define CACHE_KEY_MAX (256 + 1 + QUERY_CANONICAL_MAX)

struct web_server {
	struct web_options opt;
	struct MHD_Daemon *daemon;
	uint16_t port;
	struct population *population; /* NULL when none */
	struct worldmap *worldmap; /* NULL when not installed */
	struct sessions *sessions; /* portal sign-ins */
	struct outbox_config feeds; /* [feeds]: what `iotmon feed` writes with */
	struct ratelimit *rl; /* per API token */
	struct auth_throttle *throttle; /* failed credentials per client */
	struct ratelimit *uncached; /* page computations per client */
	struct connguard *guard;
	/* store pool: one connection per worker thread */
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	struct store **stores;
	int nfree;
	struct pagecache *cache; /* public pages, one computation per key at a time */
};

/* Per request: the URI exactly as the client sent it (MHD decodes the one
 * it passes to the handler, which would hide encoding games). */
struct request_ctx {
	char uri[URI_MAX + 1];
	const char *uri_at; /* where MHD holds it (request_head_problem) */
	bool too_long;
	bool started; /* the handler has seen the headers */
	const char *bad_head; /* why the request head is refused, or NULL */
	struct ipaddr client;
	size_t body_bytes; /* a GET should have none */
	char body[4096 + 1]; /* a POST's form, NUL-terminated */
};

#define BODY_MAX 8192
#define FORM_MAX 4096

int web_error(struct web_response *r, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	strbuf_reset(&r->body);
	r->status = status;
	r->content_type = "application/json";
	strbuf_printf(&r->body, "{\"error\":{\"status\":%d,\"message\":\"", status);
	for (const char *c = msg; *c; c++) {
		if (*c == '"' || *c == '\\')
			strbuf_printf(&r->body, "\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			strbuf_printf(&r->body, "\\u%04x", (unsigned char)*c);
		else
			strbuf_append(&r->body, c, 1);
	}
	strbuf_puts(&r->body, "\"}}\n");
	return 0;
}

int web_store_error(struct web_response *r, const struct err *err)
{
	log_error("web: %s", err->msg);
	metrics_count("iotmon_errors_total", "component=\"web\"", "errors, by component", 1);
	return web_error(r, 500, "internal error");
}

static struct store *pool_get(struct web_server *w)
{
	struct store *s;

	pthread_mutex_lock(&w->pool_lock);
	while (w->nfree == 0)
		pthread_cond_wait(&w->pool_cond, &w->pool_lock);
	s = w->stores[--w->nfree];
	pthread_mutex_unlock(&w->pool_lock);
	return s;
}

static void pool_put(struct web_server *w, struct store *s)
{
	pthread_mutex_lock(&w->pool_lock);
	w->stores[w->nfree++] = s;
	pthread_cond_signal(&w->pool_cond);
	pthread_mutex_unlock(&w->pool_lock);
}

/* A path is routed only when it is plain: "/" then [A-Za-z0-9._-/], no
 * "//", no "." or ".." segment, no escapes. Anything else is a 404 before
 * any route is consulted, so no path trick can reach a handler. */
static bool path_plain(const char *p, size_t len)
{
	if (len == 0 || p[0] != '/')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
		      c == '-' || c == '_' || c == '.'))
			return false;
		if (c == '/' && i + 1 < len && p[i + 1] == '/')
			return false;
		if (c == '.' && p[i - 1] == '/' && (i + 1 == len || p[i + 1] == '/' || p[i + 1] == '.'))
			return false;
	}
	return true;
}

static void count_status(int status)
{
	char labels[32];

	snprintf(labels, sizeof(labels), "code=\"%d\"", status);
	metrics_count("iotmon_http_requests_total", labels, "HTTP requests answered, by status", 1);
}

static void refused(const char *reason)
{
	char labels[48];

	snprintf(labels, sizeof(labels), "reason=\"%s\"", reason);
	metrics_count("iotmon_web_refused_total", labels,
		      "web connections or requests refused by a limit, by limit", 1);
}

bool web_auth_throttled(const struct web_request *rq, struct web_response *r)
{
	int wait_s = 1;

	if (auth_throttle_check(rq->throttle, rq->client, time_mono_us(), &wait_s))
		return false;
	refused("auth_throttle");
	r->retry_after = wait_s;
	web_error(r, 429, "too many failed credentials from your address; retry in %d s", wait_s);
	return true;
}

void web_auth_failed(const struct web_request *rq)
{
	auth_throttle_fail(rq->throttle, rq->client, time_mono_us());
}

/* API routes: the client's throttle, the token, the token's budget; 0 when
 * the handler may run, else r holds the refusal. */
static int authenticate(struct web_server *w, const struct web_request *rq, const char *authorization,
			struct api_token *token, struct web_response *r)
{
	enum auth_result res;
	struct err err;
	int wait_s = 0;

	if (web_auth_throttled(rq, r))
		return -1;
	res = auth_check(rq->store, authorization, token, &err);
	if (res != AUTH_OK && res != AUTH_MISSING && res != AUTH_ERROR)
		web_auth_failed(rq);
	switch (res) {
	case AUTH_OK:
		break;
	case AUTH_MISSING:
		r->www_authenticate = true;
		web_error(r, 401, "this API needs an Authorization: Bearer token");
		return -1;
	case AUTH_MALFORMED:
		r->www_authenticate = true;
		web_error(r, 401, "malformed Authorization header (expected: Bearer iotm_...)");
		return -1;
	case AUTH_UNKNOWN:
		r->www_authenticate = true;
		web_error(r, 401, "unknown token");
		return -1;
	case AUTH_REVOKED:
		r->www_authenticate = true;
		web_error(r, 401, "token revoked");
		return -1;
	case AUTH_ERROR:
		web_store_error(r, &err);
		return -1;
	}
	if (!ratelimit_take(w->rl, token->id, time_mono_us(), &wait_s)) {
		r->retry_after = wait_s;
		web_error(r, 429, "rate limit of %d requests per minute exceeded; retry in %d s",
			  w->opt.rate_per_minute, wait_s);
		return -1;
	}
	return 0;
}

/* Runs the checks and the handler; fills r. */
static void serve(struct web_server *w, struct MHD_Connection *c, const struct request_ctx *ctx, bool post,
		  const char *authorization, struct web_response *r)
{
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	struct query form = {0};
	const char *uri = ctx->uri;
	const char *qmark = strchr(uri, '?');
	size_t plen = qmark ? (size_t)(qmark - uri) : strlen(uri);
	char path[256], *key = NULL;
	struct query q;
	struct err err;
	const struct route *route;
	struct api_token token;
	bool cached, flying = false;
	struct web_request rq = {.query = &q, .opt = &w->opt, .population = w->population, .feed = &w->feeds.feed,
				 .client = &ctx->client, .throttle = w->throttle, .worldmap = w->worldmap,
				 .form = &form, .post = post, .sessions = w->sessions,
				 .session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SESSION_COOKIE)};

	if (ctx->too_long) {
		web_error(r, 414, "request target longer than %d bytes", URI_MAX);
		return;
	}
	if (plen >= sizeof(path) || !path_plain(uri, plen)) {
		web_error(r, 404, "no such page");
		return;
	}
	memcpy(path, uri, plen);
	path[plen] = '\0';
	route = router_find(path);
	if (!route) {
		web_error(r, 404, "no such page: %s", path);
		return;
	}
	r->allow_post = route->post;
	if (qmark && query_parse(qmark + 1, strlen(qmark + 1), &q, &err)) {
		web_error(r, 400, "bad query: %s", err.msg);
		return;
	}
	if (!qmark)
		q.n = 0;
	if (query_only(&q, route->params, &err)) {
		web_error(r, 400, "bad query: %s", err.msg);
		return;
	}
	if (post && !route->post) {
		web_error(r, 405, "method POST not allowed here");
		return;
	}
	if (post) {
		/* application/x-www-form-urlencoded has the query's grammar */
		if (!ctype || strncmp(ctype, "application/x-www-form-urlencoded", 33) != 0) {
			web_error(r, 415, "a form must be application/x-www-form-urlencoded");
			return;
		}
		if (ctx->body_bytes > FORM_MAX) {
			web_error(r, 413, "form larger than %d bytes", FORM_MAX);
			return;
		}
		if (query_parse(ctx->body, ctx->body_bytes, &form, &err)) {
			web_error(r, 400, "bad form: %s", err.msg);
			return;
		}
	}
	cached = route->cache && w->opt.cache_seconds > 0;
	if (cached) {
		/* One key per page, however its query is spelt. */
		key = xmalloc(CACHE_KEY_MAX);
		memcpy(key, path, plen);
		key[plen] = '?';
		query_canonical(&q, route->params, key + plen + 1);
		if (pagecache_lookup(w->cache, key, r) == PAGECACHE_HIT)
			goto done;
		flying = true;
	}
	if (route->cache && (q.n > 0 || !cached)) {
		int wait_s = 1;

		/* A page with its default parameters is computed at most once
		 * per cache_seconds for everyone; each other spelling costs a
		 * computation, so a budget per client bounds how fast one can
		 * bypass the cache. */
		if (!ratelimit_take(w->uncached, peer_budget_key(&ctx->client), time_mono_us(), &wait_s)) {
			refused("uncached");
			r->retry_after = wait_s;
			web_error(r, 429, "too many uncached pages from your address; retry in %d s", wait_s);
			goto done;
		}
	}
	rq.path = path;
	rq.store = pool_get(w);
	if (route->auth) {
		if (authenticate(w, &rq, authorization, &token, r))
			goto out;
		rq.token = &token;
	}
	route->handler(&rq, r);
	if (flying) /* what the single flight saves is visible (tests, bench/web) */
		metrics_count("iotmon_web_page_computations_total", NULL, "cacheable pages computed (cache misses)", 1);
out:
	pool_put(w, rq.store);
done:
	if (flying)
		pagecache_finish(w->cache, key, r);
	free(key);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct web_response *r, bool head)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = r->body.len;
	char *body = strbuf_take(&r->body);
	char num[32];

	if (r->body.overflow) {
		free(body);
		web_error(r, 500, "answer too large");
		len = r->body.len;
		body = strbuf_take(&r->body);
	}
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	(void)head; /* MHD sends no body for HEAD by itself */
	MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "text/plain");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->www_authenticate)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"iotmon\"");
	if (r->status == 405)
		MHD_add_response_header(resp, "Allow", r->allow_post ? "GET, HEAD, POST" : "GET, HEAD");
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->status == 429) {
		snprintf(num, sizeof(num), "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", num);
	}
	count_status(r->status);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static struct guarded_conn *guarded(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* RFC 9110 field names are tokens; values are visible ASCII, space, HTAB
 * (and obs-text, bytes over 0x7f). */
static bool token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

struct head_scan {
	const char *problem;
	/* spans MHD holds in the request head, in the order received */
	struct span {
		const char *at;
		size_t len;
		int nuls_before; /* at most, in the gap before it */
	} spans[2 * 100 + 3];
	size_t nspans;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				   const char *value, size_t value_size)
{
	struct head_scan *h = cls;

	(void)kind;
	for (size_t i = 0; i < key_size; i++)
		if (!token_char((unsigned char)key[i]))
			h->problem = "a header name holds a byte that is not a token character";
	for (size_t i = 0; i < value_size; i++) {
		unsigned char c = (unsigned char)value[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			h->problem = "a header value holds a control byte";
	}
	if (h->nspans + 2 > sizeof(h->spans) / sizeof(h->spans[0])) {
		h->problem = "more than 100 header lines";
		return MHD_NO;
	}
	h->spans[h->nspans++] = (struct span){key, key_size, 2}; /* CR LF */
	h->spans[h->nspans++] = (struct span){value, value_size, 1}; /* ':' */
	return MHD_YES;
}

/* libmicrohttpd 0.9 parses the request head in place and ends each line,
 * name and value at the first NUL, so "X: a\0b" would arrive as "X: a"
 * without a trace. What it holds are spans of the head it read; between
 * them there may only be spaces and the NULs it wrote over CR LF (two), ':'
 * and the spaces of the request line (one), the empty last line (two more).
 * Any other byte, or one NUL more, is a NUL the client sent. The one case
 * left unseen is "a\0" ended by a bare LF, which reads as "a" and loses
 * nothing. (Version 1.0 refuses NULs itself.) */
static const char *head_nul_problem(struct MHD_Connection *c, const char *method, const char *version,
				    const struct request_ctx *ctx, struct head_scan *h)
{
#if MHD_VERSION < 0x01000000
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	const char *pos = method, *end;

	if (!ci || !ctx->uri_at)
		return "the request head cannot be checked";
	end = method + ci->header_size;
	memmove(h->spans + 3, h->spans, h->nspans * sizeof(h->spans[0]));
	h->spans[0] = (struct span){method, strlen(method), 0};
	h->spans[1] = (struct span){ctx->uri_at, strlen(ctx->uri), 1};
	h->spans[2] = (struct span){version, strlen(version), 1};
	h->nspans += 3;
	for (size_t i = 0; i <= h->nspans; i++) {
		const char *next = i < h->nspans ? h->spans[i].at : end;
		int nuls = 0, most = i < h->nspans ? h->spans[i].nuls_before : 4;

		/* Out of order or outside the head: a folded (obs-fold) line
		 * MHD moved; RFC 9112 lets a server refuse those. */
		if (next < pos || next > end)
			return "a folded header line or a malformed request head";
		for (; pos < next; pos++) {
			if (*pos == '\0')
				nuls++;
			else if (*pos != ' ' && *pos != '\t')
				nuls = most + 1;
		}
		if (nuls > most)
			return "a NUL byte in the request line or a header";
		if (i < h->nspans)
			pos = next + h->spans[i].len;
	}
#else
	(void)c;
	(void)method;
	(void)version;
	(void)ctx;
	(void)h;
#endif
	return NULL;
}

/* Why the request head must be refused with a 400, or NULL. */
static const char *request_head_problem(struct MHD_Connection *c, const char *method, const char *version,
					const struct request_ctx *ctx)
{
	struct head_scan h = {.problem = NULL};

	if (!ctx->too_long)
		for (const char *p = ctx->uri; *p; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
				return "the request target holds a space, a control byte or a byte over 0x7e";
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &h);
	if (h.problem)
		return h.problem;
	return head_nul_problem(c, method, version, ctx, &h);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct web_server *w = cls;
	struct request_ctx *ctx = *con_cls;
	struct web_response r = {.status = 200};
	bool head = strcmp(method, "HEAD") == 0, post = strcmp(method, "POST") == 0;
	enum MHD_Result ret;

	(void)url;
	if (ctx && !ctx->started) {
		ctx->started = true;
		ctx->bad_head = request_head_problem(c, method, version, ctx);
		/* Answering while MHD is still at the headers would make it
		 * close the connection (an "early" response), so GET, HEAD and
		 * POST are answered on the last call, when the request is
		 * complete; other methods at once. */
		if (strcmp(method, "GET") == 0 || head || post)
			return MHD_YES;
	}
	if (ctx && *upload_data_size != 0) {
		if (post && ctx->body_bytes + *upload_data_size <= FORM_MAX) {
			memcpy(ctx->body + ctx->body_bytes, upload_data, *upload_data_size);
			ctx->body[ctx->body_bytes + *upload_data_size] = '\0';
		}
		ctx->body_bytes += *upload_data_size;
		*upload_data_size = 0;
		/* Read a small body to refuse it with a message below; a
		 * big one is not worth reading: drop the connection. */
		return ctx->body_bytes <= BODY_MAX ? MHD_YES : MHD_NO;
	}
	connguard_answering(w->guard, guarded(c), time_mono_us());
	strbuf_init(&r.body, WEB_API_MAX);
	if (!ctx) {
		web_error(&r, 500, "no request context");
	} else if (ctx->bad_head) {
		refused("bad_request");
		web_error(&r, 400, "%s", ctx->bad_head);
	} else if (strcmp(method, "GET") != 0 && !head && !post) {
		web_error(&r, 405, "method %s not allowed; this server only answers GET (and POST to the portal)",
			  method);
	} else if (ctx->body_bytes != 0 && !post) {
		web_error(&r, 400, "a GET request has no body");
	} else {
		serve(w, c, ctx, post, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"), &r);
	}
	ret = queue(c, &r, head);
	strbuf_free(&r.body);
	return ret;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct request_ctx *ctx = xcalloc(1, sizeof(*ctx));
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	size_t n = strlen(uri);

	(void)cls;
	peer_from_sockaddr(ci ? ci->client_addr : NULL, &ctx->client);
	ctx->uri_at = uri;
	if (n > URI_MAX)
		ctx->too_long = true;
	else
		memcpy(ctx->uri, uri, n + 1);
	return ctx;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct web_server *w = cls;

	(void)toe;
	connguard_waiting(w->guard, guarded(c), time_mono_us());
	free(*con_cls);
	*con_cls = NULL;
}

/* Before MHD allocates anything for a new connection. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct web_server *w = cls;
	struct ipaddr a;

	(void)addrlen;
	peer_from_sockaddr(addr, &a);
	if (connguard_admit(w->guard, &a))
		return MHD_YES;
	refused("connections");
	return MHD_NO;
}

/* Counts each connection in the guard for its whole life (the guard's
 * deadlines shut it down from the reaper thread). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct web_server *w = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct ipaddr a;

		peer_from_sockaddr(ci ? ci->client_addr : NULL, &a);
		*socket_context = fd ? connguard_open(w->guard, &a, fd->connect_fd, time_mono_us()) : NULL;
		/* Admitted by on_accept, but another thread took the room. */
		if (!*socket_context && fd) {
			refused("connections");
			shutdown(fd->connect_fd, SHUT_RDWR);
		}
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		connguard_close(w->guard, *socket_context);
		*socket_context = NULL;
	}
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("web: %s", msg);
}

struct focus_arg {
	struct web_options *o;
	struct err *err;
};

static int add_focus(const char *item, size_t len, void *arg)
{
	struct focus_arg *a = arg;

	if (len == 1 && item[0] == '*') {
		a->o->all_countries = true;
		return 0;
	}
	if (len != 2)
		return err_set(a->err, "[enrich] focus_countries: not a country code: %.*s", (int)len, item);
	if (a->o->nfocus == WEB_FOCUS_MAX)
		return err_set(a->err, "[enrich] focus_countries: more than %d countries", WEB_FOCUS_MAX);
	a->o->focus[a->o->nfocus][0] = (char)(item[0] & ~0x20);
	a->o->focus[a->o->nfocus][1] = (char)(item[1] & ~0x20);
	a->o->focus[a->o->nfocus][2] = '\0';
	a->o->nfocus++;
	return 0;
}

int web_options_from_config(const struct config *cfg, const char *db_path, const char *listen,
			    struct web_options *o, struct err *err)
{
	struct focus_arg fa = {o, err};
	const char *pop;

	memset(o, 0, sizeof(*o));
	o->cfg = cfg;
	o->db_path = db_path;
	o->listen_fd = -1;
	if (!listen)
		listen = config_str(cfg, "web", "listen");
	if (endpoint_parse(listen, strlen(listen), o->host, &o->port))
		return err_set(err, "listen address: not ADDR:PORT or [V6ADDR]:PORT: %s", listen);
	o->threads = (int)config_int(cfg, "web", "threads");
	o->max_connections = (int)config_int(cfg, "web", "max_connections");
	o->max_per_ip = (int)config_int(cfg, "web", "max_per_ip");
	o->timeout_s = (int)config_int(cfg, "web", "timeout_s");
	o->max_per_prefix = (int)config_int(cfg, "web", "max_per_prefix");
	o->request_timeout_s = (int)config_int(cfg, "web", "request_timeout_s");
	o->response_timeout_s = (int)config_int(cfg, "web", "response_timeout_s");
	o->auth_failures = (int)config_int(cfg, "web", "auth_failures");
	o->auth_window_s = (int)config_int(cfg, "web", "auth_window_s");
	o->uncached_per_minute = (int)config_int(cfg, "web", "uncached_per_minute");
	o->uncached_burst = (int)config_int(cfg, "web", "uncached_burst");
	o->cache_max_kb = (int)config_int(cfg, "web", "cache_max_kb");
	o->cache_seconds = (int)config_int(cfg, "web", "cache_seconds");
	o->rate_per_minute = (int)config_int(cfg, "web", "rate_per_minute");
	o->burst = (int)config_int(cfg, "web", "burst");
	snprintf(o->language, sizeof(o->language), "%s", config_str(cfg, "web", "language"));
	if (config_each_item(config_str(cfg, "enrich", "focus_countries"), add_focus, &fa))
		return -1;
	if (o->all_countries)
		o->nfocus = 0;
	pop = config_str(cfg, "web", "population_file");
	if (!datadir_path(cfg, *pop ? pop : "population.csv", o->population_path, sizeof(o->population_path)))
		o->population_path[0] = '\0';
	if (!datadir_path(cfg, "map/world.tsv", o->map_path, sizeof(o->map_path)))
		o->map_path[0] = '\0';
	o->session_minutes = (int)config_int(cfg, "web", "session_minutes");
	o->secure_cookies = config_bool(cfg, "web", "secure_cookies");
	return 0;
}

/* The listening address of o; -1 with err when host is not an address. */
static int listen_addr(const struct web_options *o, struct sockaddr_storage *ss, struct err *err)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons(o->port);
		return 0;
	}
	if (inet_pton(AF_INET6, o->host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons(o->port);
		return 0;
	}
	return err_set(err, "listen address: not an IP address: %s", o->host);
}

int web_listen(const struct web_options *o, struct err *err)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	if (listen_addr(o, &ss, err))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss,
		 ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		close(fd);
		err_set(err, "cannot listen on %s port %u (in use, or not an address of this host)", o->host, o->port);
		return -1;
	}
	return fd;
}

uint16_t web_bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* Frees what web_start made, as far as it got (the daemon stopped). */
static void free_server(struct web_server *w)
{
	for (int i = 0; w->stores && i < w->opt.threads; i++)
		if (w->stores[i])
			store_close(w->stores[i]);
	free(w->stores);
	pagecache_free(w->cache);
	ratelimit_free(w->rl);
	auth_throttle_free(w->throttle);
	ratelimit_free(w->uncached);
	connguard_free(w->guard);
	sessions_free(w->sessions);
	worldmap_free(w->worldmap);
	if (w->population)
		population_free(w->population);
	outbox_config_free(&w->feeds);
	free(w);
}

struct web_server *web_start(const struct web_options *o, struct err *err)
{
	struct web_server *w = xcalloc(1, sizeof(*w));
	struct sockaddr_storage ss;
	int fd;

	w->opt = *o;
	/* One language per process: the text table is global. */
	if (o->language[0] && text_set_language(o->language)) {
		err_set(err, "language %s is not built in (%s)", o->language, text_languages());
		free(w);
		return NULL;
	}
	if (listen_addr(o, &ss, err)) {
		free(w);
		return NULL;
	}
	if (o->population_path[0]) {
		struct err perr;

		if (access(o->population_path, R_OK) == 0 &&
		    !(w->population = population_load(o->population_path, &perr)))
			log_warn("web: %s (per-million figures left out)", perr.msg);
	}
	/* The feed API must give the bytes `iotmon feed` gives: the same
	 * [feeds] options (provider, reporter, contacts). */
	if (outbox_config_load(&w->feeds, o->cfg, err)) {
		if (w->population)
			population_free(w->population);
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->pool_lock, NULL);
	pthread_cond_init(&w->pool_cond, NULL);
	w->cache = pagecache_new(o->cache_seconds, (size_t)o->cache_max_kb * 1024,
				 metric_get("iotmon_web_cache_bytes", NULL, METRIC_GAUGE, "bytes of pages the web cache holds"));
	w->stores = xcalloc((size_t)o->threads, sizeof(*w->stores));
	for (int i = 0; i < o->threads; i++) {
		w->stores[i] = store_open(o->db_path, STORE_READONLY, err);
		if (!w->stores[i])
			goto fail;
		w->nfree++;
	}
	w->rl = ratelimit_new(o->rate_per_minute, o->burst);
	w->throttle = auth_throttle_new(o->auth_failures, o->auth_window_s);
	w->uncached = ratelimit_new(o->uncached_per_minute, o->uncached_burst);
	w->sessions = sessions_new();
	if (o->map_path[0] && access(o->map_path, R_OK) == 0) {
		struct err merr;

		/* a broken map is logged and left out, like a missing one */
		if (!(w->worldmap = worldmap_load(o->map_path, &merr)))
			log_error("web: world map: %s", merr.msg);
	}
	/* Every file is open and no thread runs yet: the web child drops
	 * its privileges here (web_proc.h). */
	if (o->before_threads && o->before_threads(o->before_threads_arg, err))
		goto fail;
	w->guard = connguard_new(&(struct connguard_limits){.max_total = o->max_connections,
							    .max_per_prefix = o->max_per_prefix,
							    .request_s = o->request_timeout_s,
							    .response_s = o->response_timeout_s},
				 true, err);
	if (!w->guard)
		goto fail;
	/* MHD's own caps (total, per address, idle time) stay: the guard
	 * adds prefixes, a reserve for light clients and whole-request deadlines. */
	fd = o->listen_fd >= 0 ? o->listen_fd : web_listen(o, err);
	if (fd < 0)
		goto fail;
	w->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0,
		on_accept, w, on_request, w, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, w, MHD_OPTION_NOTIFY_COMPLETED, on_done, w,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, w, MHD_OPTION_EXTERNAL_LOGGER, on_log, w,
		MHD_OPTION_END);
	if (!w->daemon) {
		close(fd);
		err_set(err, "cannot serve on %s port %u", o->host, o->port);
		goto fail;
	}
	w->port = web_bound_port(fd);
	return w;
fail:
	free_server(w);
	return NULL;
}

uint16_t web_port(const struct web_server *w)
{
	return w->port;
}

void web_stop(struct web_server *w)
{
	if (!w)
		return;
	MHD_stop_daemon(w->daemon);
	pthread_mutex_destroy(&w->pool_lock);
	pthread_cond_destroy(&w->pool_cond);
	free_server(w);
}
