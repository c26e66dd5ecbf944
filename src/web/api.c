/* api.c - the authenticated per-network API (JSON).
 *
 * Isolation rule: every query is built from the token's own list of
 * networks. A `network` parameter can only narrow that list; naming a
 * network outside it is a 403, never a silent widening. Rows are read per
 * allowed ASN, so no row of another network is ever fetched. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "core/timeutil.h"
#include "web/auth.h"
#include "web/handler.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000

static int json_body(struct web_response *r, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	r->status = 200;
	r->content_type = "application/json";
	strbuf_reset(&r->body);
	if (!text)
		return web_error(r, 500, "cannot encode the answer");
	strbuf_puts(&r->body, text);
	strbuf_puts(&r->body, "\n");
	free(text);
	return 0;
}

/* The networks this request may read: the token's, or the one named by
 * ?network= when the token has it. Returns 0, or fills r with 400/403. */
static int networks_of(const struct web_request *rq, struct web_response *r, uint32_t *asns, size_t *n)
{
	const char *want = query_get(rq->query, "network");
	struct api_token one;
	struct err err;

	if (!want) {
		memcpy(asns, rq->token->asns, rq->token->nasns * sizeof(*asns));
		*n = rq->token->nasns;
		return 0;
	}
	if (auth_parse_asns(want, &one, &err) || one.nasns != 1) {
		web_error(r, 400, "parameter \"network\": one AS number, as in 64500 or AS64500");
		return -1;
	}
	if (!auth_token_allows(rq->token, one.asns[0])) {
		web_error(r, 403, "this token may not read AS%" PRIu32, one.asns[0]);
		return -1;
	}
	asns[0] = one.asns[0];
	*n = 1;
	return 0;
}

int api_networks(const struct web_request *rq, struct web_response *r)
{
	json_t *list = json_array();
	struct err err;

	for (size_t i = 0; i < rq->token->nasns; i++) {
		struct network net;
		bool found;

		if (store_get_network(rq->store, rq->token->asns[i], &net, &found, &err)) {
			json_decref(list);
			return web_store_error(r, &err);
		}
		json_array_append_new(list, json_pack("{s:I,s:s,s:s}", "asn", (json_int_t)rq->token->asns[i], "name",
						      found ? net.name : "", "cc", found ? net.cc : ""));
	}
	return json_body(r, json_pack("{s:s,s:o}", "token", rq->token->name, "networks", list));
}

/* Keyset paging: a cursor names the last row given, "ASN.DAY.IP" with DAY
 * as YYYY-MM-DD; rows come in (ASN, day, IP text) order, as the store
 * returns them per ASN. */
struct cursor {
	bool set;
	uint32_t asn;
	int64_t day;
	char ip[IPADDR_STRLEN];
};

static int parse_cursor(const char *s, struct cursor *c)
{
	const char *dot1 = strchr(s, '.'), *dot2;
	struct ipaddr ip;
	struct api_token t;
	char asn[16];

	if (!dot1 || dot1 - s >= (long)sizeof(asn))
		return -1;
	memcpy(asn, s, (size_t)(dot1 - s));
	asn[dot1 - s] = '\0';
	if (auth_parse_asns(asn, &t, NULL) || t.nasns != 1)
		return -1;
	dot2 = dot1 + 11;
	if (strlen(dot1 + 1) < 11 || *dot2 != '.' || time_parse_day(dot1 + 1, 10, &c->day))
		return -1;
	if (ipaddr_parse(dot2 + 1, strlen(dot2 + 1), &ip))
		return -1;
	c->asn = t.asns[0];
	ipaddr_format(&ip, c->ip);
	c->set = true;
	return 0;
}

struct page_arg {
	const struct cursor *after;
	json_t *items;
	long limit, count;
	bool more;
	struct cursor last;
};

static json_t *kinds_json(uint32_t kinds)
{
	json_t *a = json_array();

	for (int k = 0; k < EVENT_KIND_COUNT; k++)
		if (kinds & KIND_BIT(k))
			json_array_append_new(a, json_string(event_kind_name((enum event_kind)k)));
	return a;
}

