/* Unit tests for timeutil: civil dates, RFC 3339 text both ways, zones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/timeutil.h"

static int64_t parse(const char *s)
{
	int64_t us = 0;

	assert_int_equal(time_parse(s, strlen(s), &us), 0);
	return us;
}

static void test_format_epoch_and_known_instant(void **state)
{
	char buf[TIME_RFC3339_LEN + 1];

	(void)state;
	time_format_rfc3339(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
	/* 2025-03-01T10:15:02.123456Z = 1740824102 s (checked with date -d). */
	time_format_rfc3339(INT64_C(1740824102123456), buf);
	assert_string_equal(buf, "2025-03-01T10:15:02.123456Z");
	/* Before the epoch the day still floors correctly. */
	time_format_rfc3339(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
}

static void test_parse_forms_and_zones(void **state)
{
	(void)state;
	assert_int_equal(parse("2025-03-01T10:15:02.123456Z"), INT64_C(1740824102123456));
	assert_int_equal(parse("2025-03-01 10:15:02"), INT64_C(1740824102000000));
	/* Cowrie without TZ=UTC writes +HHMM; 12:15 at +0200 is 10:15 UTC. */
	assert_int_equal(parse("2025-03-01T12:15:02.123456+0200"), INT64_C(1740824102123456));
	assert_int_equal(parse("2025-03-01T05:15:02.123456-05:00"), INT64_C(1740824102123456));
	/* Longer fractions are truncated to microseconds. */
	assert_int_equal(parse("2025-03-01T10:15:02.1234569Z"), INT64_C(1740824102123456));
	assert_int_equal(parse("2025-03-01"), INT64_C(1740787200000000));
}

static void test_parse_rejects_garbage(void **state)
{
	static const char *const bad[] = {"",	       "2025-13-01",	     "2025-02-29", "2025-03-01T25:00:00Z",
					  "2025-03-01T10:15:02.Z", "2025-03-01T10:15:02Zjunk", "20250301", "2025-03-01T10"};
	int64_t us;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time_parse(bad[i], strlen(bad[i]), &us), -1);
	/* 2024 is a leap year. */
	assert_int_equal(time_parse("2024-02-29", 10, &us), 0);
}

static void test_days_round_trip(void **state)
{
	char buf[11];
	int64_t day;

	(void)state;
	for (int64_t d = -800000; d < 800000; d += 997) {
		time_format_day(d, buf);
		if (d < -719162) /* before year 0 the text clamps; skip */
			continue;
		assert_int_equal(time_parse_day(buf, 10, &day), 0);
		assert_int_equal(day, d);
	}
	assert_int_equal(time_day_of(-1), -1);
	assert_int_equal(time_day_of(US_PER_DAY), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_epoch_and_known_instant),
		cmocka_unit_test(test_parse_forms_and_zones),
		cmocka_unit_test(test_parse_rejects_garbage),
		cmocka_unit_test(test_days_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
