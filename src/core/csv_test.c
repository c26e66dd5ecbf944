/* csv_test.c - RFC 4180 splitting and quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"

static void split_plain_and_quoted(void **state)
{
	const char *line = "64500,\"a \"\"b\"\", c\",,x";
	char buf[64], *f[8];
	int n;

	(void)state;
	n = csv_split(line, strlen(line), buf, f, 8, NULL);
	assert_int_equal(n, 4);
	assert_string_equal(f[0], "64500");
	assert_string_equal(f[1], "a \"b\", c");
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "x");
}

static void split_errors(void **state)
{
	char buf[64], *f[2];
	size_t bad = 0;

	(void)state;
	assert_int_equal(csv_split("\"open", 5, buf, f, 2, &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(csv_split("\"a\"b", 4, buf, f, 2, &bad), -1);
	assert_int_equal(bad, 3);
	assert_int_equal(csv_split("a,b,c", 5, buf, f, 2, &bad), -1);
}

static void put_text_escapes(void **state)
{
	struct strbuf b;

	(void)state;
	strbuf_init(&b, 0);
	csv_put_text(&b, "say \"hi\"\r\nX-Header: 1");
	assert_string_equal(b.data, "\"say \"\"hi\"\"  X-Header: 1\"");
	strbuf_reset(&b);
	csv_put_text(&b, NULL);
	assert_string_equal(b.data, "\"\"");
	strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_plain_and_quoted),
		cmocka_unit_test(split_errors),
		cmocka_unit_test(put_text_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
