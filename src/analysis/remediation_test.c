/* remediation_test.c - remediation_compute on small stores computed by
 * hand: grouping (network, country, family, vendor, treatment through the
 * treatments table), reinfection, notifications, and the edge cases (empty
 * store, everything censored). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/remediation.h"
#include "core/timeutil.h"
#include "store/test_db.h"

static struct test_db scratch;

static int setup(void **state)
{
	(void)state;
	if (test_db_make(&scratch, "remed"))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_db_remove(&scratch);
}

static void add(struct store *s, const char *ip, int64_t day, uint32_t asn, const char *cc, const char *family)
{
	struct observation o;
	struct err err;

	memset(&o, 0, sizeof(o));
	ipaddr_parse(ip, strlen(ip), &o.ip);
	o.day = day;
	o.first_us = o.last_us = day * US_PER_DAY;
	o.events = 1;
	o.net.asn = asn;
	snprintf(o.net.cc, sizeof(o.net.cc), "%s", cc);
	snprintf(o.family, sizeof(o.family), "%s", family);
	snprintf(o.source, sizeof(o.source), "import");
	assert_int_equal(store_upsert_observation(s, &o, &err), 0);
}

static const struct remed_group *group(const struct remediation *r, const char *name)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].name, name) == 0)
			return &r->groups[i];
	fail_msg("no group %s", name);
	return NULL;
}

/* Days 0..40 (data_end 40), gap 3, reinfection 10.
 *   A 10.0.0.1 AS1 NL mirai: days 0 1 2 | 8 9 | 30     -> [0,2] cleaned 3 d, next at 8 (8-2 = 6 <= 10,
 *                                                          followed: 40-2 >= 10: reinfected);
 *                                                          [8,9] cleaned 2 d, next at 30 (21 > 10: not);
 *                                                          [30] cleaned 1 d (40-30 = 10 > 3), followed
 *                                                          (40-30 >= 10), no next
 *   B 10.0.0.2 AS2 DE gafgyt: days 5 6                  -> cleaned 2 d, followed, not reinfected
 *   C 10.0.0.3 AS2 DE mirai: days 38 40                 -> censored at 40-38+1 = 3 d
 * By network: AS1 3 episodes all cleaned (3, 2, 1 d), reinfected 1 of 3 followed;
 *             AS2 2 episodes, 1 cleaned (2 d), 1 censored (3 d).
 * AS2's curve: day 2 at risk 2, 1 event -> S = 0.5 (median 2); S(14) = 0.5. */
static void test_groups_and_reinfection(void **state)
{
	struct store *s = store_open(scratch.path, STORE_CREATE, NULL);
	struct remed_opts o;
	struct remediation r;
	struct device d;
	struct err err;
	const struct remed_group *g;

	(void)state;
	assert_non_null(s);
	for (int day = 0; day <= 2; day++)
		add(s, "10.0.0.1", day, 1, "NL", "mirai");
	add(s, "10.0.0.1", 8, 1, "NL", "mirai");
	add(s, "10.0.0.1", 9, 1, "NL", "mirai");
	add(s, "10.0.0.1", 30, 1, "NL", "mirai");
	add(s, "10.0.0.2", 5, 2, "DE", "gafgyt");
	add(s, "10.0.0.2", 6, 2, "DE", "gafgyt");
	add(s, "10.0.0.3", 38, 2, "DE", "mirai");
	add(s, "10.0.0.3", 40, 2, "DE", "mirai");
	memset(&d, 0, sizeof(d));
	ipaddr_parse("10.0.0.2", 8, &d.ip);
	snprintf(d.vendor, sizeof(d.vendor), "Hikvision");
	assert_int_equal(store_upsert_device(s, &d, &err), 0);

	remed_opts_init(&o);
	o.gap = 3;
	o.reinfection = 10;
	o.by = REMED_BY_NETWORK;
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_int_equal(r.observations, 10);
	assert_int_equal(r.episodes, 5);
	assert_int_equal(r.data_start, 0);
	assert_int_equal(r.data_end, 40);
	assert_int_equal(r.ngroups, 2);
	g = group(&r, "AS1");
	assert_int_equal(g->episodes, 3);
	assert_int_equal(g->cleaned, 3);
	assert_int_equal(g->followed, 3);
	assert_int_equal(g->reinfected, 1);
	assert_int_equal(g->median, 2); /* S(1) = 2/3, S(2) = 1/3 */
	g = group(&r, "AS2");
	assert_int_equal(g->cleaned, 1);
	assert_int_equal(g->censored, 1);
	assert_int_equal(g->km.n, 1);
	assert_int_equal(g->km.rows[0].day, 2);
	assert_int_equal(g->km.rows[0].at_risk, 2);
	assert_int_equal(g->median, 2);
	assert_true(g->cleaned_within_horizon == 0.5);
	assert_true(r.has_logrank);
	assert_int_equal(r.logrank.df, 1);
	remediation_free(&r);

	o.by = REMED_BY_COUNTRY;
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_string_equal(r.groups[0].name, "DE");
	assert_string_equal(r.groups[1].name, "NL");
	remediation_free(&r);
	o.by = REMED_BY_FAMILY;
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_int_equal(group(&r, "mirai")->episodes, 4);
	assert_int_equal(group(&r, "gafgyt")->episodes, 1);
	remediation_free(&r);
	o.by = REMED_BY_VENDOR;
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_int_equal(group(&r, "Hikvision")->episodes, 1);
	assert_int_equal(group(&r, "unknown")->episodes, 4);
	remediation_free(&r);
	store_close(s);
}

