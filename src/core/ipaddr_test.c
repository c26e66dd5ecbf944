/* Unit tests for ipaddr: parsing, canonical text, v4-mapped, CIDR, endpoints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>

#include "core/ipaddr.h"

static void canon(const char *in, const char *want)
{
	struct ipaddr a;
	char buf[IPADDR_STRLEN];

	assert_int_equal(ipaddr_parse(in, strlen(in), &a), 0);
	ipaddr_format(&a, buf);
	assert_string_equal(buf, want);
}

static void test_canonical_text(void **state)
{
	(void)state;
	canon("192.0.2.1", "192.0.2.1");
	canon("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
	canon("::ffff:198.51.100.23", "198.51.100.23"); /* mapped becomes IPv4 */
	canon("::", "::");
	canon("0.0.0.0", "0.0.0.0");
	canon("255.10.100.9", "255.10.100.9");
}

static void test_v4_text_matches_inet_ntop(void **state)
{
	char ours[IPADDR_STRLEN], libc[IPADDR_STRLEN];
	struct ipaddr a;

	(void)state;
	for (uint32_t v = 0; v < 256 * 256; v++) {
		uint32_t x = v * 0x01000193u ^ (v << 16) ^ v; /* spread over all octets */

		ipaddr_from_v4(x, &a);
		ipaddr_format(&a, ours);
		inet_ntop(AF_INET, a.b, libc, sizeof(libc));
		assert_string_equal(ours, libc);
	}
}

static void test_rejects(void **state)
{
	struct ipaddr a;

	(void)state;
	assert_int_equal(ipaddr_parse("256.1.1.1", 9, &a), -1);
	assert_int_equal(ipaddr_parse("1.2.3", 5, &a), -1);
	assert_int_equal(ipaddr_parse("1.2.3.4\0x", 9, &a), -1); /* embedded NUL */
	assert_int_equal(ipaddr_parse("", 0, &a), -1);
}

static void test_cidr(void **state)
{
	struct cidr c;
	struct ipaddr a;

	(void)state;
	assert_int_equal(cidr_parse("10.1.2.3/8", 10, &c), 0);
	assert_int_equal(c.prefix, 8);
	assert_int_equal(ipaddr_parse("10.200.0.1", 10, &a), 0);
	assert_true(cidr_contains(&c, &a));
	assert_int_equal(ipaddr_parse("11.0.0.1", 8, &a), 0);
	assert_false(cidr_contains(&c, &a));
	assert_int_equal(cidr_parse("2001:db8::/33", 13, &c), 0);
	assert_int_equal(ipaddr_parse("2001:db8:7fff::1", 16, &a), 0);
	assert_true(cidr_contains(&c, &a));
	assert_int_equal(ipaddr_parse("2001:db8:8000::1", 16, &a), 0);
	assert_false(cidr_contains(&c, &a));
	assert_int_equal(cidr_parse("10.0.0.0/33", 11, &c), -1);
}

static void test_endpoints(void **state)
{
	char host[IPADDR_STRLEN];
	uint16_t port;

	(void)state;
	assert_int_equal(endpoint_parse("127.0.0.1:2323", 14, host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 2323);
	assert_int_equal(endpoint_parse("[::1]:65535", 11, host, &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 65535);
	assert_int_equal(endpoint_parse("127.0.0.1:65536", 15, host, &port), -1);
	assert_int_equal(endpoint_parse("127.0.0.1", 9, host, &port), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_text),
		cmocka_unit_test(test_v4_text_matches_inet_ntop),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_endpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
