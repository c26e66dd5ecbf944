/* population_test.c - the population table: quoting, checks, lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "report/contacts.h"
#include "report/population.h"

static void parses_quoted_rows(void **state)
{
	const char *t = "cc,country,population,year,source\r\n"
			"NL,Netherlands,17942900,2024,\"Eurostat, 1 January 2024\"\r\n"
			"KR,\"Korea, Republic of\",51000000,2020,census\n";
	struct err err;
	struct population *p = population_parse(t, strlen(t), "p.csv", &err);
	const struct population_row *r;

	(void)state;
	assert_non_null(p);
	assert_int_equal(population_count(p), 2);
	r = population_find(p, "nl");
	assert_non_null(r);
	assert_int_equal(r->population, 17942900);
	assert_int_equal(r->year, 2024);
	assert_string_equal(r->source, "Eurostat, 1 January 2024");
	assert_string_equal(population_find(p, "KR")->country, "Korea, Republic of");
	assert_null(population_find(p, "DE"));
	population_free(p);
}

static void rejects_bad_tables(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"cc,name,population,year,source\n", "p.csv:1: header must be cc,country,population,year,source"},
		{"cc,country,population,year,source\nNL,N,0,2024,x\n", "p.csv:2: not a population: 0"},
		{"cc,country,population,year,source\nNL,N,5,24,x\n", "p.csv:2: not a year: 24"},
		{"cc,country,population,year,source\nNL,N,5,2024,\n", "p.csv:2: every row needs its source (at most 159 bytes)"},
		{"cc,country,population,year,source\nnl,N,5,2024,x\n", "p.csv:2: not an upper-case ISO 3166 alpha-2 code: nl"},
		{"cc,country,population,year,source\nNL,N,5,2024,x\nNL,N,6,2024,x\n", "p.csv:3: NL listed twice"},
		{"cc,country,population,year,source\nNL,\"N,5,2024,x\n", "p.csv:2:4: bad CSV quoting"},
		{"", "p.csv: empty"},
	};
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(population_parse(bad[i].text, strlen(bad[i].text), "p.csv", &err));
		assert_string_equal(err.msg, bad[i].msg);
	}
}

static void contact_lists(void **state)
{
	(void)state;
	assert_true(contacts_valid_list("abuse@a.example"));
	assert_true(contacts_valid_list("abuse@a.example,noc@b.example"));
	assert_false(contacts_valid_list(""));
	assert_false(contacts_valid_list("abuse@a.example,"));
	assert_false(contacts_valid_list("abuse@a.example\r\nBcc: x@y"));
	assert_false(contacts_valid_list("Abuse Desk <abuse@a.example>"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_quoted_rows),
		cmocka_unit_test(rejects_bad_tables),
		cmocka_unit_test(contact_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
