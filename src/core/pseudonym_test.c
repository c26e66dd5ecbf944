/* pseudonym_test.c - keyed address pseudonyms: stable per key, unrelated
 * across keys, always in fd00::/8, and key files that others may read are
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/pseudonym.h"

static void pseudonyms_are_keyed_and_stable(void **state)
{
	struct pseudonym_key k1 = {.len = 16}, k2 = {.len = 16};
	struct ipaddr a, b, pa1, pa1again, pb1, pa2;
	char text[IPADDR_STRLEN];

	(void)state;
	memset(k1.bytes, 1, 16);
	memset(k2.bytes, 2, 16);
	assert_int_equal(ipaddr_parse("198.51.100.7", 12, &a), 0);
	assert_int_equal(ipaddr_parse("198.51.100.8", 12, &b), 0);
	pseudonym_addr(&k1, &a, &pa1);
	pseudonym_addr(&k1, &a, &pa1again);
	pseudonym_addr(&k1, &b, &pb1);
	pseudonym_addr(&k2, &a, &pa2);
	assert_true(ipaddr_equal(&pa1, &pa1again));
	assert_false(ipaddr_equal(&pa1, &pb1));
	assert_false(ipaddr_equal(&pa1, &pa2));
	assert_int_equal(pa1.af, 6);
	assert_int_equal(pa1.b[0], 0xfd);
	ipaddr_format(&pa1, text);
	assert_null(strstr(text, "198.51.100"));
}

static void key_files_are_checked(void **state)
{
	char path[] = "/tmp/pseudonym-key.XXXXXX";
	struct pseudonym_key k;
	struct err err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdef0123", 20), 20);
	close(fd);
	chmod(path, 0600);
	assert_int_equal(pseudonym_key_load(path, &k, &err), 0);
	assert_int_equal(k.len, 20);
	chmod(path, 0644);
	assert_int_equal(pseudonym_key_load(path, &k, &err), -1);
	assert_non_null(strstr(err.msg, "readable by others"));
	chmod(path, 0600);
	truncate(path, 8);
	assert_int_equal(pseudonym_key_load(path, &k, &err), -1);
	assert_non_null(strstr(err.msg, "8 bytes"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pseudonyms_are_keyed_and_stable),
		cmocka_unit_test(key_files_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
