/* Unit tests for the dashboard aggregates: distinct devices per group over
 * a period (with more addresses than the hash set's first size), the last
 * day, daily series, the default period end and the manufacturer join. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "analysis/figures.h"
#include "analysis/manufacturers.h"
#include "store/test_db.h"

static struct test_db scratch;
static int64_t d0;

static int setup(void **state)
{
	(void)state;
	if (test_db_make(&scratch, "stats"))
		return -1;
	d0 = time_days_from_civil(2025, 3, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_db_remove(&scratch);
}

/* Host i (0..2999) is 45.0.x.y with y + 256 x = i (a range that may be a device: private ones never are). */
static int host_of(const struct ipaddr *ip)
{
	return ip->b[2] * 256 + ip->b[3];
}

/* The enrichment: NL (AS1) when i is even, else DE (AS2). */
static int lookup(const struct enricher *self, const struct ipaddr *addr, struct enrichment *out)
{
	int i = host_of(addr);

	(void)self;
	memset(out, 0, sizeof(*out));
	out->asn = i % 2 ? 2 : 1;
	strcpy(out->cc, i % 2 ? "DE" : "NL");
	return 0;
}

/* Host i logs in on days d0 + (i % 3) .. d0 + 4 on port 2323 when
 * i % 4 == 0, else 23, family mirai when i % 5 == 0; one transaction. */
static struct store *fill(void)
{
	static const struct enricher enr = {lookup};
	struct err err;
	struct store *s = store_open(scratch.path, STORE_CREATE, &err);
	struct event *evs = calloc(15000, sizeof(*evs));
	size_t n = 0, inserted = 0;

	assert_non_null(s);
	for (int i = 0; i < 3000; i++)
		for (int64_t d = d0 + i % 3; d <= d0 + 4; d++) {
			struct event *ev = &evs[n++];

			event_init(ev);
			ev->time_us = d * US_PER_DAY + i;
			ev->kind = EVENT_LOGIN;
			ev->dst_port = i % 4 ? 23 : 2323;
			ipaddr_from_v4(0x2d000000u + (uint32_t)i, &ev->src);
			strcpy(ev->sensor, "unit");
			strcpy(ev->family, i % 5 == 0 ? "mirai" : "");
		}
	assert_int_equal(store_insert_events(s, evs, n, &enr, &inserted, &err), 0);
	assert_int_equal(inserted, n);
	for (size_t i = 0; i < n; i++)
		event_free(&evs[i]);
	free(evs);
	return s;
}

static const struct figures_row *find(const struct figures_table *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].key, key) == 0)
			return &t->rows[i];
	return NULL;
}

