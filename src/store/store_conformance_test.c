/* The store conformance suite: one set of tests over every backend of
 * store_backends (SQLite always, PostgreSQL when IOTMON_TEST_PG is set, see
 * tests/pg.sh): round trip of every field (IPv6 too), identity dedupe,
 * observations, devices, networks, enrichment, tokens, deliveries, event
 * counts, orders, retention and read-only opens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/addrclass.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "store/store.h"
#include "store/test_store.h"

static void make_event(struct event *ev, int i)
{
	char ip[64];

	event_init(ev);
	ev->time_us = INT64_C(1740824102000000) + i * INT64_C(3600000000);
	ev->kind = (enum event_kind)(i % EVENT_KIND_COUNT);
	ev->transport = TRANSPORT_TCP;
	snprintf(ip, sizeof(ip), i % 2 ? "2001:db8::%x" : "198.51.100.%d", i % 200 + 1);
	assert_int_equal(ipaddr_parse(ip, strlen(ip), &ev->src), 0);
	ipaddr_from_v4(0xc0000201, &ev->dst);
	ev->src_port = (uint16_t)(40000 + i);
	ev->dst_port = 37215;
	ev->seq = (uint32_t)i;
	strcpy(ev->sensor, "unit");
	strcpy(ev->family, i % 3 ? "mirai" : "");
	snprintf(ev->session, sizeof(ev->session), "s%04d", i);
	event_set_text(&ev->username, "admin", 5);
	event_set_text(&ev->password, i % 4 ? "xc3511" : "", i % 4 ? 6 : 0);
	ev->success = (int8_t)(i % 2);
	/* a tab, a backslash and a newline (stored as \x0a): COPY escapes */
	event_set_text(&ev->input, "/bin/busybox\tECCHI\n\\", 20);
	event_set_text(&ev->url, "http://203.0.113.9/x", 20);
	memset(ev->sha256, 'f', 64);
	event_set_text(&ev->cve, "CVE-2017-17215", 14);
	ev->packets = (uint64_t)i * 1000;
	ev->extra = strdup("{\"method\":\"POST\"}");
}

static int compare_json(const struct event *ev, void *arg)
{
	char ***expected = arg;
	char *json = event_to_json(ev);

	assert_non_null(**expected);
	assert_string_equal(json, **expected);
	free(json);
	(*expected)++;
	return 0;
}

static void test_round_trip_and_idempotence(void **state)
{
	struct event evs[40];
	char *json[41] = {0}, **cursor = json;
	struct event_filter f;
	struct err err;
	size_t inserted;
	struct store *s;

	(void)state;
	assert_null(store_open(test_store.target, 0, &err)); /* missing and not asked to create */
	s = store_open(test_store.target, STORE_CREATE, &err);
	assert_non_null(s);
	for (int i = 0; i < 40; i++) {
		make_event(&evs[i], i);
		json[i] = event_to_json(&evs[i]);
	}
	assert_int_equal(store_insert_events(s, evs, 40, NULL, &inserted, &err), 0);
	assert_int_equal(inserted, 40);
	assert_int_equal(store_insert_events(s, evs, 40, NULL, &inserted, &err), 0);
	assert_int_equal(inserted, 0); /* same evidence again adds nothing */
	event_filter_init(&f);
	assert_int_equal(store_query_events(s, &f, compare_json, &cursor, &err), 0);
	assert_int_equal(cursor - json, 40);

	/* Filters: kind and source. */
	cursor = json + 1;
	f.kind = EVENT_LOGIN;
	f.limit = 1;
	assert_int_equal(store_query_events(s, &f, compare_json, &cursor, &err), 0);
	assert_int_equal(cursor - json, 2);
	for (int i = 0; i < 40; i++) {
		event_free(&evs[i]);
		free(json[i]);
	}
	store_close(s);
}

static int count_obs(const struct observation *o, void *arg)
{
	struct observation *last = arg;

	*last = *o;
	last->events += 1000000; /* mark: rows seen, keep the values */
	return 0;
}

