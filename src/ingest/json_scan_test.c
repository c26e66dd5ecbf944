/* json_scan_test.c - field extraction and validation of one JSON object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/json_scan.h"

static int scan(const char *s, struct json_field *f, size_t n, char *arena, struct err *err)
{
	return json_scan_object(s, strlen(s), f, n, arena, err);
}

static void test_fields(void **state)
{
	static const char line[] = "{\"a\":\"x\\u00e9\\ud83d\\ude00\\n\",\"skip\":{\"k\":[1,2,{\"z\":null}]},"
				   "\"n\":-12,\"d\":1.5e1,\"t\":true,\"a2\":[],\"a\":\"last\"}";
	struct json_field f[5] = {{.name = "a"}, {.name = "n"}, {.name = "d"}, {.name = "t"}, {.name = "missing"}};
	char arena[sizeof(line)];
	struct err err;

	(void)state;
	assert_int_equal(scan(line, f, 5, arena, &err), 0);
	assert_int_equal(f[0].type, JS_STRING);
	assert_string_equal(f[0].str, "last"); /* a repeated key keeps its last value */
	assert_int_equal(f[1].type, JS_NUMBER);
	assert_true(f[1].is_int);
	assert_int_equal(f[1].ival, -12);
	assert_false(f[2].is_int);
	assert_true(f[2].num == 15.0);
	assert_int_equal(f[3].type, JS_TRUE);
	assert_int_equal(f[4].type, JS_ABSENT);
}

static void test_unescape(void **state)
{
	struct json_field f[1] = {{.name = "s"}};
	char arena[64];
	struct err err;

	(void)state;
	assert_int_equal(scan("{\"s\":\"x\\u00e9\\ud83d\\ude00\\t\\\"\\\\\\/\"}", f, 1, arena, &err), 0);
	assert_string_equal(f[0].str, "x\xc3\xa9\xf0\x9f\x98\x80\t\"\\/");
	assert_int_equal(f[0].len, 11);
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"",	      "[1]",	     "{\"a\":}",	  "{\"a\":1,}",	      "{\"a\" 1}",    "{\"a\":01}",
		"{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"x}", "{\"a\":1} x", "{\"a\":[1,2}",
		"{\"a\":\"\t\"}", "{\"a\":-}", "{\"a\":1.}",	  "{\"a\":1e}",
	};
	struct json_field f[1] = {{.name = "a"}};
	char arena[64];
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(scan(bad[i], f, 1, arena, &err), -1);
		assert_non_null(strstr(err.msg, "column "));
	}
}

static void test_depth(void **state)
{
	char deep[5000], arena[5000];
	struct json_field f[1] = {{.name = "a"}};
	struct err err;
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(deep, sizeof(deep), "{\"a\":");
	/* Far deeper than any log line: refused, not a stack overflow. */
	for (int i = 0; i < 2400; i++)
		deep[n++] = '[';
	for (int i = 0; i < 2400; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_int_equal(scan(deep, f, 1, arena, &err), -1);
	assert_non_null(strstr(err.msg, "column "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