static void test_groups_and_days(void **state)
{
	struct store *s = fill();
	struct figures_period p;
	struct figures_table t;
	struct err err;
	char ccs[1][3] = {"NL"};
	uint64_t counts[5], all[5];

	(void)state;
	/* default end: the last observation day; a 30-day window starts at the data */
	assert_int_equal(figures_period(s, &(struct figures_request){INT64_MIN, INT64_MAX, 30, true}, &p, &err), 0);
	assert_int_equal(p.to_day, d0 + 4);
	assert_int_equal(p.from_day, d0);
	assert_int_equal(p.days, 5);
	assert_false(p.today_left_out);
	/* explicit ends are kept as asked */
	assert_int_equal(figures_period(s, &(struct figures_request){d0 - 3, d0 + 10, 0, true}, &p, &err), 0);
	assert_int_equal(p.from_day, d0 - 3);
	assert_int_equal(p.days, 14);
	assert_int_equal(figures_period(s, &(struct figures_request){INT64_MIN, INT64_MAX, 0, false}, &p, &err), 0);
	assert_int_equal(p.from_day, d0);
	assert_int_equal(p.to_day, d0 + 4);

	figures_table_init(&t);
	assert_int_equal(figures_group(s, &p, FIGURES_BY_COUNTRY, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(find(&t, "NL")->devices, 1500);
	assert_int_equal(find(&t, "DE")->devices, 1500);
	assert_int_equal(find(&t, "NL")->last_day, 1500);
	figures_table_free(&t);

	/* a period of the first two days only: hosts with i % 3 == 2 start later */
	assert_int_equal(figures_period(s, &(struct figures_request){INT64_MIN, d0 + 1, 2, false}, &p, &err), 0);
	figures_table_init(&t);
	assert_int_equal(figures_group(s, &p, FIGURES_BY_NETWORK, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(find(&t, "AS1")->devices, 1000);
	assert_int_equal(find(&t, "AS1")->asn, 1);
	assert_string_equal(find(&t, "AS1")->cc, "NL");
	assert_int_equal(find(&t, "AS1")->last_day, 1000); /* day d0+1: i % 3 in {0, 1} */
	figures_table_free(&t);

	figures_table_init(&t);
	assert_int_equal(figures_period(s, &(struct figures_request){INT64_MIN, d0 + 4, 5, false}, &p, &err), 0);
	assert_int_equal(figures_group(s, &p, FIGURES_BY_FAMILY, &t, &err), 0);
	assert_int_equal(find(&t, "mirai")->devices, 600);
	assert_int_equal(find(&t, "")->devices, 2400);
	assert_string_equal(t.rows[0].key, ""); /* most devices first */
	figures_table_free(&t);

	assert_int_equal(figures_daily(s, &p, ccs, 1, counts, all, &err), 0);
	assert_int_equal(counts[0], 500); /* NL on d0: even i with i % 3 == 0 */
	assert_int_equal(counts[1], 1000);
	assert_int_equal(counts[4], 1500);
	assert_int_equal(all[0], 1000);
	assert_int_equal(all[4], 3000);

	/* drill-down: family mirai in NL only */
	p.filter.has_family = true;
	strcpy(p.filter.family, "mirai");
	strcpy(p.filter.cc, "NL");
	figures_table_init(&t);
	assert_int_equal(figures_group(s, &p, FIGURES_BY_NETWORK, &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(find(&t, "AS1")->devices, 300); /* i % 10 == 0 */
	figures_table_free(&t);
	store_close(s);
}

static void test_ports(void **state)
{
	struct store *s = fill();
	struct figures_period p;
	struct figures_table t;
	struct err err;

	(void)state;
	assert_int_equal(figures_period(s, &(struct figures_request){INT64_MIN, INT64_MAX, 0, false}, &p, &err), 0);
	figures_table_init(&t);
	assert_int_equal(figures_ports(s, &p, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.rows[0].key, "23");
	assert_int_equal(t.rows[0].asn, 23);
	assert_int_equal(t.rows[0].devices, 2250); /* each host once, though seen on up to 5 days */
	assert_int_equal(find(&t, "2323")->devices, 750);
	figures_table_free(&t);

	/* a network: NL is AS1, the even hosts; equal counts sort by port number */
	p.filter.has_asn = true;
	p.filter.asn = 1;
	figures_table_init(&t);
	assert_int_equal(figures_ports(s, &p, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.rows[0].key, "23");
	assert_int_equal(t.rows[0].devices, 750);
	assert_string_equal(t.rows[1].key, "2323");
	assert_int_equal(t.rows[1].devices, 750);
	figures_table_free(&t);

	/* a family over the first two days (hosts with i % 3 == 2 start later) */
	assert_int_equal(figures_period(s, &(struct figures_request){INT64_MIN, d0 + 1, 2, false}, &p, &err), 0);
	p.filter.has_family = true;
	strcpy(p.filter.family, "mirai");
	figures_table_init(&t);
	assert_int_equal(figures_ports(s, &p, &t, &err), 0);
	assert_int_equal(find(&t, "23")->devices, 300);
	assert_int_equal(find(&t, "2323")->devices, 100);
	figures_table_free(&t);

	/* a country without devices: no ports */
	strcpy(p.filter.cc, "FR");
	figures_table_init(&t);
	assert_int_equal(figures_ports(s, &p, &t, &err), 0);
	assert_int_equal(t.n, 0);
	figures_table_free(&t);
	store_close(s);
}

static void test_countries(void **state)
{
	static const char csv[] = "cc,country,population,year,source\nNL,Netherlands,18000000,2024,test\n";
	struct err err;
	struct population *pop = population_parse(csv, sizeof(csv) - 1, "test", &err);
	struct store *s = fill();
	struct figures_period p;
	struct figures_countries c;

	(void)state;
	assert_non_null(pop);
	assert_int_equal(figures_period(s, &(struct figures_request){d0, d0 + 4, 0, false}, &p, &err), 0);
	assert_int_equal(figures_countries(s, &p, pop, &c, &err), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].cc, "NL"); /* ranked: the one with a population first */
	assert_int_equal(c.v[0].rank, 1);
	assert_int_equal(c.v[1].rank, 0);
	assert_int_equal(c.v[0].devices, 1500);
	/* NL: 500 on d0, 1000 on d0+1, 1500 on d0+2..d0+4 */
	assert_int_equal(c.v[0].device_days, 500 + 1000 + 3 * 1500);
	assert_int_equal(c.v[0].peak, 1500);
	assert_int_equal(c.v[0].daily[0], 500);
	assert_true(c.v[0].per_million > 66.66 && c.v[0].per_million < 66.67); /* 1200 / 18 */
	figures_countries_free(&c);
	population_free(pop);
	store_close(s);
}

static void test_manufacturers(void **state)
{
	struct store *s = fill();
	struct figures_period p;
	struct manufacturers m;
	struct err err;

	(void)state;
	for (int i = 0; i < 30; i++) {
		struct device d;

		memset(&d, 0, sizeof(d));
		ipaddr_from_v4(0x2d000000u + (uint32_t)i, &d.ip);
		strcpy(d.vendor, i < 20 ? "Acme" : "Other");
		strcpy(d.model, i < 10 ? "C1" : "C2");
		strcpy(d.type, "camera");
		assert_int_equal(store_upsert_device(s, &d, &err), 0);
	}
	/* only i % 3 == 0 is seen on d0 */
	assert_int_equal(figures_period(s, &(struct figures_request){d0, d0, 0, false}, &p, &err), 0);
	assert_int_equal(manufacturers_compute(s, &p, &m, &err), 0);
	assert_int_equal(m.all, 1000);
	assert_int_equal(m.characterized, 10); /* i in 0..29 with i % 3 == 0 */
	assert_int_equal(m.n, 3);
	assert_string_equal(m.v[0].vendor, "Acme"); /* C1: 0,3,6,9; C2: 12,15,18 */
	assert_string_equal(m.v[0].name, "C1");
	assert_int_equal(m.v[0].devices, 4);
	assert_string_equal(m.v[0].type, "camera");
	assert_int_equal(m.v[0].via_credentials, 4);
	assert_int_equal(m.v[1].devices, 3);
	assert_int_equal(m.v[2].devices, 3); /* Other C2: 21,24,27 */
	manufacturers_free(&m);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_groups_and_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_countries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manufacturers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
