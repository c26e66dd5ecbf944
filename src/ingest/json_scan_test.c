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
				   "\"n\":-12,\"d\":1.5e1,\"t\":true,\"a2\":[],\"a\":\"last\",\"r\":2.5}";
	struct json_field f[6] = {{.name = "a"}, {.name = "n"}, {.name = "d"}, {.name = "t"}, {.name = "missing"},
				  {.name = "r"}};
	char arena[sizeof(line)];
	struct err err;

	(void)state;
	assert_int_equal(scan(line, f, 6, arena, &err), 0);
	assert_int_equal(f[0].type, JS_STRING);
	assert_string_equal(f[0].str, "last"); /* a repeated key keeps its last value */
	assert_int_equal(f[1].type, JS_NUMBER);
	assert_true(f[1].is_int);
	assert_int_equal(f[1].ival, -12);
	assert_true(f[2].is_int); /* JSON has one number type: 1.5e1 is the whole number 15 */
	assert_int_equal(f[2].ival, 15);
	assert_true(f[2].num == 15.0);
	assert_int_equal(f[3].type, JS_TRUE);
	assert_int_equal(f[4].type, JS_ABSENT);
	assert_int_equal(f[5].type, JS_NUMBER);
	assert_false(f[5].is_int);
	assert_true(f[5].num == 2.5);
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
		"",		 "[1]",		 "{\"a\":}",	   "{\"a\":1,}",	 "{\"a\" 1}",
		"{\"a\":tru}",	 "{\"a\":\"\\x\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"x}",	 "{\"a\":1} x",
		"{\"a\":[1,2}", "{\"a\":-}",	 "{\"a\":1e}",	   "{\"a\":.5}",	 "{\"a\":0x10}",
		"{\"a\":NaN}",	 "{\"a\":\"\\u0000\" x", "{\"a\":1}]",
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

/* What the parser (cJSON) takes that a strict one refuses: numbers with a
 * leading zero or a bare trailing point, raw control characters and bytes
 * that are not UTF-8 inside strings. Cowrie does not write them; the event
 * model escapes such bytes when the text is stored (core/event.c). */
static void test_lenient(void **state)
{
	struct json_field f[1] = {{.name = "a"}};
	char arena[64];
	struct err err;

	(void)state;
	assert_int_equal(scan("{\"a\":01}", f, 1, arena, &err), 0);
	assert_int_equal(f[0].ival, 1);
	assert_int_equal(scan("{\"a\":1.}", f, 1, arena, &err), 0);
	assert_true(f[0].is_int);
	assert_int_equal(scan("{\"a\":\"\t\xff\"}", f, 1, arena, &err), 0);
	assert_int_equal(f[0].len, 2);
	assert_memory_equal(f[0].str, "\t\xff", 2);
	assert_int_equal(scan("{\"a\":1e999}", f, 1, arena, &err), 0);
	assert_false(f[0].is_int); /* infinite: no integer */
}

/* \u0000 inside a string keeps its bytes and length (through jansson, as
 * cJSON's strings end at NUL); a raw NUL byte is an error. */
static void test_nul(void **state)
{
	static const char line[] = "{\"a\":\"ab\\u0000cd\",\"b\":2}";
	static const char raw[] = "{\"a\":\"ab\0cd\"}";
	struct json_field f[2] = {{.name = "a"}, {.name = "b"}};
	char arena[64];
	struct err err;

	(void)state;
	assert_int_equal(json_scan_object(line, sizeof(line) - 1, f, 2, arena, &err), 0);
	assert_int_equal(f[0].type, JS_STRING);
	assert_int_equal(f[0].len, 5);
	assert_memory_equal(f[0].str, "ab\0cd", 5);
	assert_true(f[1].is_int);
	assert_int_equal(f[1].ival, 2);
	assert_int_equal(json_scan_object(raw, sizeof(raw) - 1, f, 1, arena, &err), -1);
	assert_non_null(strstr(err.msg, "column "));
}

/* The error names the column where parsing stopped. */
static void test_error_column(void **state)
{
	struct json_field f[1] = {{.name = "a"}};
	char arena[64];
	struct err err;

	(void)state;
	assert_int_equal(scan("{\"a\":}", f, 1, arena, &err), -1);
	assert_non_null(strstr(err.msg, "column 6"));
	assert_int_equal(scan("{\"a\":1}  x", f, 1, arena, &err), -1);
	assert_non_null(strstr(err.msg, "column 10"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_error_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
