/* signature_test.c - banner parsing, signature rules (ours and nmap's),
 * and the probing policy with the focus scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/datadir.h"
#include "enrich/scope.h"
#include "probe/banner.h"
#include "probe/probe_policy.h"
#include "probe/prober.h"
#include "probe/signature.h"

static void test_http_banner(void **state)
{
	const char *raw = "HTTP/1.1 401 Unauthorized\r\nserver:  Boa/0.94.14rc21 \r\n"
			  "WWW-Authenticate: Digest qop=\"auth\", realm=\"Hikvision\", nonce=\"x\"\r\n"
			  "Content-Length: 34\r\n\r\n<html><TITLE>Login\x01</TITLE></html>";
	struct banner_http b;

	(void)state;
	banner_parse_http(raw, strlen(raw), &b);
	assert_int_equal(b.status, 401);
	assert_string_equal(b.server, "Boa/0.94.14rc21");
	assert_string_equal(b.realm, "Hikvision");
	assert_string_equal(b.title, "Login?");
	assert_true(banner_http_complete(raw, strlen(raw), 0));
	assert_false(banner_http_complete(raw, strlen(raw) - 1, 0));
	assert_true(banner_http_complete(raw, 60, 1) == 0); /* head not ended yet */

	banner_parse_http("RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n\r\n", 54, &b);
	assert_int_equal(b.status, 200);
	assert_string_equal(b.server, "Dahua Rtsp Server");
	banner_parse_http("SSH-2.0-dropbear\r\n", 18, &b);
	assert_int_equal(b.status, 0);
	assert_string_equal(b.server, "");
	/* Truncated anywhere: no read past the end. */
	for (size_t n = 0; n <= strlen(raw); n++)
		banner_parse_http(raw, n, &b);
}

static void test_telnet_banner(void **state)
{
	const char raw[] = "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\n(none) login: ";
	char text[64];

	(void)state;
	assert_int_equal(banner_telnet_text(raw, sizeof(raw) - 1, text, sizeof(text)), 15);
	assert_string_equal(text, "\n(none) login: ");
	assert_true(banner_telnet_prompt(raw, sizeof(raw) - 1));
	assert_false(banner_telnet_prompt("Welcome\r\n", 9));
	assert_true(banner_telnet_prompt("\r\nPassword:", 11));
	assert_int_equal(banner_telnet_text(raw, sizeof(raw) - 1, text, 4), 3);
}

static struct sigset *own_rules(void)
{
	struct sigset *s = sigset_new();
	struct err err;

	/* The tests run from the source root. */
	if (sigset_load_rules(s, "data/device-signatures.tsv", &err))
		fail_msg("%s", err.msg);
	return s;
}

static void test_own_rules(void **state)
{
	struct sigset *s = own_rules();
	struct device_match m;
	struct probe_facts f = {.http_server = "uc-httpd 1.0.0", .http_title = "", .http_realm = "", .tls_subject = ""};
	const char rtsp[] = "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Hipcam RealServer/V1.0\r\n\r\n";
	const char tn[] = "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\n(none) login: ";

	(void)state;
	assert_true(sigset_count(s) >= 25);
	assert_true(sigset_match(s, &f, &m));
	assert_string_equal(m.vendor, "XiongMai");
	assert_string_equal(m.type, "dvr");
	assert_string_equal(m.firmware, "1.0.0");
	assert_non_null(strstr(m.rule, "iot-threats 4.1"));

	memset(&f, 0, sizeof(f));
	f.rtsp = rtsp;
	f.rtsp_len = sizeof(rtsp) - 1;
	assert_true(sigset_match(s, &f, &m));
	assert_string_equal(m.vendor, "Hipcam");
	assert_string_equal(m.type, "camera");
	assert_string_equal(m.firmware, "1.0");

	memset(&f, 0, sizeof(f));
	f.telnet = tn;
	f.telnet_len = sizeof(tn) - 1;
	assert_true(sigset_match(s, &f, &m));
	assert_string_equal(m.type, "dvr");
	assert_string_equal(m.model, "security DVR telnetd");

	memset(&f, 0, sizeof(f));
	f.http_server = "Apache";
	assert_false(sigset_match(s, &f, &m));
	assert_string_equal(m.vendor, "");
	sigset_free(s);
}

static void test_rule_errors(void **state)
{
	struct sigset *s = sigset_new();
	struct err err;
	const char *bad_field = "banner\tx\tV\tcamera\t\t\tsrc\n";
	const char *no_source = "telnet\tx\tV\tcamera\t\t\t\n";
	const char *bad_re = "# c\ntelnet\tok\tV\tcamera\t\t\tsrc\ntelnet\t(\tV\tcamera\t\t\tsrc\n";

	(void)state;
	assert_int_equal(sigset_load_rules_buf(s, bad_field, strlen(bad_field), "r.tsv", &err), -1);
	assert_string_equal(err.msg, "r.tsv:1: unknown field \"banner\"");
	assert_int_equal(sigset_load_rules_buf(s, no_source, strlen(no_source), "r.tsv", &err), -1);
	assert_string_equal(err.msg, "r.tsv:1: every rule needs its source");
	assert_int_equal(sigset_load_rules_buf(s, bad_re, strlen(bad_re), "r.tsv", &err), -1);
	assert_non_null(strstr(err.msg, "r.tsv:3: bad pattern"));
	assert_int_equal(sigset_count(s), 1); /* the good rule before it stays */
	sigset_free(s);
}

