/* treatment_test.c - seeded stratified assignment: balanced, reproducible,
 * independent of input order and of other strata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/treatment.h"

#define N 1000

static void make_units(struct assign_unit *u, size_t n, int nstrata)
{
	for (size_t i = 0; i < n; i++) {
		memset(&u[i], 0, sizeof(u[i]));
		snprintf(u[i].unit, sizeof(u[i].unit), "10.%zu.%zu.%zu", i / 65536, (i / 256) % 256, i % 256);
		snprintf(u[i].stratum, sizeof(u[i].stratum), "AS%zu", 64500 + i % (size_t)nstrata);
	}
}

static size_t group_of(const struct assign_unit *u, size_t n, const char *unit)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(u[i].unit, unit) == 0)
			return u[i].group;
	fail();
	return 0;
}

static void test_balanced_per_stratum(void **state)
{
	static struct assign_unit u[N];
	size_t count[7][3] = {{0}};

	(void)state;
	make_units(u, N, 7);
	treatment_assign(u, N, 3, 42);
	for (size_t i = 0; i < N; i++) {
		assert_true(u[i].group < 3);
		count[atoi(u[i].stratum + 2) - 64500][u[i].group]++;
	}
	for (int s = 0; s < 7; s++) {
		size_t lo = count[s][0], hi = count[s][0];

		for (int g = 1; g < 3; g++) {
			lo = count[s][g] < lo ? count[s][g] : lo;
			hi = count[s][g] > hi ? count[s][g] : hi;
		}
		assert_true(hi - lo <= 1);
	}
}

static void test_reproducible_and_order_free(void **state)
{
	static struct assign_unit a[N], b[N], c[N];
	size_t differ = 0;

	(void)state;
	make_units(a, N, 5);
	make_units(b, N, 5);
	make_units(c, N, 5);
	/* b in reverse order */
	for (size_t i = 0; i < N / 2; i++) {
		struct assign_unit t = b[i];

		b[i] = b[N - 1 - i];
		b[N - 1 - i] = t;
	}
	treatment_assign(a, N, 3, 42);
	treatment_assign(b, N, 3, 42);
	treatment_assign(c, N, 3, 43);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(group_of(b, N, a[i].unit), a[i].group);
		differ += group_of(c, N, a[i].unit) != a[i].group;
	}
	/* another seed is another randomization: about 2/3 differ */
	assert_true(differ > N / 2);
	/* dropping one stratum does not move units of the others */
	{
		static struct assign_unit d[N];
		size_t m = 0;

		make_units(d, N, 5);
		for (size_t i = 0; i < N; i++)
			if (strcmp(d[i].stratum, "AS64500") != 0)
				d[m++] = d[i];
		treatment_assign(d, m, 3, 42);
		for (size_t i = 0; i < m; i++)
			assert_int_equal(group_of(a, N, d[i].unit), d[i].group);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_balanced_per_stratum),
		cmocka_unit_test(test_reproducible_and_order_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
