/* profile_test.c - the shipped profiles and credential list, and the
 * credential policy. Runs from the project root (tests/run.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/honeypot/profile.h"

static void test_shipped_profiles(void **state)
{
	static const char *const names[] = {"busybox", "ipcam", "dvr", "router"};
	struct hp_profiles *ps;
	const struct hp_profile *p;
	struct err err;

	(void)state;
	ps = hp_profiles_load("data/profiles.json", &err);
	assert_non_null(ps);
	for (size_t i = 0; i < 4; i++) {
		p = hp_profiles_find(ps, names[i]);
		assert_non_null(p);
		assert_memory_equal(p->elf_header, "\x7f" "ELF\x01", 5);
		assert_non_null(strstr(p->proc_mounts, "rootfs / rootfs rw"));
		assert_true(p->http_server[0] != '\0');
	}
	p = hp_profiles_find(ps, "router");
	assert_int_equal(p->elf_header[5], 2); /* big-endian MIPS */
	assert_int_equal(p->elf_header[18] << 8 | p->elf_header[19], 8);
	p = hp_profiles_find(ps, "ipcam");
	assert_int_equal(p->elf_header[5], 1); /* little-endian ARM */
	assert_int_equal(p->elf_header[18] | p->elf_header[19] << 8, 40);
	assert_string_equal(p->http_server, "uc-httpd 1.0.0");
	assert_null(hp_profiles_find(ps, "nosuch"));
	hp_profiles_free(ps);
}

static void test_bad_profiles(void **state)
{
	static const char *const bad[] = {"{}", "{\"profiles\":[]}", "{\"profiles\":[{\"name\":\"a b\"}]}",
					  "{\"profiles\":[{\"name\":\"x\",\"cpu\":\"z80\"}]}", "not json"};
	char path[] = "/tmp/iotmon-profile-test.XXXXXX";
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");

		fputs(bad[i], f);
		fclose(f);
		assert_null(hp_profiles_load(path, &err));
		assert_non_null(strstr(err.msg, path));
		remove(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
}

static void test_credentials(void **state)
{
	struct hp_credentials c;
	struct err err;

	(void)state;
	assert_int_equal(hp_credentials_load(&c, "data/credentials.txt", &err), 0);
	/* Mirai's 62 entries (guest/12345 twice) and the two ZyXEL pairs */
	assert_int_equal(c.n, 63);
	c.accept_listed = true;
	c.accept_after = 0;
	assert_true(hp_credentials_accept(&c, "root", "xc3511", 1));
	assert_true(hp_credentials_accept(&c, "root", "", 1));
	assert_true(hp_credentials_accept(&c, "mother", "fucker", 1));
	assert_false(hp_credentials_accept(&c, "root", "xc3512", 1));
	assert_false(hp_credentials_accept(&c, "root", "xc3512", 100));
	c.accept_after = 2;
	assert_false(hp_credentials_accept(&c, "nobody", "x", 2));
	assert_true(hp_credentials_accept(&c, "nobody", "x", 3));
	c.accept_listed = false;
	c.accept_after = 0;
	assert_false(hp_credentials_accept(&c, "root", "xc3511", 1));
	hp_credentials_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_profiles),
		cmocka_unit_test(test_bad_profiles),
		cmocka_unit_test(test_credentials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