static void test_nmap_rules(void **state)
{
	const char *path = "/usr/share/nmap/nmap-service-probes";
	struct sigset *s;
	struct device_match m;
	struct stat st;
	struct err err;
	size_t n;
	const char http[] = "HTTP/1.0 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nServer: App-webs/\r\n\r\n";

	(void)state;
	if (stat(path, &st))
		skip();
	s = sigset_new();
	assert_int_equal(sigset_load_nmap(s, path, &n, &err), 0);
	/* http + telnet + rtsp match lines with p/ or d/ (about 5,500 in 7.93). */
	assert_true(n > 3000);
	struct probe_facts f = {.http = http, .http_len = sizeof(http) - 1, .http_server = "App-webs/"};
	assert_true(sigset_match(s, &f, &m));
	assert_non_null(strstr(m.rule, "nmap-service-probes: http"));
	assert_string_equal(m.type, "camera"); /* nmap's d/webcam mapped */
	assert_string_equal(m.vendor, "Hikvision"); /* p/'s first word */
	assert_string_equal(m.model, "Hikvision IP camera httpd");
	sigset_free(s);
}

static void test_policy_and_scope(void **state)
{
	struct config *cfg;
	struct probe_policy p;
	struct ipaddr a;
	struct err err;
	const char *why = NULL;
	const char *ini = "[enrich]\nfocus_countries = NL, be\n[probe]\ndo_not_probe = 192.0.2.0/28\n"
			  "allow = 198.51.100.0/24\n";

	(void)state;
	cfg = config_load_string(ini, "t.conf", &err);
	assert_non_null(cfg);
	assert_true(scope_in_focus(cfg, "NL"));
	assert_true(scope_in_focus(cfg, "BE"));
	assert_false(scope_in_focus(cfg, "DE"));
	assert_false(scope_in_focus(cfg, ""));
	assert_int_equal(probe_policy_init(&p, cfg, &err), 0);
	assert_int_equal(ipaddr_parse("192.0.2.5", 9, &a), 0);
	assert_false(probe_policy_check(&p, &a, true, "NL", &why));
	assert_string_equal(why, "on the do-not-probe list");
	assert_int_equal(ipaddr_parse("192.0.2.20", 10, &a), 0);
	assert_true(probe_policy_check(&p, &a, true, "NL", &why));
	assert_false(probe_policy_check(&p, &a, true, "DE", &why));
	assert_string_equal(why, "outside the focus countries");
	assert_false(probe_policy_check(&p, &a, false, "NL", &why));
	assert_int_equal(ipaddr_parse("198.51.100.7", 12, &a), 0);
	assert_true(probe_policy_check(&p, &a, false, "", &why)); /* allow-list */
	assert_int_equal(probe_policy_allow(&p, "192.0.2.0/24"), 0);
	assert_int_equal(ipaddr_parse("192.0.2.5", 9, &a), 0);
	assert_false(probe_policy_check(&p, &a, false, "", &why)); /* deny still wins */
	assert_int_equal(probe_policy_allow(&p, "nonsense"), -1);
	probe_policy_free(&p);
	config_free(cfg);

	cfg = config_load_string("[enrich]\nfocus_countries = *\n", "t.conf", &err);
	assert_true(scope_in_focus(cfg, "JP"));
	config_free(cfg);
}

static void test_datadir_and_ports(void **state)
{
	struct config *cfg;
	struct err err;
	char buf[256];
	uint16_t ports[4];

	(void)state;
	cfg = config_load_string("[general]\ndata_dir = /srv/iotmon/\n", "t.conf", &err);
	assert_string_equal(datadir_get(cfg, buf, sizeof(buf)), "/srv/iotmon");
	assert_string_equal(datadir_path(cfg, "ipdb/x.csv", buf, sizeof(buf)), "/srv/iotmon/ipdb/x.csv");
	assert_string_equal(datadir_path(cfg, "/abs/x.csv", buf, sizeof(buf)), "/abs/x.csv");
	assert_null(datadir_path(cfg, "a-long-name", buf, 8));
	config_free(cfg);
	assert_string_equal(datadir_get(NULL, buf, sizeof(buf)), "data"); /* tests run in the source root */

	assert_int_equal(prober_parse_ports("23, 80,554", ports, 4), 3);
	assert_int_equal(ports[2], 554);
	assert_int_equal(prober_parse_ports("23, 0", ports, 4), -1);
	assert_int_equal(prober_parse_ports("1,2,3,4,5", ports, 4), -1);
	assert_int_equal(prober_parse_ports("80x", ports, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_banner),  cmocka_unit_test(test_telnet_banner),
		cmocka_unit_test(test_own_rules),    cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_nmap_rules),   cmocka_unit_test(test_policy_and_scope),
		cmocka_unit_test(test_datadir_and_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
