/* Unit tests for token storage and auth_check against a real SQLite store:
 * only the hash is stored, revocation is immediate, and every malformed
 * header is refused before the store is asked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "web/auth.h"
#include "store/test_db.h"

static struct test_db scratch;

static int setup(void **state)
{
	(void)state;
	if (test_db_make(&scratch, "auth"))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_db_remove(&scratch);
}

static int count_rows(void *arg, int n, char **v, char **c)
{
	(void)n;
	(void)c;
	*(int *)arg = atoi(v[0]);
	return 0;
}

static int list_cb(const struct api_token *t, void *arg)
{
	(*(int *)arg)++;
	assert_true(t->id > 0);
	return 0;
}

static void test_store_and_check(void **state)
{
	char secret[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX], header[512];
	struct api_token t, got;
	struct err err;
	bool found;
	int n = 0;
	struct store *s = store_open(scratch.path, STORE_CREATE, &err);
	sqlite3 *db;

	(void)state;
	assert_non_null(s);
	memset(&t, 0, sizeof(t));
	strcpy(t.name, "isp");
	assert_int_equal(auth_parse_asns("64500,64503", &t, &err), 0);
	t.created_us = 1;
	assert_int_equal(auth_token_new(secret, &err), 0);
	auth_token_hash(secret, strlen(secret), hash);
	assert_int_equal(store_add_token(s, &t, hash, &err), 0);
	assert_int_equal(t.id, 1);

	/* the secret itself is nowhere in the file's table */
	assert_int_equal(sqlite3_open(scratch.path, &db), SQLITE_OK);
	snprintf(header, sizeof(header), "SELECT count(*) FROM api_tokens WHERE hash = '%s' OR name LIKE '%%%s%%'",
		 secret, secret + 5);
	assert_int_equal(sqlite3_exec(db, header, count_rows, &n, NULL), SQLITE_OK);
	assert_int_equal(n, 0);
	sqlite3_close(db);

	snprintf(header, sizeof(header), "Bearer %s", secret);
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_OK);
	assert_int_equal(got.nasns, 2);
	assert_int_equal(got.asns[1], 64503);
	assert_string_equal(got.name, "isp");
	snprintf(header, sizeof(header), "bearer %s", secret); /* scheme is case-insensitive */
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_OK);

	assert_int_equal(auth_check(s, NULL, &got, &err), AUTH_MISSING);
	assert_int_equal(auth_check(s, secret, &got, &err), AUTH_MALFORMED);
	snprintf(header, sizeof(header), "Basic %s", secret);
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_MALFORMED);
	snprintf(header, sizeof(header), "Bearer %s ", secret);
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_MALFORMED);
	snprintf(header, sizeof(header), "Bearer %s", secret);
	header[20] = header[20] == 'a' ? 'b' : 'a'; /* forged: right shape, wrong secret */
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_UNKNOWN);
	snprintf(header, sizeof(header), "Bearer %s", hash); /* the hash is not a token */
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_MALFORMED);

	assert_int_equal(store_revoke_token(s, 1, 99, &found, &err), 0);
	assert_true(found);
	assert_int_equal(store_revoke_token(s, 7, 99, &found, &err), 0);
	assert_false(found);
	snprintf(header, sizeof(header), "Bearer %s", secret);
	assert_int_equal(auth_check(s, header, &got, &err), AUTH_REVOKED);
	assert_int_equal(got.revoked_us, 99);
	assert_int_equal(store_list_tokens(s, list_cb, &n, &err), 0);
	assert_int_equal(n, 1);
	store_close(s);
}

static void test_throttle(void **state)
{
	struct auth_throttle *t = auth_throttle_new(3, 60); /* 3 failures, then one per 20 s */
	struct ipaddr a, a2, b, v6a, v6b;
	int64_t t0 = 1000 * US_PER_SEC;
	int retry = 0;

	(void)state;
	ipaddr_parse("192.0.2.1", 9, &a);
	ipaddr_parse("192.0.2.2", 9, &a2);
	ipaddr_parse("2001:db8::1", 11, &v6a);
	ipaddr_parse("2001:db8::ffff:2", 16, &v6b);
	b = a2;
	for (int i = 0; i < 3; i++) {
		assert_true(auth_throttle_check(t, &a, t0, &retry));
		auth_throttle_fail(t, &a, t0);
	}
	assert_false(auth_throttle_check(t, &a, t0, &retry));
	assert_int_equal(retry, 20);
	assert_true(auth_throttle_check(t, &b, t0, &retry)); /* per address */
	assert_true(auth_throttle_check(t, &a, t0 + 20 * US_PER_SEC, &retry));
	/* IPv6: one budget per /64, whatever address of it is used. */
	for (int i = 0; i < 3; i++)
		auth_throttle_fail(t, i % 2 ? &v6a : &v6b, t0);
	assert_false(auth_throttle_check(t, &v6a, t0, &retry));
	assert_false(auth_throttle_check(t, &v6b, t0, &retry));
	auth_throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_and_check, setup, teardown),
		cmocka_unit_test(test_throttle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
