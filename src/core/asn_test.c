/* Unit tests for asn: the spellings accepted and refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>

#include "core/asn.h"

static void test_accepts(void **state)
{
	uint32_t a = 1;

	(void)state;
	assert_int_equal(asn_parse("64500", &a), 0);
	assert_int_equal(a, 64500);
	assert_int_equal(asn_parse("AS64501", &a), 0);
	assert_int_equal(a, 64501);
	assert_int_equal(asn_parse("as64502", &a), 0);
	assert_int_equal(a, 64502);
	assert_int_equal(asn_parse("aS4294967295", &a), 0);
	assert_int_equal(a, UINT32_MAX);
	assert_int_equal(asn_parse("0", &a), 0);
	assert_int_equal(a, 0);
}

static void test_refuses(void **state)
{
	const char *bad[] = {"", "AS", "4294967296", "99999999999999999999999", "+1", "-1", " 1", "1 ",
			     "AS 1", "0x10", "64500,64501", "ASN1", "1e3"};
	uint32_t a = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(asn_parse(bad[i], &a), -1);
		assert_int_equal(a, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
