/* portal.c - the network-owner portal: a token holder signs in with the API
 * token (POST /portal/login), gets a session cookie (session.h), and sees
 * its own networks only: the day's infected hosts with their evidence, the
 * daily trend, its clean-up curve against all networks, and the feed in
 * every format the API offers.
 *
 * Isolation: every handler takes the networks from the session's token,
 * re-read from the store on each request (a revoked token ends its
 * sessions); a `network` parameter must be one of them (403 otherwise), and
 * every store query is narrowed to one of those networks. Forms that change
 * state (logout) carry the session's CSRF secret; the cookie is HttpOnly
 * and SameSite=Strict, Secure when [web] secure_cookies is set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/chart.h"
#include "report/feed.h"
#include "web/auth.h"
#include "web/cleanup.h"
#include "web/handler.h"
#include "web/page.h"
#include "web/session.h"

#define PORTAL_HOSTS_MAX 1000
#define PORTAL_TREND_DAYS 30
#define PORTAL_FORMATS "csv|json|xarf"

static void redirect(struct web_response *r, const char *to)
{
	r->status = 303;
	r->content_type = "text/plain; charset=utf-8";
	snprintf(r->location, sizeof(r->location), "%s", to);
	strbuf_reset(&r->body);
	strbuf_printf(&r->body, "See %s\n", to);
}

static void set_cookie(const struct web_request *rq, struct web_response *r, const char *value, int max_age)
{
	snprintf(r->set_cookie, sizeof(r->set_cookie), "%s=%s; Path=/portal/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		 SESSION_COOKIE, value, max_age, rq->opt->secure_cookies ? "; Secure" : "");
}

/* The session and its token, re-read from the store: 0, or -1 with a
 * redirect to the sign-in page (or a 500) in r. */
static int signed_in(const struct web_request *rq, struct web_response *r, struct session *s, struct api_token *t)
{
	bool found = false;
	struct err err;

	if (!sessions_find(rq->sessions, rq->session_cookie, time_now_us(), s)) {
		redirect(r, "/portal/login");
		return -1;
	}
	if (store_find_token(rq->store, s->token_hash, t, &found, &err)) {
		web_store_error(r, &err);
		return -1;
	}
	if (!found || t->revoked_us) {
		sessions_end(rq->sessions, rq->session_cookie);
		redirect(r, "/portal/login");
		return -1;
	}
	return 0;
}

static void login_page(struct web_response *r, bool failed)
{
	struct strbuf *b = &r->body;

	page_open(r, "/portal/", T_PORTAL_LOGIN_TITLE);
	para(b, text(T_PORTAL_LOGIN_INTRO));
	if (failed) {
		r->status = 401;
		strbuf_puts(b, "<p id=\"login-failed\" class=\"note\">");
		strbuf_xml_escape(b, text(T_PORTAL_BAD_TOKEN));
		strbuf_puts(b, "</p>");
	}
	strbuf_puts(b, "<form method=\"post\" action=\"/portal/login\" class=\"period\"><label>");
	strbuf_xml_escape(b, text(T_PORTAL_TOKEN));
	strbuf_puts(b, " <input type=\"password\" name=\"token\" autocomplete=\"off\" required size=\"40\"></label> "
		       "<button type=\"submit\">");
	strbuf_xml_escape(b, text(T_PORTAL_SIGN_IN));
	strbuf_puts(b, "</button></form>");
	page_close(r);
}

int portal_login(const struct web_request *rq, struct web_response *r)
{
	const char *token = query_get(rq->form, "token");
	char hash[AUTH_HASH_HEX], id[SESSION_ID_LEN + 1];
	struct api_token t;
	struct session s;
	bool found = false;
	struct err err;

	if (!rq->post) {
		if (sessions_find(rq->sessions, rq->session_cookie, time_now_us(), &s)) {
			redirect(r, "/portal/");
			return 0;
		}
		login_page(r, false);
		return 0;
	}
	if (web_auth_throttled(rq, r))
		return 0; /* too many wrong tokens from this client: 429 */
	if (token && auth_token_well_formed(token, strlen(token))) {
		auth_token_hash(token, strlen(token), hash);
		if (store_find_token(rq->store, hash, &t, &found, &err))
			return web_store_error(r, &err);
	}
	if (!found || t.revoked_us || t.nasns == 0) {
		web_auth_failed(rq);
		metrics_count("iotmon_portal_logins_total", "result=\"refused\"", "portal sign-ins, by result", 1);
		login_page(r, true);
		return 0;
	}
	if (sessions_start(rq->sessions, hash, time_now_us(), (int64_t)rq->opt->session_minutes * 60 * US_PER_SEC, id,
			   &s, &err))
		return web_store_error(r, &err);
	metrics_count("iotmon_portal_logins_total", "result=\"ok\"", "portal sign-ins, by result", 1);
	set_cookie(rq, r, id, rq->opt->session_minutes * 60);
	redirect(r, "/portal/");
	return 0;
}