static void test_observations_follow_qualifying_events(void **state)
{
	struct event ev;
	struct observation o;
	struct obs_filter f;
	struct err err;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);

	(void)state;
	assert_non_null(s);
	/* A session event alone does not list the source... */
	event_init(&ev);
	ev.time_us = INT64_C(1740824102000000);
	ev.kind = EVENT_SESSION;
	assert_int_equal(ipaddr_parse("203.0.113.7", 11, &ev.src), 0);
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), 0);
	obs_filter_init(&f);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_query_observations(s, &f, count_obs, &o, &err), 0);
	assert_int_equal(o.events, 0);
	/* ...a login and an exploit the same day do, in one row. */
	ev.kind = EVENT_LOGIN;
	ev.time_us += 10;
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), 0);
	ev.kind = EVENT_EXPLOIT;
	ev.time_us += 10;
	strcpy(ev.family, "mozi");
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), 0);
	assert_int_equal(store_query_observations(s, &f, count_obs, &o, &err), 0);
	assert_int_equal(o.events, 1000000 + 2);
	assert_int_equal(o.kinds, KIND_BIT(EVENT_LOGIN) | KIND_BIT(EVENT_EXPLOIT));
	assert_int_equal(o.first_us, INT64_C(1740824102000010));
	assert_int_equal(o.last_us, INT64_C(1740824102000020));
	assert_int_equal(o.day, time_day_of(o.first_us));
	assert_string_equal(o.family, "mozi");
	event_free(&ev);
	store_close(s);
}

static int get_net(const struct observation *o, void *arg)
{
	struct observation *out = arg;

	if (ipaddr_equal(&o->ip, &out->ip))
		out->net = o->net;
	return 0;
}

/* Re-enrichment of many addresses in one transaction. */
static void test_set_enrichment_many(void **state)
{
	struct event ev[3];
	struct ipaddr ips[3];
	struct enrichment nets[3];
	struct observation o;
	struct obs_filter f;
	struct err err;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);
	const char *addr[] = {"192.0.2.1", "192.0.2.2", "2001:db8::3"};

	(void)state;
	assert_non_null(s);
	memset(nets, 0, sizeof(nets));
	for (int i = 0; i < 3; i++) {
		event_init(&ev[i]);
		ev[i].time_us = INT64_C(1740824102000000) + i;
		ev[i].kind = EVENT_LOGIN;
		assert_int_equal(ipaddr_parse(addr[i], strlen(addr[i]), &ev[i].src), 0);
		ips[i] = ev[i].src;
		nets[i].asn = 64500 + (uint32_t)i;
		snprintf(nets[i].as_name, sizeof(nets[i].as_name), "Net %d", i);
		strcpy(nets[i].cc, i == 2 ? "DE" : "NL");
		nets[i].data_time_us = INT64_C(1781725900000000);
	}
	assert_int_equal(store_insert_events(s, ev, 3, NULL, NULL, &err), 0);
	assert_int_equal(store_set_enrichment_many(s, ips, nets, 3, &err), 0);
	obs_filter_init(&f);
	for (int i = 0; i < 3; i++) {
		memset(&o, 0, sizeof(o));
		o.ip = ips[i];
		assert_int_equal(store_query_observations(s, &f, get_net, &o, &err), 0);
		assert_int_equal(o.net.asn, 64500 + i);
		assert_string_equal(o.net.cc, i == 2 ? "DE" : "NL");
		assert_int_equal(o.net.data_time_us, INT64_C(1781725900000000));
		event_free(&ev[i]);
	}
	store_close(s);
}

static void test_devices_and_networks(void **state)
{
	struct device d = {0}, back;
	struct network n = {.asn = 64496}, nb;
	struct err err;
	bool found;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);

	(void)state;
	assert_non_null(s);
	assert_int_equal(ipaddr_parse("2001:db8::5", 11, &d.ip), 0);
	strcpy(d.vendor, "Hikvision");
	strcpy(d.type, "camera");
	d.evidence = "{\"server\":\"App-webs/\"}";
	d.probed_us = 5;
	d.expires_us = 6;
	assert_int_equal(store_upsert_device(s, &d, &err), 0);
	assert_int_equal(store_get_device(s, &d.ip, &back, &found, &err), 0);
	assert_true(found);
	assert_string_equal(back.vendor, "Hikvision");
	assert_string_equal(back.evidence, d.evidence);
	free(back.evidence);
	strcpy(n.name, "Documentation AS");
	assert_int_equal(store_upsert_network(s, &n, &err), 0);
	assert_int_equal(store_get_network(s, 64496, &nb, &found, &err), 0);
	assert_true(found);
	assert_string_equal(nb.name, "Documentation AS");
	assert_int_equal(store_get_network(s, 64497, &nb, &found, &err), 0);
	assert_false(found);
	store_close(s);
}

static void simple_event(struct event *ev, const char *ip, int64_t time_us, enum event_kind kind)
{
	event_init(ev);
	ev->time_us = time_us;
	ev->kind = kind;
	strcpy(ev->sensor, "unit");
	assert_int_equal(ipaddr_parse(ip, strlen(ip), &ev->src), 0);
}

