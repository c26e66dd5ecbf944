/* episodes_test.c - episode building: gaps, censoring, next episodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/episodes.h"

struct got {
	struct episode e[16];
	int n;
};

static int keep(const struct episode *e, void *arg)
{
	struct got *g = arg;

	g->e[g->n++] = *e;
	return 0;
}

static void obs(struct observation *o, const char *ip, int64_t day, const char *family)
{
	memset(o, 0, sizeof(*o));
	ipaddr_parse(ip, strlen(ip), &o->ip);
	o->day = day;
	strcpy(o->family, family);
}

/* Gap G = 3 (days without a sighting that still continue), data_end = 30.
 *   10.0.0.1: days 1 2 5 (2 silent days <= G: joined) | 10 (4 silent days > G: new) 11
 *     -> [1,5] cleaned (30-5 > 3), 5 days, next episode starts day 10
 *     -> [10,11] cleaned, 2 days, no next
 *   10.0.0.2: days 26 27 -> 30-27 = 3, not > G: censored at 30-26+1 = 5
 *   10.0.0.3: day 30 -> censored at 1 (the one-observation case)
 *   10.0.0.4: day 3 only -> cleaned, 1 day */
static void test_episodes_gaps_and_censoring(void **state)
{
	static const struct {
		const char *ip;
		int64_t day;
		const char *fam;
	} in[] = {{"10.0.0.1", 1, ""},  {"10.0.0.1", 2, "mirai"}, {"10.0.0.1", 5, "gafgyt"}, {"10.0.0.1", 10, ""},
		  {"10.0.0.1", 11, ""}, {"10.0.0.2", 26, ""},     {"10.0.0.2", 27, ""},      {"10.0.0.3", 30, ""},
		  {"10.0.0.4", 3, ""}};
	struct episode_builder b;
	struct got g = {.n = 0};
	struct observation o;

	(void)state;
	episodes_init(&b, 3, 30, keep, &g);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		obs(&o, in[i].ip, in[i].day, in[i].fam);
		assert_int_equal(episodes_add(&b, &o), 0);
	}
	obs(&o, "10.0.0.4", 3, ""); /* a duplicate day is skipped, counted */
	episodes_add(&b, &o);
	assert_int_equal(episodes_finish(&b), 0);
	assert_int_equal(b.out_of_order, 1);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.e[0].first_day, 1);
	assert_int_equal(g.e[0].last_day, 5);
	assert_int_equal(g.e[0].days, 3);
	assert_true(g.e[0].cleaned);
	assert_int_equal(g.e[0].duration, 5);
	assert_true(g.e[0].has_next);
	assert_int_equal(g.e[0].next_first_day, 10);
	assert_string_equal(g.e[0].family, "mirai"); /* the first known one */
	assert_int_equal(g.e[1].first_day, 10);
	assert_int_equal(g.e[1].duration, 2);
	assert_true(g.e[1].cleaned);
	assert_false(g.e[1].has_next);
	assert_false(g.e[2].cleaned);
	assert_int_equal(g.e[2].duration, 5);
	assert_false(g.e[3].cleaned);
	assert_int_equal(g.e[3].duration, 1);
	assert_true(g.e[4].cleaned);
	assert_int_equal(g.e[4].duration, 1);
}

static void test_episode_classify_boundary(void **state)
{
	int64_t d;
	bool cleaned;

	(void)state;
	/* data_end - last == G: only G silent days so far, a sighting the
	 * next day would still join: censored */
	episode_classify(10, 13, 20, 7, &d, &cleaned);
	assert_false(cleaned);
	assert_int_equal(d, 11);
	/* one more day of data: cleaned, duration last - first + 1 */
	episode_classify(10, 13, 21, 7, &d, &cleaned);
	assert_true(cleaned);
	assert_int_equal(d, 4);
}

static void test_episodes_gap_zero_joins_consecutive_days_only(void **state)
{
	struct episode_builder b;
	struct got g = {.n = 0};
	struct observation o;
	static const int64_t days[] = {1, 2, 3, 5};

	(void)state;
	episodes_init(&b, 0, 9, keep, &g);
	for (size_t i = 0; i < 4; i++) {
		obs(&o, "10.0.0.9", days[i], "");
		assert_int_equal(episodes_add(&b, &o), 0);
	}
	assert_int_equal(episodes_finish(&b), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.e[0].last_day, 3);
	assert_int_equal(g.e[0].days, 3);
	assert_true(g.e[0].has_next);
	assert_int_equal(g.e[1].first_day, 5);
}

static void test_episodes_empty(void **state)
{
	struct episode_builder b;
	struct got g = {.n = 0};

	(void)state;
	episodes_init(&b, 7, 0, keep, &g);
	assert_int_equal(episodes_finish(&b), 0);
	assert_int_equal(g.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_episodes_gaps_and_censoring),
		cmocka_unit_test(test_episodes_gap_zero_joins_consecutive_days_only),
		cmocka_unit_test(test_episode_classify_boundary),
		cmocka_unit_test(test_episodes_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