static int page_cb(const struct observation *o, void *arg)
{
	struct page_arg *a = arg;
	char ip[IPADDR_STRLEN], day[11], first[TIME_RFC3339_LEN + 1], last[TIME_RFC3339_LEN + 1];

	ipaddr_format(&o->ip, ip);
	if (a->after->set && a->after->asn == o->net.asn &&
	    (o->day < a->after->day || (o->day == a->after->day && strcmp(ip, a->after->ip) <= 0)))
		return 0; /* at or before the cursor */
	if (a->count == a->limit) {
		a->more = true;
		return 1;
	}
	time_format_day(o->day, day);
	time_format_rfc3339(o->first_us, first);
	time_format_rfc3339(o->last_us, last);
	json_array_append_new(a->items,
			      json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:o,s:I,s:s,s:s,s:s}", "ip", ip, "date", day, "asn",
					(json_int_t)o->net.asn, "as_name", o->net.as_name, "cc", o->net.cc, "family",
					o->family[0] ? o->family : "unknown", "kinds", kinds_json(o->kinds), "events",
					(json_int_t)o->events, "first_seen", first, "last_seen", last, "source",
					o->source));
	a->count++;
	a->last.asn = o->net.asn;
	a->last.day = o->day;
	memcpy(a->last.ip, ip, sizeof(ip));
	return 0;
}

int api_infections(const struct web_request *rq, struct web_response *r)
{
	uint32_t asns[TOKEN_ASNS_MAX];
	size_t nasns;
	int64_t date = INT64_MIN, from = INT64_MIN, to = INT64_MAX;
	long limit = PAGE_DEFAULT;
	struct cursor after = {0};
	struct page_arg a = {.after = &after};
	const char *cur = query_get(rq->query, "cursor");
	struct obs_filter f;
	struct err err;
	json_t *next;

	if (query_day(rq->query, "date", &date, &err) || query_day(rq->query, "from", &from, &err) ||
	    query_day(rq->query, "to", &to, &err) || query_int(rq->query, "limit", 1, PAGE_MAX, &limit, &err))
		return web_error(r, 400, "%s", err.msg);
	if (date != INT64_MIN && (query_get(rq->query, "from") || query_get(rq->query, "to")))
		return web_error(r, 400, "give either date or from/to, not both");
	if (date != INT64_MIN)
		from = to = date;
	if (from != INT64_MIN && to != INT64_MAX && from > to)
		return web_error(r, 400, "from is after to");
	if (cur && parse_cursor(cur, &after))
		return web_error(r, 400, "parameter \"cursor\": not a cursor from a previous answer");
	if (networks_of(rq, r, asns, &nasns))
		return 0;
	a.items = json_array();
	a.limit = limit;
	for (size_t i = 0; i < nasns && !a.more; i++) {
		int rc;

		if (after.set && asns[i] < after.asn)
			continue;
		obs_filter_init(&f);
		f.has_asn = true;
		f.asn = asns[i];
		f.day_from = from;
		f.day_to = to;
		if (after.set && asns[i] == after.asn && after.day > f.day_from)
			f.day_from = after.day;
		rc = store_query_observations(rq->store, &f, page_cb, &a, &err);
		if (rc < 0) {
			json_decref(a.items);
			return web_store_error(r, &err);
		}
	}
	if (a.more) {
		char buf[64], day[11];

		time_format_day(a.last.day, day);
		snprintf(buf, sizeof(buf), "%" PRIu32 ".%s.%s", a.last.asn, day, a.last.ip);
		next = json_string(buf);
	} else {
		next = json_null();
	}
	metrics_count("iotmon_api_rows_total", "endpoint=\"infections\"", "rows handed out by the API", a.count);
	return json_body(r, json_pack("{s:o,s:I,s:o}", "items", a.items, "count", (json_int_t)a.count, "next_cursor",
				      next));
}

/* The day's feed of the token's networks, byte for byte what
 * `iotmon feed --date D --network ASN... --format F` prints. */
int api_feed(const struct web_request *rq, struct web_response *r)
{
	uint32_t asns[TOKEN_ASNS_MAX];
	size_t nasns = 0;
	int64_t day = INT64_MIN;
	const char *format = "json";
	char labels[64];
	struct err err;

	if (query_day(rq->query, "date", &day, &err) || query_choice(rq->query, "format", "csv|json", &format, &err))
		return web_error(r, 400, "%s", err.msg);
	if (day == INT64_MIN)
		return web_error(r, 400, "parameter \"date\" (YYYY-MM-DD) is required");
	if (networks_of(rq, r, asns, &nasns))
		return 0;
	if (nasns == 0) /* feed_write reads 0 networks as "all": never */
		return web_error(r, 403, "this token has no networks");
	strbuf_reset(&r->body);
	if (feed_write(rq->store, day, asns, nasns, format, rq->feed, &r->body, &err)) {
		if (r->body.overflow)
			return web_error(r, 500, "the feed is larger than this server answers; ask for one network");
		return web_store_error(r, &err);
	}
	r->status = 200;
	r->content_type = strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8" : "application/x-ndjson";
	snprintf(labels, sizeof(labels), "channel=\"api\",format=\"%s\"", format);
	metrics_count("iotmon_feed_deliveries_total", labels, "feeds delivered, by channel", 1);
	return 0;
}
