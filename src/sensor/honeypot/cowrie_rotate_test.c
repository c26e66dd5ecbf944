/* Unit tests for the Cowrie log's rotation and retention (cowrie_rotate.h)
 * in a scratch folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "sensor/honeypot/cowrie_rotate.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int exists(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cowrie_rotate_test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t day(const char *text)
{
	int64_t d;

	assert_int_equal(time_parse_day(text, strlen(text), &d), 0);
	return d;
}

static unsigned ndeleted;
static void count(const char *name)
{
	(void)name;
	ndeleted++;
}

static void test_name(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(cowrie_rotated_name("var/cowrie.json", day("2026-03-10"), out, sizeof(out)), 0);
	assert_string_equal(out, "var/cowrie.json.2026-03-10");
	assert_int_equal(cowrie_rotated_name("var/cowrie.json", 0, out, 10), -1);
}

static void test_retention_only_old_real_files(void **state)
{
	char log[128], target[128], link[128];
	struct err err;

	(void)state;
	snprintf(log, sizeof(log), "%s/cowrie.json", dir);
	put("cowrie.json", "live\n");
	put("cowrie.json.2026-03-01", "old\n");
	put("cowrie.json.2026-03-02", "edge: 8 days before\n");
	put("cowrie.json.2026-03-03", "edge: 7 days before, kept\n");
	put("cowrie.json.2026-02-30", "not a date\n");
	put("cowrie.json.2026-3-01", "not the pattern\n");
	put("cowrie.json.2026-03-01.gz", "another pattern\n");
	put("other.json.2026-03-01", "another log\n");
	put("target", "precious\n");
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/cowrie.json.2026-01-01", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(mkdir(strcat(strcpy(link, dir), "/cowrie.json.2026-01-02"), 0700), 0);
	ndeleted = 0;
	assert_int_equal(cowrie_retention(log, day("2026-03-10"), 7, count, &err), 2);
	assert_int_equal(ndeleted, 2);
	assert_false(exists("cowrie.json.2026-03-01"));
	assert_false(exists("cowrie.json.2026-03-02"));
	assert_true(exists("cowrie.json.2026-03-03"));
	assert_true(exists("cowrie.json"));
	assert_true(exists("cowrie.json.2026-02-30"));
	assert_true(exists("cowrie.json.2026-3-01"));
	assert_true(exists("cowrie.json.2026-03-01.gz"));
	assert_true(exists("other.json.2026-03-01"));
	assert_true(exists("cowrie.json.2026-01-01")); /* the symlink */
	assert_true(exists("target"));
	assert_true(exists("cowrie.json.2026-01-02")); /* a folder */
	/* 0 days keeps everything; a missing folder is nothing to do. */
	assert_int_equal(cowrie_retention(log, day("2026-03-10"), 0, count, &err), 0);
	assert_int_equal(cowrie_retention("/nonexistent-iotmon/cowrie.json", 1000, 7, count, &err), 0);
}

static void test_rotate_and_stale(void **state)
{
	char log[128];
	struct stat st;
	struct err err;
	int64_t d = 0;
	int fd;

	(void)state;
	snprintf(log, sizeof(log), "%s/cowrie.json", dir);
	put("cowrie.json", "{\"a\":1}\n");
	fd = cowrie_rotate(log, day("2026-03-10"), NULL, &err);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"b\":2}\n", 8), 8);
	close(fd);
	assert_true(exists("cowrie.json.2026-03-10"));
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640 & ~(mode_t)umask(umask(0)));
	assert_int_equal(st.st_size, 8);
	/* The same day again: never over the day's file; the live one stays. */
	assert_int_equal(cowrie_rotate(log, day("2026-03-10"), NULL, &err), -1);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_size, 8);
	/* A symlink planted at the live name is moved, never written through. */
	unlink(log);
	assert_int_equal(symlink("/etc/passwd", log), 0);
	fd = cowrie_rotate(log, day("2026-03-11"), NULL, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(lstat(log, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* Stale at start: last written on an earlier day. */
	put("cowrie.json", "{\"c\":3}\n");
	{
		struct timespec ts[2] = {{day("2026-03-08") * 86400 + 3600, 0}, {day("2026-03-08") * 86400 + 3600, 0}};

		assert_int_equal(utimensat(AT_FDCWD, log, ts, 0), 0);
	}
	assert_int_equal(cowrie_rotate_stale(log, day("2026-03-08"), &d, &err), 0);
	assert_int_equal(cowrie_rotate_stale(log, day("2026-03-12"), &d, &err), 1);
	assert_int_equal(d, day("2026-03-08"));
	assert_true(exists("cowrie.json.2026-03-08"));
	assert_false(exists("cowrie.json"));
	assert_int_equal(cowrie_rotate_stale(log, day("2026-03-12"), &d, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test_setup_teardown(test_retention_only_old_real_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_and_stale, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