static int count_events_cb(const struct event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

/* The identity: a copy in the same batch and a re-sent batch add nothing;
 * ports above 32767 (exploit ports) and days far apart are stored as given. */
static void test_identity_ports_and_days(void **state)
{
	static const uint16_t ports[] = {37215, 52869, 65535, 1};
	struct event evs[6];
	struct err err;
	size_t inserted;
	int n = 0;
	struct event_filter f;
	struct obs_filter of;
	struct observation o;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 4; i++) {
		/* days 2025-03-01, 2025-03-02, 2031-07-09, 1999-12-31 */
		static const int64_t t[] = {INT64_C(1740824102000000), INT64_C(1740910502000000),
					    INT64_C(1941494400000000), INT64_C(946684799000000)};
		simple_event(&evs[i], "198.51.100.7", t[i], EVENT_EXPLOIT);
		evs[i].dst_port = ports[i];
		evs[i].src_port = ports[3 - i];
	}
	event_copy(&evs[4], &evs[0]); /* the same event twice in one batch */
	simple_event(&evs[5], "198.51.100.7", INT64_C(1740824102000001), EVENT_LOGIN);
	assert_int_equal(store_insert_events(s, evs, 6, NULL, &inserted, &err), 0);
	assert_int_equal(inserted, 5);
	assert_int_equal(store_insert_events(s, evs, 6, NULL, &inserted, &err), 0);
	assert_int_equal(inserted, 0);
	event_filter_init(&f);
	assert_int_equal(store_query_events(s, &f, count_events_cb, &n, &err), 0);
	assert_int_equal(n, 5);
	/* The observation of 2025-03-01 counts the exploit once and the login. */
	obs_filter_init(&of);
	of.day_from = of.day_to = time_day_of(evs[0].time_us);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_query_observations(s, &of, count_obs, &o, &err), 0);
	assert_int_equal(o.events, 1000000 + 2);
	f.kind = EVENT_EXPLOIT;
	f.since_us = evs[3].time_us;
	f.until_us = evs[3].time_us + 1;
	n = 0;
	assert_int_equal(store_query_events(s, &f, count_events_cb, &n, &err), 0);
	assert_int_equal(n, 1);
	for (int i = 0; i < 6; i++)
		event_free(&evs[i]);
	store_close(s);
}

struct seen {
	char text[8][IPADDR_STRLEN + 16];
	int n;
};

static int seen_obs(const struct observation *o, void *arg)
{
	struct seen *w = arg;
	char ip[IPADDR_STRLEN];

	ipaddr_format(&o->ip, ip);
	if (w->n < 8)
		snprintf(w->text[w->n], sizeof(w->text[0]), "%s/%u", ip, o->net.asn);
	w->n++;
	return 0;
}

static int seen_detail(const struct observation_detail *d, void *arg)
{
	assert_true(d->network == NULL || d->network->asn == d->obs->net.asn);
	return seen_obs(d->obs, arg);
}

static int stop_at_two(const struct observation *o, void *arg)
{
	(void)o;
	return ++*(int *)arg == 2 ? 42 : 0;
}

/* Orders every backend gives alike: addresses as text in byte order, the
 * unenriched (ASN 0) first in details; a callback's non-zero stops. */
