/* store_experiments_test.c - the store operations behind clean-up
 * measurement: idempotent observation imports (also over sensor rows),
 * the observation span, (ip, day) ordering, treatments that never change
 * once set, and notifications recorded once; over every backend
 * (test_store.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "store/store.h"
#include "store/test_store.h"

static void imported(struct observation *o, const char *ip, int64_t day, uint32_t asn, const char *treatment)
{
	memset(o, 0, sizeof(*o));
	ipaddr_parse(ip, strlen(ip), &o->ip);
	o->day = day;
	o->first_us = o->last_us = day * US_PER_DAY;
	o->events = 1;
	o->net.asn = asn;
	snprintf(o->treatment, sizeof(o->treatment), "%s", treatment);
	snprintf(o->source, sizeof(o->source), "import");
}

struct rows {
	struct observation o[16];
	int n;
};

static int keep(const struct observation *o, void *arg)
{
	struct rows *r = arg;

	if (r->n < 16)
		r->o[r->n] = *o;
	r->n++;
	return 0;
}

static void test_import_idempotent(void **state)
{
	struct store *s = store_open(test_store.target, STORE_CREATE, NULL);
	struct observation o[3], sensor;
	struct obs_filter f;
	struct rows r = {.n = 0};
	struct err err;
	size_t added = 99;
	int64_t first, last;
	bool found;

	(void)state;
	assert_non_null(s);
	assert_int_equal(store_observation_span(s, &first, &last, &found, &err), 0);
	assert_false(found);
	/* a sensor row first: the import must not add to its counts */
	imported(&sensor, "10.0.0.9", 20003, 0, "");
	snprintf(sensor.source, sizeof(sensor.source), "sensor");
	sensor.events = 5;
	sensor.first_us = 20003 * US_PER_DAY + 3600 * US_PER_SEC;
	sensor.last_us = sensor.first_us + 60 * US_PER_SEC;
	assert_int_equal(store_upsert_observation(s, &sensor, &err), 0);

	imported(&o[0], "10.0.0.9", 20003, 64500, "email");
	imported(&o[1], "10.0.0.2", 20001, 0, "");
	imported(&o[2], "10.0.0.2", 20000, 64501, "control");
	assert_int_equal(store_upsert_observations(s, o, 3, &added, &err), 0);
	assert_int_equal(added, 2);
	assert_int_equal(store_upsert_observations(s, o, 3, &added, &err), 0);
	assert_int_equal(added, 0);

	obs_filter_init(&f);
	f.by_ip = true;
	assert_int_equal(store_query_observations(s, &f, keep, &r, &err), 0);
	assert_int_equal(r.n, 3);
	/* by (ip, day): 10.0.0.2 day 20000, 20001, then 10.0.0.9 */
	assert_int_equal(r.o[0].day, 20000);
	assert_int_equal(r.o[1].day, 20001);
	assert_int_equal(r.o[2].day, 20003);
	assert_string_equal(r.o[0].treatment, "control");
	assert_string_equal(r.o[0].source, "import");
	assert_int_equal(r.o[1].events, 1);
	/* the sensor row kept its counts and times, and gained the missing details */
	assert_string_equal(r.o[2].source, "sensor");
	assert_int_equal(r.o[2].events, 5);
	assert_int_equal(r.o[2].first_us, sensor.first_us);
	assert_int_equal(r.o[2].net.asn, 64500);
	assert_string_equal(r.o[2].treatment, "email");
	assert_int_equal(store_observation_span(s, &first, &last, &found, &err), 0);
	assert_true(found);
	assert_int_equal(first, 20000);
	assert_int_equal(last, 20003);
	store_close(s);
}

static int count_treatments(const struct treatment *t, void *arg)
{
	int *n = arg;

	if (strcmp(t->unit, "10.0.0.2") == 0)
		assert_string_equal(t->group, "a"); /* the first assignment stays */
	(*n)++;
	return 0;
}

static int count_notifications(const struct notification *n, void *arg)
{
	(void)n;
	(*(int *)arg)++;
	return 0;
}

static void test_treatments_and_notifications(void **state)
{
	struct store *s = store_open(test_store.target, STORE_CREATE, NULL);
	struct treatment t[2];
	struct notification n;
	bool added[2], one;
	struct err err;
	int count = 0;

	(void)state;
	assert_non_null(s);
	memset(t, 0, sizeof(t));
	snprintf(t[0].unit, sizeof(t[0].unit), "10.0.0.2");
	snprintf(t[0].group, sizeof(t[0].group), "a");
	snprintf(t[1].unit, sizeof(t[1].unit), "AS64500");
	snprintf(t[1].group, sizeof(t[1].group), "b");
	t[0].day = t[1].day = 20000;
	assert_int_equal(store_put_treatments(s, t, 2, added, &err), 0);
	assert_true(added[0] && added[1]);
	snprintf(t[0].group, sizeof(t[0].group), "b");
	assert_int_equal(store_put_treatments(s, t, 1, added, &err), 0);
	assert_false(added[0]);
	assert_int_equal(store_query_treatments(s, count_treatments, &count, &err), 0);
	assert_int_equal(count, 2);

	memset(&n, 0, sizeof(n));
	ipaddr_parse("10.0.0.2", 8, &n.ip);
	n.day = 20001;
	snprintf(n.channel, sizeof(n.channel), "feed");
	assert_int_equal(store_record_notification(s, &n, &one, &err), 0);
	assert_true(one);
	assert_int_equal(store_record_notification(s, &n, &one, &err), 0);
	assert_false(one);
	snprintf(n.channel, sizeof(n.channel), "email");
	assert_int_equal(store_record_notification(s, &n, &one, &err), 0);
	count = 0;
	assert_int_equal(store_query_notifications(s, count_notifications, &count, &err), 0);
	assert_int_equal(count, 2);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_import_idempotent),
		STORE_TEST(test_treatments_and_notifications),
	};
	return test_store_run("store_experiments", tests, sizeof(tests) / sizeof(tests[0]));
}