int portal_logout(const struct web_request *rq, struct web_response *r)
{
	const char *csrf = query_get(rq->form, "csrf");
	struct session s;

	if (!rq->post)
		return web_error(r, 405, "sign out with POST");
	if (sessions_find(rq->sessions, rq->session_cookie, time_now_us(), &s)) {
		if (!csrf || !session_secret_equal(csrf, s.csrf))
			return web_error(r, 403, "form expired; reload the page and sign out again");
		sessions_end(rq->sessions, rq->session_cookie);
	}
	set_cookie(rq, r, "", 0);
	redirect(r, "/portal/login");
	return 0;
}

/* ?network= narrowed to the token's networks: 0 and *asns / *n, or -1 with a
 * 400/403 in r. */
static int networks_of(const struct web_request *rq, struct web_response *r, const struct api_token *t,
		       uint32_t *asns, size_t *n)
{
	const char *want = query_get(rq->query, "network");
	struct api_token one;
	struct err err;

	if (!want) {
		memcpy(asns, t->asns, t->nasns * sizeof(*asns));
		*n = t->nasns;
		return 0;
	}
	if (auth_parse_asns(want, &one, &err) || one.nasns != 1) {
		web_error(r, 400, "parameter \"network\": one AS number, as in 64500 or AS64500");
		return -1;
	}
	if (!auth_token_allows(t, one.asns[0])) {
		web_error(r, 403, "not one of your networks: AS%u", one.asns[0]);
		return -1;
	}
	asns[0] = one.asns[0];
	*n = 1;
	return 0;
}

/* The day shown: ?date=, else the last day with data (not after today). */
static int day_of(const struct web_request *rq, struct web_response *r, int64_t *day)
{
	struct figures_request req = {.from = INT64_MIN, .to = INT64_MAX, .last_days = 1};
	struct figures_period p;
	struct err err;

	*day = INT64_MIN;
	if (query_day(rq->query, "date", day, &err)) {
		web_error(r, 400, "%s", err.msg);
		return -1;
	}
	if (*day != INT64_MIN)
		return 0;
	if (figures_period(rq->store, &req, &p, &err)) {
		web_store_error(r, &err);
		return -1;
	}
	*day = p.to_day;
	return 0;
}

struct hosts_arg {
	struct strbuf *b;
	size_t n;
};

static int host_cb(const struct observation *o, void *arg)
{
	struct hosts_arg *a = arg;
	char ip[IPADDR_STRLEN], first[TIME_RFC3339_LEN + 1], last[TIME_RFC3339_LEN + 1];
	bool comma = false;

	if (a->n++ >= PORTAL_HOSTS_MAX)
		return 0;
	ipaddr_format(&o->ip, ip);
	time_format_rfc3339(o->first_us, first);
	time_format_rfc3339(o->last_us, last);
	strbuf_puts(a->b, "<tr data-key=\"");
	strbuf_xml_escape(a->b, ip);
	strbuf_printf(a->b, "\"><td class=\"asn\">AS%u</td>", o->net.asn);
	td_text(a->b, "address", ip);
	td_text(a->b, "family", o->family[0] ? o->family : text(T_UNKNOWN));
	strbuf_puts(a->b, "<td class=\"evidence\">");
	for (int k = 0; k < EVENT_KIND_COUNT; k++)
		if (o->kinds & KIND_BIT(k)) {
			strbuf_printf(a->b, "%s%s", comma ? ", " : "", event_kind_name((enum event_kind)k));
			comma = true;
		}
	strbuf_puts(a->b, "</td>");
	td_num(a->b, "events", o->events);
	strbuf_printf(a->b, "<td class=\"seen\">%.5s&#8211;%.5s</td></tr>", first + 11, last + 11);
	return 0;
}

