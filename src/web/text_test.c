/* Unit test for the dashboard's text tables: every language has every
 * string, with the same printf conversions in the same order as English
 * (a translation that drops or swaps a %s would crash or garble a page). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "web/text.h"

static void conversions(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; *s && k + 1 < n; s++)
		if (*s == '%') {
			s++;
			if (*s == '%')
				continue;
			while (*s && strchr("0123456789.-+ ", *s))
				s++;
			out[k++] = *s;
			if (!*s)
				break;
		}
	out[k] = '\0';
}

static void test_tables_complete(void **state)
{
	const char *const *tables[] = {text_en, text_nl};
	char want[32], got[32];

	(void)state;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (int id = 0; id < T_COUNT; id++) {
			if (!tables[t][id])
				fail_msg("table %zu misses text %d", t, id);
			conversions(text_en[id], want, sizeof(want));
			conversions(tables[t][id], got, sizeof(got));
			if (strcmp(want, got) != 0)
				fail_msg("table %zu text %d: conversions \"%s\", English has \"%s\"", t, id, got, want);
		}
	assert_int_equal(text_set_language("nl"), 0);
	assert_string_equal(text(T_LANG), "nl");
	assert_int_equal(text_set_language("xx"), -1);
	assert_string_equal(text(T_LANG), "nl");
	assert_int_equal(text_set_language("en"), 0);
	assert_string_equal(text(T_NAV_FAMILIES), "Malware families");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_tables_complete)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
