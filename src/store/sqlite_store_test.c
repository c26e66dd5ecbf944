/* Unit tests for the SQLite store: round trip of every field (IPv6 too),
 * idempotent inserts, observations, devices, networks, and refusal of bad
 * files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "store/store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/iotmon-store-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/sub/t.db", dir); /* parent made on create */
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

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
	event_set_text(&ev->input, "/bin/busybox ECCHI", 18);
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
	assert_null(store_open(path, 0, &err)); /* missing and not asked to create */
	s = store_open(path, STORE_CREATE, &err);
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
	struct store *s = store_open(path, STORE_CREATE, &err);

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
	struct store *s = store_open(path, STORE_CREATE, &err);
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
	struct store *s = store_open(path, STORE_CREATE, &err);

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

static void test_refuses_newer_and_foreign_and_garbage(void **state)
{
	struct err err;
	sqlite3 *db;
	FILE *f;
	char other[160];

	(void)state;
	store_close(store_open(path, STORE_CREATE, &err));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(path, STORE_CREATE, &err));
	assert_non_null(strstr(err.msg, "newer iotmon (schema 999"));

	snprintf(other, sizeof(other), "%s/garbage.db", dir);
	f = fopen(other, "w");
	fputs("this is not a database, it is a text file that is long enough to have a header.....", f);
	fclose(f);
	assert_null(store_open(other, STORE_CREATE, &err));
	assert_non_null(strstr(err.msg, "garbage.db"));
	f = fopen(other, "r");
	char head[16] = "";
	assert_non_null(fgets(head, sizeof(head), f)); /* nothing overwritten */
	assert_string_equal(head, "this is not a d");
	fclose(f);

	snprintf(other, sizeof(other), "%s/foreign.db", dir);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(other, STORE_CREATE, &err));
	assert_non_null(strstr(err.msg, "not an iotmon database"));
}

/* Issue 16: a reader never creates or migrates a store, and cannot write. */
static void test_readers_never_create_or_write(void **state)
{
	struct err err;
	struct store *s;
	struct stat sb;
	struct event ev;
	char empty[160], target[200];
	FILE *f;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty.db", dir);
	f = fopen(empty, "w");
	fclose(f);
	assert_null(store_open(empty, STORE_READONLY, &err));
	assert_non_null(strstr(err.msg, "empty.db: empty file"));
	assert_null(store_open(empty, 0, &err)); /* an existing-store opener neither */
	assert_int_equal(stat(empty, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_null(store_open(path, STORE_READONLY, &err)); /* missing: not made */
	assert_int_not_equal(access(path, F_OK), 0);

	store_close(store_open(path, STORE_CREATE, &err));
	snprintf(target, sizeof(target), "sqlite:%s", path);
	s = store_open(target, STORE_READONLY, &err);
	assert_non_null(s);
	assert_string_equal(s->backend->name, "sqlite");
	make_event(&ev, 1);
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "t.db"));
	event_free(&ev);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_and_idempotence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observations_follow_qualifying_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices_and_networks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_enrichment_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_newer_and_foreign_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readers_never_create_or_write, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
