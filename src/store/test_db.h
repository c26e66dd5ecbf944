/* test_db.h - a scratch SQLite store for unit tests (test code only).
 *
 * test_db_make() creates a fresh folder under /tmp and names a store file
 * in it; test_db_remove() deletes the store with its WAL files and the
 * folder. Both return 0 or -1, as cmocka setup/teardown functions do. */
#ifndef IOTMON_TEST_DB_H
#define IOTMON_TEST_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct test_db {
	char dir[64], path[128];
};

static inline int test_db_make(struct test_db *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/iotmon-%s-test.XXXXXX", name);
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
	return 0;
}

static inline int test_db_remove(const struct test_db *t)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char p[160];

	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
		unlink(p);
	}
	return rmdir(t->dir);
}

#endif