static void test_orders(void **state)
{
	static const char *const ips[] = {"9.0.0.1", "10.0.0.1", "2001:db8::1", "100.0.0.1", "192.0.2.9"};
	struct event evs[5];
	struct ipaddr addr[2];
	struct enrichment nets[2];
	struct network net = {.asn = 64500};
	struct obs_filter f;
	struct seen w = {.n = 0};
	struct err err;
	int stops = 0;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 5; i++)
		simple_event(&evs[i], ips[i], INT64_C(1740824102000000) + i, EVENT_LOGIN);
	assert_int_equal(store_insert_events(s, evs, 5, NULL, NULL, &err), 0);
	memset(nets, 0, sizeof(nets));
	addr[0] = evs[0].src; /* 9.0.0.1 and 2001:db8::1 in AS64500 */
	addr[1] = evs[2].src;
	nets[0].asn = nets[1].asn = 64500;
	strcpy(nets[0].cc, "NL");
	strcpy(nets[1].cc, "NL");
	assert_int_equal(store_set_enrichment_many(s, addr, nets, 2, &err), 0);
	strcpy(net.name, "Example");
	assert_int_equal(store_upsert_network(s, &net, &err), 0);
	obs_filter_init(&f);
	assert_int_equal(store_query_observations(s, &f, seen_obs, &w, &err), 0);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.text[0], "10.0.0.1/0");
	assert_string_equal(w.text[1], "100.0.0.1/0");
	assert_string_equal(w.text[2], "192.0.2.9/0");
	assert_string_equal(w.text[3], "2001:db8::1/64500");
	assert_string_equal(w.text[4], "9.0.0.1/64500");
	w.n = 0;
	assert_int_equal(store_query_observation_details(s, &f, seen_detail, &w, &err), 0);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.text[0], "10.0.0.1/0");
	assert_string_equal(w.text[2], "192.0.2.9/0");
	assert_string_equal(w.text[3], "2001:db8::1/64500");
	assert_string_equal(w.text[4], "9.0.0.1/64500");
	w.n = 0;
	f.has_asn = true;
	f.asn = 64500;
	f.by_ip = true;
	assert_int_equal(store_query_observations(s, &f, seen_obs, &w, &err), 0);
	assert_int_equal(w.n, 2);
	f.has_asn = false;
	assert_int_equal(store_query_observations(s, &f, stop_at_two, &stops, &err), 42);
	assert_int_equal(stops, 2);
	for (int i = 0; i < 5; i++)
		event_free(&evs[i]);
	store_close(s);
}

static int count_token(const struct api_token *t, void *arg)
{
	assert_true(t->id > 0);
	(*(int *)arg)++;
	return 0;
}

struct counted {
	char text[4][96];
	int n;
};

static int keep_count(const struct event_count *c, void *arg)
{
	struct counted *k = arg;

	if (k->n < 4)
		snprintf(k->text[k->n], sizeof(k->text[0]), "%s %s %llu %llu %lld", c->sensor, event_kind_name(c->kind),
			 (unsigned long long)c->events, (unsigned long long)c->packets, (long long)c->last_us);
	k->n++;
	return 0;
}

static void test_tokens_deliveries_counts_span(void **state)
{
	struct api_token t = {.name = "isp", .asns = {64500, 64501}, .nasns = 2, .created_us = 7}, back;
	struct delivery d = {.day = 20000, .asn = 64500, .format = "csv", .recipient = "abuse@example.net"}, got;
	struct counted k = {.n = 0};
	struct event evs[3];
	int64_t first, last;
	bool found, claimed;
	struct err err;
	int n = 0;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);

	(void)state;
	assert_non_null(s);
	assert_int_equal(store_observation_span(s, &first, &last, &found, &err), 0);
	assert_false(found);
	assert_int_equal(store_add_token(s, &t, "ab12", &err), 0);
	assert_true(t.id > 0);
	assert_int_equal(store_find_token(s, "ab12", &back, &found, &err), 0);
	assert_true(found);
	assert_int_equal(back.nasns, 2);
	assert_int_equal(back.asns[1], 64501);
	assert_int_equal(back.revoked_us, 0);
	assert_int_equal(store_revoke_token(s, t.id, 100, &found, &err), 0);
	assert_true(found);
	assert_int_equal(store_revoke_token(s, t.id, 200, &found, &err), 0);
	assert_int_equal(store_find_token(s, "ab12", &back, &found, &err), 0);
	assert_int_equal(back.revoked_us, 100); /* the first revocation stays */
	assert_int_equal(store_revoke_token(s, 999, 1, &found, &err), 0);
	assert_false(found);
	assert_int_equal(store_find_token(s, "ffff", &back, &found, &err), 0);
	assert_false(found);
	assert_int_equal(store_list_tokens(s, count_token, &n, &err), 0);
	assert_int_equal(n, 1);

	strcpy(d.sha256, "00");
	d.updated_us = 1000;
	assert_int_equal(store_claim_delivery(s, &d, 0, &claimed, &err), 0);
	assert_true(claimed);
	assert_int_equal(store_claim_delivery(s, &d, 0, &claimed, &err), 0);
	assert_false(claimed); /* a live sender holds it */
	assert_int_equal(store_claim_delivery(s, &d, 1001, &claimed, &err), 0);
	assert_true(claimed); /* a stale one does not */
	strcpy(d.status, "failed");
	strcpy(d.last_error, "550 no");
	assert_int_equal(store_record_delivery(s, &d, &err), 0);
	assert_int_equal(store_get_delivery(s, d.day, d.asn, "csv", d.recipient, &got, &found, &err), 0);
	assert_true(found);
	assert_string_equal(got.status, "failed");
	assert_string_equal(got.last_error, "550 no");
	assert_int_equal(got.attempts, 1);
	assert_int_equal(store_claim_delivery(s, &d, 0, &claimed, &err), 0);
	assert_true(claimed); /* a failed one is retried */
	assert_int_equal(store_get_delivery(s, d.day, d.asn, "json", d.recipient, &got, &found, &err), 0);
	assert_false(found);

	simple_event(&evs[0], "192.0.2.1", INT64_C(1740824102000000), EVENT_SCAN);
	evs[0].packets = 40;
	simple_event(&evs[1], "192.0.2.2", INT64_C(1740910502000000), EVENT_SCAN);
	evs[1].packets = 2;
	simple_event(&evs[2], "192.0.2.3", INT64_C(1740910502000001), EVENT_LOGIN);
	strcpy(evs[2].sensor, "hp");
	assert_int_equal(store_insert_events(s, evs, 3, NULL, NULL, &err), 0);
	assert_int_equal(store_count_events(s, 0, keep_count, &k, &err), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.text[0], "hp login 1 0 1740910502000001");
	assert_string_equal(k.text[1], "unit scan 2 42 1740910502000000");
	assert_int_equal(store_observation_span(s, &first, &last, &found, &err), 0);
	assert_true(found);
	assert_int_equal(first, time_day_of(evs[0].time_us));
	assert_int_equal(last, first + 1);
	for (int i = 0; i < 3; i++)
		event_free(&evs[i]);
	store_close(s);
}