static void trend(const struct web_request *rq, struct strbuf *b, const uint32_t *asns, size_t n, int64_t day)
{
	struct figures_request req = {.from = day - PORTAL_TREND_DAYS + 1, .to = day};
	struct chart_series series[TOKEN_ASNS_MAX];
	char labels[TOKEN_ASNS_MAX][16];
	struct figures_period p;
	double *xs, *ys;
	uint64_t *all, dummy;
	struct err err;

	if (figures_period(rq->store, &req, &p, &err))
		return;
	xs = xcalloc((size_t)p.days, sizeof(*xs));
	ys = xcalloc(n * (size_t)p.days, sizeof(*ys));
	all = xcalloc((size_t)p.days, sizeof(*all));
	for (int d = 0; d < p.days; d++)
		xs[d] = (double)(p.from_day + d);
	for (size_t i = 0; i < n; i++) {
		p.filter.has_asn = true;
		p.filter.asn = asns[i];
		if (figures_daily(rq->store, &p, NULL, 0, &dummy, all, &err))
			break;
		for (int d = 0; d < p.days; d++)
			ys[i * (size_t)p.days + (size_t)d] = (double)all[d];
		snprintf(labels[i], sizeof(labels[i]), "AS%u", asns[i]);
		series[i] = (struct chart_series){.label = labels[i], .x = xs, .y = ys + i * (size_t)p.days,
						  .n = (size_t)p.days};
	}
	struct chart c = {.title = text(T_PORTAL_TREND_TITLE), .x_label = text(T_AXIS_DAY),
			  .y_label = text(T_AXIS_DEVICES), .x_is_day = true, .width = 900, .height = 320,
			  .fixed_decimals = true};
	strbuf_puts(b, "<figure id=\"chart-trend\">");
	chart_lines(b, &c, series, n);
	strbuf_puts(b, "</figure>");
	free(xs);
	free(ys);
	free(all);
}

static void cleanup(const struct web_request *rq, struct strbuf *b, const uint32_t *asns, size_t n)
{
	struct cleanup_curve curves[TOKEN_ASNS_MAX + 1];
	struct chart_series series[TOKEN_ASNS_MAX + 1];
	char labels[TOKEN_ASNS_MAX][16];
	size_t ns = 0;
	struct err err;

	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, text(T_PORTAL_CLEANUP_TITLE));
	strbuf_puts(b, "</h3>");
	if (cleanup_survival(rq->store, &curves[n], &err))
		return;
	for (size_t i = 0; i < n; i++)
		if (cleanup_network_curve(rq->store, asns[i], &curves[i], &err))
			memset(&curves[i], 0, sizeof(curves[i]));
	table_open(b, "cleanup");
	th(b, T_COL_ASN);
	th(b, T_COL_EPISODES);
	th(b, T_COL_CLEANED14);
	th(b, T_COL_MEDIAN_DAYS);
	strbuf_puts(b, "</tr>");
	for (size_t i = 0; i <= n; i++) {
		const struct cleanup_curve *c = &curves[i];

		if (i < n)
			snprintf(labels[i], sizeof(labels[i]), "AS%u", asns[i]);
		strbuf_printf(b, "<tr data-key=\"%s\">", i < n ? labels[i] : "all");
		td_text(b, "asn", i < n ? labels[i] : text(T_PORTAL_ALL_NETWORKS));
		if (!c->available) {
			td_dash(b, "episodes");
			td_dash(b, "cleaned14");
			td_dash(b, "median-days");
		} else {
			td_num(b, "episodes", c->episodes);
			strbuf_printf(b, "<td class=\"n cleaned14\">%.0f%%</td>", c->cleaned_within_14 * 100);
			if (c->median >= 0)
				strbuf_printf(b, "<td class=\"n median-days\">%d</td>", (int)c->median);
			else
				td_dash(b, "median-days");
			series[ns++] = (struct chart_series){.label = i < n ? labels[i] : text(T_PORTAL_ALL_NETWORKS),
							     .x = c->day, .y = c->survival, .n = c->n, .step = true};
		}
		strbuf_puts(b, "</tr>");
	}
	table_close(b);
	struct chart ch = {.title = text(T_REMEDIATION_CHART), .x_label = text(T_AXIS_DAYS_SINCE),
			   .y_label = text(T_AXIS_STILL_INFECTED), .width = 900, .height = 360, .y_min = 0, .y_max = 1};
	strbuf_puts(b, "<figure id=\"chart-cleanup\">");
	chart_lines(b, &ch, series, ns);
	strbuf_puts(b, "</figure>");
	for (size_t i = 0; i <= n; i++)
		cleanup_curve_free(&curves[i]);
}

