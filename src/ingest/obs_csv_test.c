/* obs_csv_test.c - the observations CSV header and line parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "ingest/obs_csv.h"

#define S(x) x, strlen(x)

static void test_header_any_order(void **state)
{
	struct obs_csv_header h;
	struct observation o;
	struct err err;

	(void)state;
	assert_int_equal(obs_csv_header(S("\xEF\xBB\xBF" "treatment, Date ,cc,ip,asn,family"), &h, &err), 0);
	assert_int_equal(h.ncols, 6);
	assert_int_equal(obs_csv_line(&h, S("email,2025-03-01,nl,192.0.2.7,AS64500,mirai"), &o, &err), 0);
	assert_string_equal(o.treatment, "email");
	assert_int_equal(o.day, time_days_from_civil(2025, 3, 1));
	assert_string_equal(o.net.cc, "NL");
	assert_int_equal(o.net.asn, 64500);
	assert_string_equal(o.family, "mirai");
	assert_string_equal(o.source, "import");
	assert_int_equal(o.events, 1);
	assert_int_equal(o.first_us, o.day * US_PER_DAY);
	/* quoted fields, RFC 3339 time, empty optionals, IPv6 */
	assert_int_equal(obs_csv_line(&h, S("\"\",\"2025-03-01T23:59:59+00:00\",,\"2001:db8::1\",,"), &o, &err), 0);
	assert_int_equal(o.day, time_days_from_civil(2025, 3, 1));
	assert_int_equal(o.net.asn, 0);
	assert_int_equal(o.ip.af, 6);
	assert_string_equal(o.treatment, "");
}

static void test_header_errors(void **state)
{
	struct obs_csv_header h;
	struct err err;

	(void)state;
	assert_int_equal(obs_csv_header(S("ip,day"), &h, &err), -1);
	assert_non_null(strstr(err.msg, "unknown column"));
	assert_int_equal(obs_csv_header(S("ip,asn"), &h, &err), -1);
	assert_non_null(strstr(err.msg, "ip and date"));
	assert_int_equal(obs_csv_header(S("ip,date,ip"), &h, &err), -1);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(obs_csv_header(S("ip,date,asn,cc,family,treatment,cc"), &h, &err), -1);
}

static void test_line_errors(void **state)
{
	static const char *const bad[] = {
		"300.1.1.1,2025-01-01",	    /* ip */
		"10.0.0.1,2025-13-01",	    /* date */
		"10.0.0.1",		    /* too few fields */
		"10.0.0.1,2025-01-01,x",    /* too many */
		"10.0.0.1,\"2025-01-01",    /* unterminated quote */
		"10.0.0.1,\"2025-01-01\"x", /* text after a quote */
		"10.0.0.1,2025\"-01-01",    /* quote inside */
	};
	struct obs_csv_header h;
	struct observation o;
	struct err err;
	char longf[300];

	(void)state;
	assert_int_equal(obs_csv_header(S("ip,date"), &h, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(obs_csv_line(&h, S(bad[i]), &o, &err), -1);
	memset(longf, 'a', sizeof(longf));
	assert_int_equal(obs_csv_line(&h, longf, sizeof(longf), &o, &err), -1);
	assert_non_null(strstr(err.msg, "longer"));
	assert_int_equal(obs_csv_header(S("ip,date,asn,cc,family,treatment"), &h, &err), 0);
	assert_int_equal(obs_csv_line(&h, S("10.0.0.1,2025-01-01,AS99999999999,,,"), &o, &err), -1);
	assert_int_equal(obs_csv_line(&h, S("10.0.0.1,2025-01-01,,NLD,,"), &o, &err), -1);
	assert_int_equal(obs_csv_line(&h, S("10.0.0.1,2025-01-01,,,mi rai,"), &o, &err), -1);
	assert_int_equal(obs_csv_line(&h, S("10.0.0.1,2025-01-01,,,,a<b"), &o, &err), -1);
	assert_int_equal(obs_csv_line(&h, S("10.0.0.1,2025-01-01,,,,"), &o, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_any_order),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_line_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