/* Retention drops the events of old days (whole partitions on PostgreSQL),
 * keeps the observations, and a late event of a dropped day still stores. */
static void test_retention(void **state)
{
	struct event evs[3];
	struct event_filter f;
	struct obs_filter of;
	struct err err;
	uint64_t dropped = 0;
	size_t inserted;
	struct seen w = {.n = 0};
	int n = 0;
	struct store *s = store_open(test_store.target, STORE_CREATE, &err);

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 3; i++)
		simple_event(&evs[i], "192.0.2.1", INT64_C(1740824102000000) + i * US_PER_DAY, EVENT_LOGIN);
	assert_int_equal(store_insert_events(s, evs, 3, NULL, NULL, &err), 0);
	assert_int_equal(store_drop_events_before(s, time_day_of(evs[2].time_us), &dropped, &err), 0);
	assert_true(dropped >= 2);
	event_filter_init(&f);
	assert_int_equal(store_query_events(s, &f, count_events_cb, &n, &err), 0);
	assert_int_equal(n, 1);
	obs_filter_init(&of);
	assert_int_equal(store_query_observations(s, &of, seen_obs, &w, &err), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(store_insert_events(s, evs, 1, NULL, &inserted, &err), 0);
	assert_int_equal(inserted, 1);
	for (int i = 0; i < 3; i++)
		event_free(&evs[i]);
	store_close(s);
}

/* Read-only opens read, never write, and never make a store. */
static void test_read_only(void **state)
{
	struct event ev;
	struct event_filter f;
	struct err err;
	int n = 0;
	struct store *s;

	(void)state;
	assert_null(store_open(test_store.target, STORE_READONLY, &err));
	assert_null(store_open(test_store.target, 0, &err));
	s = store_open(test_store.target, STORE_CREATE, &err);
	assert_non_null(s);
	assert_string_equal(s->backend->name, test_store.backend);
	simple_event(&ev, "192.0.2.1", INT64_C(1740824102000000), EVENT_LOGIN);
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), 0);
	store_close(s);
	s = store_open(test_store.target, STORE_READONLY, &err);
	assert_non_null(s);
	ev.time_us++;
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), -1);
	event_filter_init(&f);
	assert_int_equal(store_query_events(s, &f, count_events_cb, &n, &err), 0);
	assert_int_equal(n, 1);
	event_free(&ev);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_round_trip_and_idempotence),
		STORE_TEST(test_observations_follow_qualifying_events),
		STORE_TEST(test_devices_and_networks),
		STORE_TEST(test_set_enrichment_many),
		STORE_TEST(test_identity_ports_and_days),
		STORE_TEST(test_orders),
		STORE_TEST(test_tokens_deliveries_counts_span),
		STORE_TEST(test_retention),
		STORE_TEST(test_read_only),
	};
	/* The fixtures use private and documentation addresses: declared a lab
	 * (docs/addresses.md), as the integration tests do. */
	addrclass_set_lab("10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32", NULL);
	return test_store_run("store", tests, sizeof(tests) / sizeof(tests[0]));
}
