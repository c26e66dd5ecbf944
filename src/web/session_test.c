/* Unit tests for portal sessions: start and find, expiry, sign-out,
 * malformed and unknown ids, the table bound, constant-time compare. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "web/session.h"

#define MIN ((int64_t)60 * 1000000)

static void test_lifecycle(void **state)
{
	struct sessions *ss = sessions_new();
	char id[SESSION_ID_LEN + 1], id2[SESSION_ID_LEN + 1];
	struct session s, f;
	struct err err;

	(void)state;
	assert_int_equal(sessions_start(ss, "tokenhash", 1000, 60 * MIN, id, &s, &err), 0);
	assert_int_equal(strlen(id), SESSION_ID_LEN);
	assert_int_equal(strlen(s.csrf), SESSION_ID_LEN);
	assert_string_not_equal(id, s.csrf);
	assert_true(sessions_find(ss, id, 1000 + 59 * MIN, &f));
	assert_string_equal(f.token_hash, "tokenhash");
	assert_string_equal(f.csrf, s.csrf);
	/* expired: gone, and stays gone */
	assert_false(sessions_find(ss, id, 1000 + 60 * MIN, &f));
	assert_false(sessions_find(ss, id, 1000, &f));
	/* sign-out */
	assert_int_equal(sessions_start(ss, "tokenhash", 1000, 60 * MIN, id2, &s, &err), 0);
	assert_string_not_equal(id, id2);
	sessions_end(ss, id2);
	assert_false(sessions_find(ss, id2, 1001, &f));
	/* malformed and unknown ids */
	assert_false(sessions_find(ss, NULL, 1001, &f));
	assert_false(sessions_find(ss, "", 1001, &f));
	assert_false(sessions_find(ss, "../etc", 1001, &f));
	id2[0] = id2[0] == 'a' ? 'b' : 'a';
	assert_false(sessions_find(ss, id2, 1001, &f));
	sessions_free(ss);
}

static void test_bounded(void **state)
{
	struct sessions *ss = sessions_new();
	char first[SESSION_ID_LEN + 1], id[SESSION_ID_LEN + 1];
	struct session s, f;
	struct err err;

	(void)state;
	/* the first one expires soonest, so it is the one a full table drops */
	assert_int_equal(sessions_start(ss, "t", 0, MIN, first, &s, &err), 0);
	for (int i = 1; i <= SESSION_MAX; i++)
		assert_int_equal(sessions_start(ss, "t", 0, 2 * MIN, id, &s, &err), 0);
	assert_false(sessions_find(ss, first, 1, &f));
	assert_true(sessions_find(ss, id, 1, &f));
	sessions_free(ss);
}

static void test_secret_equal(void **state)
{
	(void)state;
	assert_true(session_secret_equal("abc", "abc"));
	assert_false(session_secret_equal("abc", "abd"));
	assert_false(session_secret_equal("abc", "ab"));
	assert_false(session_secret_equal("", "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_secret_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
