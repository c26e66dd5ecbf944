/* addrclass_test.c - special-purpose ranges are not devices, unless a lab allows them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/addrclass.h"

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	if (ipaddr_parse(s, strlen(s), &a))
		fail_msg("bad address in test: %s", s);
	return a;
}

static void test_special_ranges(void **state)
{
	static const char *const special[] = {
		"127.0.0.1",	"10.1.2.3",	"172.16.0.1",	  "172.31.255.255", "192.168.1.1", "100.64.0.1",
		"100.127.255.254", "169.254.10.10", "192.0.2.7",  "198.51.100.23", "203.0.113.9", "0.0.0.0",
		"224.0.0.251",	"239.255.255.250", "240.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.0.8",
		"::1",		"::",		"2001:db8::1",	  "fc00::1",	    "fd12:3456::1", "fe80::1",
		"ff02::1",	"3fff::1",	"100::1",
	};
	static const char *const global[] = {
		"1.1.1.1",	 "8.8.8.8",	  "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
		"192.0.3.1",	 "198.51.101.1", "203.0.114.1",   "223.255.255.255", "2001:4860::8888", "2a00::1",
	};
	(void)state;

	assert_int_equal(addrclass_set_lab("", NULL), 0);
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		struct ipaddr a = ip(special[i]);

		if (!addrclass_special(&a) || addrclass_is_device(&a))
			fail_msg("%s counted as a device", special[i]);
	}
	for (size_t i = 0; i < sizeof(global) / sizeof(global[0]); i++) {
		struct ipaddr a = ip(global[i]);

		if (addrclass_special(&a) || !addrclass_is_device(&a))
			fail_msg("%s not counted as a device", global[i]);
	}
	struct ipaddr lo = ip("127.0.0.1");

	assert_string_equal(addrclass_special(&lo), "loopback");
}

static void test_lab_allowance(void **state)
{
	struct ipaddr doc = ip("198.51.100.23"), doc6 = ip("2001:db8::5"), lo = ip("127.0.0.1");
	struct err err;
	(void)state;

	assert_int_equal(addrclass_set_lab("192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32", &err), 0);
	assert_true(addrclass_is_device(&doc));
	assert_true(addrclass_is_device(&doc6));
	assert_false(addrclass_is_device(&lo));
	assert_non_null(addrclass_special(&doc)); /* still special, only allowed */
	assert_int_equal(addrclass_set_lab("", &err), 0);
	assert_false(addrclass_is_device(&doc));
	assert_int_equal(addrclass_set_lab("not-a-prefix", &err), -1);
	assert_non_null(strstr(err.msg, "not-a-prefix"));
	assert_int_equal(addrclass_set_lab("", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special_ranges),
		cmocka_unit_test(test_lab_allowance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
