/* Unit tests of what only the SQLite store has: refusing files that are not
 * its own (newer schema, garbage, foreign tables), and readers that never
 * create, migrate or write a file (issue 16). The behaviour shared by every
 * backend is in store_conformance_test.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/addrclass.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/iotmon-store-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/sub/t.db", dir); /* parent made on create */
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_refuses_newer_and_foreign_and_garbage(void **state)
{
	struct err err;
	sqlite3 *db;
	FILE *f;
	char other[160];

	(void)state;
	store_close(store_open(path, STORE_CREATE, &err));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(path, STORE_CREATE, &err));
	assert_non_null(strstr(err.msg, "newer iotmon (schema 999"));

	snprintf(other, sizeof(other), "%s/garbage.db", dir);
	f = fopen(other, "w");
	fputs("this is not a database, it is a text file that is long enough to have a header.....", f);
	fclose(f);
	assert_null(store_open(other, STORE_CREATE, &err));
	assert_non_null(strstr(err.msg, "garbage.db"));
	f = fopen(other, "r");
	char head[16] = "";
	assert_non_null(fgets(head, sizeof(head), f)); /* nothing overwritten */
	assert_string_equal(head, "this is not a d");
	fclose(f);

	snprintf(other, sizeof(other), "%s/foreign.db", dir);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(other, STORE_CREATE, &err));
	assert_non_null(strstr(err.msg, "not an iotmon database"));
}

/* Issue 16: a reader never creates or migrates a store, and cannot write. */
static void test_readers_never_create_or_write(void **state)
{
	struct err err;
	struct store *s;
	struct stat sb;
	struct event ev;
	char empty[160], target[200];
	FILE *f;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty.db", dir);
	f = fopen(empty, "w");
	fclose(f);
	assert_null(store_open(empty, STORE_READONLY, &err));
	assert_non_null(strstr(err.msg, "empty.db: empty file"));
	assert_null(store_open(empty, 0, &err)); /* an existing-store opener neither */
	assert_int_equal(stat(empty, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_null(store_open(path, STORE_READONLY, &err)); /* missing: not made */
	assert_int_not_equal(access(path, F_OK), 0);

	store_close(store_open(path, STORE_CREATE, &err));
	snprintf(target, sizeof(target), "sqlite:%s", path);
	s = store_open(target, STORE_READONLY, &err);
	assert_non_null(s);
	assert_string_equal(s->backend->name, "sqlite");
	event_init(&ev);
	ev.time_us = INT64_C(1740824102000000);
	ev.kind = EVENT_LOGIN;
	assert_int_equal(ipaddr_parse("192.0.2.1", 9, &ev.src), 0);
	assert_int_equal(store_insert_events(s, &ev, 1, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "t.db"));
	event_free(&ev);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refuses_newer_and_foreign_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readers_never_create_or_write, setup, teardown),
	};
	/* The fixtures use private and documentation addresses: declared a lab
	 * (docs/addresses.md), as the integration tests do. */
	addrclass_set_lab("10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32", NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