/* Treatment through the table: 10.0.0.1 by its IP (assigned on day 5, so
 * its episode [0,1] is untreated and [20,21] treated), 10.0.0.2 by its
 * network AS2. A notification on day 20 marks the treated episode. */
static void test_treatment_and_notification(void **state)
{
	struct store *s = store_open(scratch.path, STORE_CREATE, NULL);
	struct treatment t[2];
	struct notification n;
	struct remed_opts o;
	struct remediation r;
	struct err err;

	(void)state;
	assert_non_null(s);
	add(s, "10.0.0.1", 0, 1, "", "");
	add(s, "10.0.0.1", 1, 1, "", "");
	add(s, "10.0.0.1", 20, 1, "", "");
	add(s, "10.0.0.1", 21, 1, "", "");
	add(s, "10.0.0.2", 3, 2, "", "");
	add(s, "10.0.0.3", 40, 0, "", "");
	memset(t, 0, sizeof(t));
	snprintf(t[0].unit, sizeof(t[0].unit), "10.0.0.1");
	snprintf(t[0].group, sizeof(t[0].group), "email");
	t[0].day = 5;
	snprintf(t[1].unit, sizeof(t[1].unit), "AS2");
	snprintf(t[1].group, sizeof(t[1].group), "control");
	t[1].day = 0;
	assert_int_equal(store_put_treatments(s, t, 2, NULL, &err), 0);
	memset(&n, 0, sizeof(n));
	ipaddr_parse("10.0.0.1", 8, &n.ip);
	n.day = 20;
	snprintf(n.channel, sizeof(n.channel), "feed");
	assert_int_equal(store_record_notification(s, &n, NULL, &err), 0);

	remed_opts_init(&o);
	o.by = REMED_BY_TREATMENT;
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_int_equal(r.ngroups, 3);
	assert_int_equal(group(&r, "email")->episodes, 1);
	assert_int_equal(group(&r, "email")->notified, 1);
	assert_int_equal(group(&r, "control")->episodes, 1);
	assert_int_equal(group(&r, "unassigned")->episodes, 2);
	assert_false(group(&r, "unassigned")->in_test);
	assert_int_equal(group(&r, "unassigned")->notified, 0);
	remediation_free(&r);
	store_close(s);
}

static void test_empty_and_all_censored(void **state)
{
	struct store *s = store_open(scratch.path, STORE_CREATE, NULL);
	struct remed_opts o;
	struct remediation r;
	struct err err;

	(void)state;
	assert_non_null(s);
	remed_opts_init(&o);
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_false(r.has_data);
	assert_int_equal(r.ngroups, 0);
	assert_false(r.has_logrank);
	remediation_free(&r);
	/* two IPs seen within the gap of the end: both censored, no test */
	add(s, "10.0.0.1", 10, 1, "", "");
	add(s, "10.0.0.2", 12, 2, "", "");
	o.by = REMED_BY_NETWORK;
	assert_int_equal(remediation_compute(s, &o, &r, &err), 0);
	assert_int_equal(r.ngroups, 2);
	assert_int_equal(r.groups[0].censored, 1);
	assert_int_equal(r.groups[0].median, -1);
	assert_true(r.groups[0].cleaned_within_horizon == 0);
	assert_false(r.has_logrank);
	assert_non_null(strstr(r.logrank_note, "no events"));
	remediation_free(&r);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_groups_and_reinfection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_treatment_and_notification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_all_censored, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
