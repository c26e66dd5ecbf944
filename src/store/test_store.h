/* test_store.h - fresh, empty stores of every backend for unit tests (test
 * code only): the conformance suite runs one set of tests over each.
 *
 * SQLite always; PostgreSQL when IOTMON_TEST_PG is a libpq URL of a cluster
 * where we may create databases (tests/pg.sh starts one): each test gets
 * its own database, dropped afterwards. test_store_run() runs a cmocka
 * group once per backend; inside, test_store_make() / _remove() are the
 * per-test setup and teardown and `test_store.target` the store to open. */
#ifndef IOTMON_TEST_STORE_H
#define IOTMON_TEST_STORE_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addrclass.h"
#include "store/test_db.h"

struct test_store {
	const char *backend; /* "sqlite" or "postgresql" */
	struct test_db db;
	char pgname[64];
	char target[512];
};

static struct test_store test_store = {.backend = "sqlite"};

/* Runs sql on the IOTMON_TEST_PG cluster; 0 or -1 (printed). */
static inline int test_store_pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("IOTMON_TEST_PG"));
	PGresult *r;
	int rc = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		if (rc)
			fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else {
		fprintf(stderr, "IOTMON_TEST_PG: %s", PQerrorMessage(c));
	}
	PQfinish(c);
	return rc;
}

/* The URL of database name on the IOTMON_TEST_PG cluster. */
static inline void test_store_pg_url(const char *name, char *out, size_t size)
{
	const char *url = getenv("IOTMON_TEST_PG");
	const char *host = strstr(url, "://");
	const char *slash = strchr(host ? host + 3 : url, '/');
	const char *query = strchr(url, '?');

	snprintf(out, size, "%.*s/%s%s", (int)(slash ? slash - url : (int)strlen(url)), url, name, query ? query : "");
}

static inline int test_store_make(void **state)
{
	static int serial;

	(void)state;
	if (strcmp(test_store.backend, "sqlite") == 0) {
		if (test_db_make(&test_store.db, "conformance"))
			return -1;
		snprintf(test_store.target, sizeof(test_store.target), "%s", test_store.db.path);
		return 0;
	}
	char sql[128];

	snprintf(test_store.pgname, sizeof(test_store.pgname), "iotmon_t%ld_%d", (long)getpid(), ++serial);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", test_store.pgname);
	if (test_store_pg_admin(sql))
		return -1;
	test_store_pg_url(test_store.pgname, test_store.target, sizeof(test_store.target));
	return 0;
}

static inline int test_store_remove(void **state)
{
	char sql[128];

	(void)state;
	if (strcmp(test_store.backend, "sqlite") == 0)
		return test_db_remove(&test_store.db);
	snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", test_store.pgname);
	return test_store_pg_admin(sql);
}

/* Runs tests (with test_store_make/_remove as setup/teardown) over every
 * backend; returns the number of failures. */
static inline int test_store_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
	char group[128];
	int failed;

	/* The tests' addresses are documentation and private ones: a lab. */
	if (addrclass_set_lab("192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 10.0.0.0/8", NULL))
		return 1;
	test_store.backend = "sqlite";
	snprintf(group, sizeof(group), "%s/sqlite", name);
	failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	if (getenv("IOTMON_TEST_PG") && *getenv("IOTMON_TEST_PG")) {
		test_store.backend = "postgresql";
		snprintf(group, sizeof(group), "%s/postgresql", name);
		failed += _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	} else {
		printf("# postgresql: skipped (IOTMON_TEST_PG not set)\n");
	}
	return failed;
}

#define STORE_TEST(f) cmocka_unit_test_setup_teardown(f, test_store_make, test_store_remove)

#endif
