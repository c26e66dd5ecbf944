/* logrank_test.c - the log-rank test on a textbook example and the
 * incomplete gamma function against known values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/gammainc.h"
#include "analysis/logrank.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* Remission times in weeks of 42 leukaemia patients (Freireich et al.,
 * Blood 21:699, 1963; the "gehan" data). Kleinbaum & Klein, Survival
 * Analysis: A Self-Learning Text (3rd ed., 2012), chapter 2, compute the
 * log-rank statistic for 6-MP vs placebo by hand: O1 = 9, E1 = 19.25,
 * O2 = 21, E2 = 10.75, chi-square 16.79 on 1 df (R's survdiff: 16.8,
 * p = 4.17e-05). */
static void test_logrank_gehan(void **state)
{
	static const struct surv_obs mp6[] = {
		{6, true},   {6, true},   {6, true},   {6, false},  {7, true},   {9, false},  {10, true},
		{10, false}, {11, false}, {13, true},  {16, true},  {17, false}, {19, false}, {20, false},
		{22, true},  {23, true},  {25, false}, {32, false}, {32, false}, {34, false}, {35, false},
	};
	static const struct surv_obs placebo[] = {
		{1, true},  {1, true},  {2, true},  {2, true},  {3, true},  {4, true},  {4, true},
		{5, true},  {5, true},  {8, true},  {8, true},  {8, true},  {8, true},  {11, true},
		{11, true}, {12, true}, {12, true}, {15, true}, {17, true}, {22, true}, {23, true},
	};
	const struct surv_obs *g[] = {mp6, placebo};
	size_t n[] = {21, 21};
	struct logrank lr;
	struct err err;

	(void)state;
	assert_int_equal(logrank_test(g, n, 2, &lr, &err), 0);
	assert_int_equal(lr.df, 1);
	NEAR(lr.chi2, 16.79, 0.01);
	NEAR(lr.p, 4.17e-5, 0.01e-5);
	/* The statistic does not depend on the order of the groups. */
	{
		const struct surv_obs *r[] = {placebo, mp6};
		struct logrank lr2;

		assert_int_equal(logrank_test(r, n, 2, &lr2, &err), 0);
		NEAR(lr2.chi2, lr.chi2, 1e-9);
	}
}

/* Three groups; an empty fourth is left out (df stays 2). The statistic
 * with k groups equals the two-group one when a third group is a copy
 * with no subjects; and identical groups give chi2 = 0, p = 1. */
static void test_logrank_k_groups(void **state)
{
	static const struct surv_obs a[] = {{1, true}, {2, true}, {3, false}, {4, true}};
	static const struct surv_obs b[] = {{1, true}, {2, true}, {3, false}, {4, true}};
	static const struct surv_obs c[] = {{5, true}, {6, true}, {7, true}, {8, false}};
	const struct surv_obs *same[] = {a, b};
	const struct surv_obs *three[] = {a, b, c, NULL};
	size_t n2[] = {4, 4}, n4[] = {4, 4, 4, 0};
	struct logrank lr;
	struct err err;

	(void)state;
	assert_int_equal(logrank_test(same, n2, 2, &lr, &err), 0);
	NEAR(lr.chi2, 0, 1e-12);
	NEAR(lr.p, 1, 1e-12);
	assert_int_equal(logrank_test(three, n4, 4, &lr, &err), 0);
	assert_int_equal(lr.df, 2);
	assert_true(lr.chi2 > 5);
	/* one group only, no events: errors, not numbers */
	assert_int_equal(logrank_test(same, n2, 1, &lr, &err), -1);
	{
		static const struct surv_obs cens[] = {{3, false}};
		const struct surv_obs *g[] = {cens, cens};
		size_t n[] = {1, 1};

		assert_int_equal(logrank_test(g, n, 2, &lr, &err), -1);
	}
}

static void test_gammainc_known(void **state)
{
	(void)state;
	/* P(1, x) = 1 - e^-x; P(1/2, x) = erf(sqrt x) */
	for (double x = 0.01; x < 40; x *= 1.7) {
		NEAR(gammainc_p(1, x), 1 - exp(-x), 1e-13);
		NEAR(gammainc_p(0.5, x), erf(sqrt(x)), 1e-13);
		NEAR(gammainc_p(3.5, x) + gammainc_q(3.5, x), 1, 1e-13);
	}
	/* P(n, x) = 1 - e^-x sum_{k<n} x^k/k!: n = 3, x = 2 gives 1 - 5e^-2 */
	NEAR(gammainc_p(3, 2), 1 - 5 * exp(-2), 1e-14);
	/* Chi-square critical values at 5 % (standard tables) */
	NEAR(chisq_sf(3.841458820694124, 1), 0.05, 1e-12);
	NEAR(chisq_sf(5.991464547107979, 2), 0.05, 1e-12);
	NEAR(chisq_sf(11.070497693516351, 5), 0.05, 1e-12);
	NEAR(chisq_sf(18.307038053275146, 10), 0.05, 1e-12);
	NEAR(chisq_sf(124.34211340400407, 100), 0.05, 1e-10);
	/* ... and at 1 % */
	NEAR(chisq_sf(6.6348966010212145, 1), 0.01, 1e-12);
	NEAR(chisq_sf(0, 3), 1, 0);
	assert_true(isnan(gammainc_p(-1, 1)));
	assert_true(isnan(gammainc_q(1, -1)));
	NEAR(gammainc_q(2, INFINITY), 0, 0);
	/* far tail: Q(1/2, 50) = erfc(sqrt 50) */
	NEAR(gammainc_q(0.5, 50) / erfc(sqrt(50)), 1, 1e-10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logrank_gehan),
		cmocka_unit_test(test_logrank_k_groups),
		cmocka_unit_test(test_gammainc_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
