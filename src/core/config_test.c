/* Unit tests for config: types, defaults, file:line errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"

static void test_defaults(void **state)
{
	struct config *cfg = config_load(NULL, NULL);

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(config_str(cfg, "store", "path"), "var/iotmon.db");
	assert_int_equal(config_int(cfg, "store", "batch_size"), 5000);
	config_free(cfg);
}

static void test_values_and_overrides(void **state)
{
	struct err err;
	struct config *cfg =
		config_load_string("[general]\nsensor_name = hp-ams-01 ; comment\n[store]\nbatch_size=42\n", "t.conf", &err);

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(config_str(cfg, "general", "sensor_name"), "hp-ams-01");
	assert_int_equal(config_int(cfg, "store", "batch_size"), 42);
	assert_int_equal(config_set(cfg, "store", "batch_size", "0", &err), -1);
	assert_non_null(strstr(err.msg, "batch_size"));
	assert_int_equal(config_set(cfg, "store", "batch_size", "7", &err), 0);
	assert_int_equal(config_int(cfg, "store", "batch_size"), 7);
	config_free(cfg);
}

static void expect_error(const char *text, const char *want)
{
	struct err err;
	struct config *cfg = config_load_string(text, "bad.conf", &err);

	assert_null(cfg);
	if (!strstr(err.msg, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("[general]\nsensor_name = x\nbogus = 1\n", "bad.conf:3: unknown key \"bogus\" in [general]");
	expect_error("[nosuch]\nkey = 1\n", "bad.conf:2: unknown section [nosuch]");
	expect_error("[store]\nbatch_size = many\n", "bad.conf:2: store.batch_size: expected an integer");
	expect_error("[store]\nbackend = oracle\n", "bad.conf:2: store.backend: expected one of sqlite");
	expect_error("[general]\nthis line has no equals sign\n", "bad.conf:2:");
}

/* Issue #16: what `iotmon config` used to pass and a command then rejected
 * or silently ignored. */
static void test_values_checked_whole(void **state)
{
	(void)state;
	expect_error("[web]\nlisten = 127.0.0.1:80800\n", "bad.conf:2: web.listen: expected one ADDR:PORT");
	expect_error("[web]\nlisten = localhost\n", "bad.conf:2: web.listen");
	expect_error("[enrich]\nfocus_countries = Netherlands\n", "bad.conf:2: enrich.focus_countries");
	expect_error("[enrich]\nfocus_countries = NL, B\n", "bad.conf:2: enrich.focus_countries");
	expect_error("[general]\ndata_dir = data\n[honeypot]\nprofile = busybx\n",
		     "bad.conf: honeypot.profile: unknown profile \"busybx\" (known: busybox");
	expect_error("[general]\ndata_dir = data\n[honeypot]\nport_profiles = 8081=ipcam,8082=rooter\n",
		     "honeypot.port_profiles: unknown profile \"rooter\"");
	expect_error("[general]\ndata_dir = data\n[honeypot]\nport_profiles = 80800=ipcam\n",
		     "honeypot.port_profiles: expected a port");
	expect_error("[general]\ndata_dir = data\n[enrich]\nasn_csv = ipdb/asn-ipv4.cvs\n",
		     "bad.conf: enrich.asn_csv: data/ipdb/asn-ipv4.cvs: No such file");
	expect_error("[general]\ndata_dir = data\n[enrich]\nasn_csv = ipdb/asn-ipv4.csv, population.csv\n",
		     "enrich.asn_csv: data/population.csv: not a range CSV");
	expect_error("[general]\ndata_dir = data\n[enrich]\ncountry_mmdb = ipdb/asn-ipv4.csv\n",
		     "enrich.country_mmdb: data/ipdb/asn-ipv4.csv: not an MMDB");
	expect_error("[general]\ndata_dir = data\n[enrich]\ncountry_csv = ipdb/geo-whois-asn-country.mmdb\n",
		     "a binary file, not text");
	expect_error("[general]\ndata_dir = data\n[web]\npopulation_file = credentials.txt\n",
		     "web.population_file: data/credentials.txt: not a population CSV");
	expect_error("[feeds]\ncontacts_file = /nonexistent/contacts.csv\n", "feeds.contacts_file: /nonexistent");
	expect_error("[general]\ndata_dir = data\n[probe]\nsignatures = nosuch.tsv\n", "probe.signatures");
	/* A missing ']' is a syntax error on its own line, not an unknown key later. */
	expect_error("[general]\nsensor_name = x\n[store\npath = y.db\n",
		     "bad.conf:3: syntax error: section header without ']'");

	struct err err;
	struct config *cfg = config_load_string("[general]\ndata_dir = data\n[enrich]\nfocus_countries = nl, BE\n"
						"asn_csv = ipdb/asn-ipv4.csv\ncountry_mmdb = ipdb/geo-whois-asn-country.mmdb\n"
						"[honeypot]\nprofile = ipcam\nport_profiles = 8081=router\n"
						"[web]\nlisten = [::1]:8080\n",
						"good.conf", &err);

	if (!cfg)
		fail_msg("%s", err.msg);
	/* Command-line overrides pass the same checks. */
	assert_int_equal(config_set(cfg, "honeypot", "profile", "busybx", &err), -1);
	assert_non_null(strstr(err.msg, "unknown profile"));
	assert_int_equal(config_set(cfg, "honeypot", "profile", "dvr", &err), 0);
	config_free(cfg);
}

static void test_missing_file(void **state)
{
	struct err err;

	(void)state;
	assert_null(config_load("/nonexistent/iotmon.conf", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/iotmon.conf: cannot open"));
}

static int collect(const char *item, size_t len, void *arg)
{
	char *out = arg;

	strncat(out, item, len);
	strcat(out, "|");
	return 0;
}

static void test_items(void **state)
{
	char out[64] = "";

	(void)state;
	config_each_item(" a, b ,,c ", collect, out);
	assert_string_equal(out, "a|b|c|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values_and_overrides),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_values_checked_whole),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