int portal_home(const struct web_request *rq, struct web_response *r)
{
	static const char *const formats[] = {"csv", "json", "xarf"};
	struct session s;
	struct api_token t;
	uint32_t asns[TOKEN_ASNS_MAX];
	size_t n;
	int64_t day;
	char days[11], line[512], list[TOKEN_ASNS_MAX * 12] = "", num[32];
	struct hosts_arg ha;
	struct strbuf *b = &r->body;
	struct err err;

	if (signed_in(rq, r, &s, &t) || networks_of(rq, r, &t, asns, &n) || day_of(rq, r, &day))
		return 0;
	for (size_t i = 0; i < t.nasns; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%sAS%u", i ? ", " : "", t.asns[i]);
	time_format_day(day, days);
	page_open(r, "/portal/", T_PORTAL_TITLE);
	snprintf(line, sizeof(line), text(T_PORTAL_SIGNED_IN), t.name, list);
	strbuf_puts(b, "<form method=\"post\" action=\"/portal/logout\" class=\"period\"><span id=\"signed-in\">");
	strbuf_xml_escape(b, line);
	strbuf_printf(b, "</span><input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">", s.csrf);
	strbuf_xml_escape(b, text(T_PORTAL_SIGN_OUT));
	strbuf_printf(b, "</button></form><form method=\"get\" action=\"/portal/\" class=\"period\"><label>%s "
			 "<input type=\"date\" name=\"date\" value=\"%s\" required></label> <button type=\"submit\">",
		      text(T_PERIOD_TO), days);
	strbuf_xml_escape(b, text(T_PERIOD_SHOW));
	strbuf_puts(b, "</button></form>");

	/* The day's hosts, network by network: only the token's networks. */
	snprintf(line, sizeof(line), text(T_PORTAL_HOSTS_TITLE), days);
	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</h3>");
	table_open(b, "hosts");
	th(b, T_COL_ASN);
	th(b, T_COL_ADDRESS);
	th(b, T_COL_FAMILY);
	th(b, T_COL_EVIDENCE);
	th(b, T_COL_EVENTS);
	th(b, T_COL_FIRST_LAST);
	strbuf_puts(b, "</tr>");
	ha = (struct hosts_arg){b, 0};
	for (size_t i = 0; i < n; i++) {
		struct obs_filter f;

		obs_filter_init(&f);
		f.day_from = f.day_to = day;
		f.has_asn = true;
		f.asn = asns[i];
		if (store_query_observations(rq->store, &f, host_cb, &ha, &err)) {
			strbuf_reset(b);
			return web_store_error(r, &err);
		}
	}
	table_close(b);
	snprintf(num, sizeof(num), "%zu", ha.n);
	strbuf_printf(b, "<p id=\"hosts-count\" data-value=\"%zu\">%zu</p>", ha.n, ha.n);
	if (ha.n > PORTAL_HOSTS_MAX) {
		snprintf(num, sizeof(num), "%d", PORTAL_HOSTS_MAX);
		snprintf(line, sizeof(line), text(T_PORTAL_HOSTS_MORE), num);
		para(b, line);
	}
	trend(rq, b, asns, n, day);
	cleanup(rq, b, asns, n);

	strbuf_puts(b, "<h3>");
	strbuf_xml_escape(b, text(T_PORTAL_FEEDS_TITLE));
	strbuf_puts(b, "</h3>");
	para(b, text(T_PORTAL_FEEDS_INTRO));
	strbuf_puts(b, "<ul id=\"feeds\">");
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(b, "<li>AS%u:", asns[i]);
		for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
			strbuf_printf(b, " <a href=\"/portal/feed?date=%s&amp;network=%u&amp;format=%s\">%s</a>", days,
				      asns[i], formats[k], formats[k]);
		strbuf_puts(b, "</li>");
	}
	strbuf_puts(b, "</ul>");
	page_close(r);
	return 0;
}

int portal_feed(const struct web_request *rq, struct web_response *r)
{
	struct session s;
	struct api_token t;
	uint32_t asns[TOKEN_ASNS_MAX];
	size_t n;
	int64_t day;
	const char *format = "csv";
	char labels[64];
	struct err err;

	if (signed_in(rq, r, &s, &t) || networks_of(rq, r, &t, asns, &n) || day_of(rq, r, &day))
		return 0;
	if (query_choice(rq->query, "format", PORTAL_FORMATS, &format, &err))
		return web_error(r, 400, "%s", err.msg);
	strbuf_reset(&r->body);
	if (feed_write(rq->store, day, asns, n, format, rq->feed, &r->body, &err)) {
		if (r->body.overflow)
			return web_error(r, 500, "the feed is larger than this server answers; ask for one network");
		return web_store_error(r, &err);
	}
	r->status = 200;
	r->content_type = strcmp(format, "csv") == 0	? "text/csv; charset=utf-8"
			  : strcmp(format, "json") == 0 ? "application/x-ndjson"
							: "text/plain; charset=utf-8";
	snprintf(labels, sizeof(labels), "channel=\"portal\",format=\"%s\"", format);
	metrics_count("iotmon_feed_deliveries_total", labels, "feeds delivered, by channel", 1);
	return 0;
}
