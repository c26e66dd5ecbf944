/* Unit tests for SVG charts and the bounded string buffer under them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_strbuf_ceiling_leaves_no_half_state(void **state)
{
	struct strbuf b;

	(void)state;
	strbuf_init(&b, 10);
	assert_int_equal(strbuf_puts(&b, "12345"), 0);
	assert_int_equal(strbuf_puts(&b, "678901"), -1); /* would be 11 */
	assert_true(b.overflow);
	assert_string_equal(b.data, "12345");
	assert_int_equal(strbuf_xml_escape(&b, "<<"), -1); /* "&lt;&lt;" is 8 */
	assert_string_equal(b.data, "12345");
	assert_int_equal(strbuf_printf(&b, "%d", 42), 0);
	assert_string_equal(b.data, "1234542");
	strbuf_free(&b);
}

static void test_line_chart_escapes_and_draws_each_series(void **state)
{
	double x[] = {20000, 20001, 20002}, y1[] = {1, 0.5, 0.25}, y2[] = {1, 0.9, 0.8};
	double lo[] = {1, 0.4, 0.1}, hi[] = {1, 0.6, 0.4};
	struct chart_series s[] = {{"walled <garden>", x, y1, lo, hi, 3, true}, {"email & control", x, y2, NULL, NULL, 3, false}};
	struct chart c = {.title = "Survival \"KM\"", .x_is_day = true, .y_min = 0, .y_max = 1};
	struct strbuf b;

	(void)state;
	strbuf_init(&b, 0);
	assert_int_equal(chart_lines(&b, &c, s, 2), 0);
	assert_true(strncmp(b.data, "<svg ", 5) == 0);
	assert_non_null(strstr(b.data, "</svg>"));
	assert_int_equal(count(b.data, "<polyline"), 2);
	assert_int_equal(count(b.data, "<polygon"), 1); /* the band of the first */
	assert_non_null(strstr(b.data, "walled &lt;garden&gt;"));
	assert_non_null(strstr(b.data, "email &amp; control"));
	assert_non_null(strstr(b.data, "Survival &quot;KM&quot;"));
	assert_non_null(strstr(b.data, "2024-10-04")); /* day 20000 on the axis */
	assert_null(strstr(b.data, "<script"));
	strbuf_free(&b);
}

static void test_bars_and_empty(void **state)
{
	struct chart_bar bars[] = {{"NL", 4812}, {"DE", 80.5}, {"BE", 1.18644}};
	struct chart c = {.title = "per million"};
	struct strbuf b;

	(void)state;
	strbuf_init(&b, 0);
	assert_int_equal(chart_bars(&b, &c, bars, 3), 0);
	assert_int_equal(count(b.data, "<rect"), 3);
	assert_non_null(strstr(b.data, ">80.5<"));
	assert_non_null(strstr(b.data, ">4812<")); /* no exponent */
	assert_non_null(strstr(b.data, ">1.19<")); /* rounded */
	/* A long label widens the margin and is cut with an ellipsis. */
	struct chart_bar longbar = {"AS64498 Example Telecommunications Network Operator DE", 3};
	strbuf_reset(&b);
	assert_int_equal(chart_bars(&b, &c, &longbar, 1), 0);
	assert_non_null(strstr(b.data, ">AS64498 Example Telecommunications Netw\xe2\x80\xa6<"));
	assert_non_null(strstr(b.data, "x=\"296.0\""));
	strbuf_reset(&b);
	assert_int_equal(chart_lines(&b, &c, NULL, 0), 0);
	assert_non_null(strstr(b.data, "no data"));
	strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_ceiling_leaves_no_half_state),
		cmocka_unit_test(test_line_chart_escapes_and_draws_each_series),
		cmocka_unit_test(test_bars_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
