/* Unit tests for the strict query parser, the typed getters, token
 * auth helpers and the per-token rate limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "web/auth.h"
#include "web/query.h"
#include "web/ratelimit.h"

static int parse(const char *s, struct query *q, struct err *err)
{
	return query_parse(s, strlen(s), q, err);
}

static void test_good_queries(void **state)
{
	struct query q;
	struct err err;

	(void)state;
	assert_int_equal(parse("", &q, &err), 0);
	assert_int_equal(q.n, 0);
	assert_int_equal(parse("date=2025-03-01&format=json&network=AS64500", &q, &err), 0);
	assert_int_equal(q.n, 3);
	assert_string_equal(query_get(&q, "date"), "2025-03-01");
	assert_string_equal(query_get(&q, "network"), "AS64500");
	assert_null(query_get(&q, "Date"));
	/* escapes and '+' decode; an empty value is a value */
	assert_int_equal(parse("cursor=64500.2025-03-01.2001%3adb8%3A%3A1&x=a+b&e=", &q, &err), 0);
	assert_string_equal(query_get(&q, "cursor"), "64500.2025-03-01.2001:db8::1");
	assert_string_equal(query_get(&q, "x"), "a b");
	assert_string_equal(query_get(&q, "e"), "");
}

static void test_bad_queries(void **state)
{
	static const char *const bad[] = {
		"a",		/* no '=' */
		"=1",		/* no name */
		"a=1&",		/* trailing '&' */
		"a=1&&b=2",	/* empty pair */
		"A=1",		/* uppercase name */
		"a%62=1",	/* escaped name */
		"a=%",		/* cut escape */
		"a=%4",		/* cut escape */
		"a=%zz",	/* not hex */
		"a=%00",	/* NUL */
		"a=%0a",	/* control */
		"a=%c3%a9",	/* not ASCII */
		"a=1&a=2",	/* twice */
		"a-b=1",	/* '-' in a name */
	};
	struct query q;
	struct err err;
	char big[QUERY_MAX_LEN + 2], many[512] = "", val[QUERY_VALUE_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (parse(bad[i], &q, &err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(strlen(err.msg) > 0);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[0] = 'k';
	big[1] = '=';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big, &q, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
	for (int i = 0; i <= QUERY_MAX_PARAMS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sk%d=1", i ? "&" : "", i);
	assert_int_equal(parse(many, &q, &err), -1);
	assert_non_null(strstr(err.msg, "too many"));
	strcpy(val, "v=");
	memset(val + 2, 'x', QUERY_VALUE_MAX + 1);
	val[QUERY_VALUE_MAX + 3] = '\0';
	assert_int_equal(parse(val, &q, &err), -1);
	/* a name of 33 bytes */
	assert_int_equal(parse("abcdefghijabcdefghijabcdefghijabc=1", &q, &err), -1);
	assert_int_equal(parse("abcdefghijabcdefghijabcdefghijab=1", &q, &err), 0);
}

static void test_typed_getters(void **state)
{
	static const char *const allowed[] = {"date", "limit", "format", "days", NULL};
	struct query q;
	struct err err;
	int64_t day = -1;
	long n = 7;
	const char *fmt = NULL;

	(void)state;
	assert_int_equal(parse("date=2025-03-01&limit=500&format=csv", &q, &err), 0);
	assert_int_equal(query_only(&q, allowed, &err), 0);
	assert_int_equal(query_day(&q, "date", &day, &err), 0);
	assert_int_equal(day, time_days_from_civil(2025, 3, 1));
	assert_int_equal(query_int(&q, "limit", 1, 1000, &n, &err), 0);
	assert_int_equal(n, 500);
	assert_int_equal(query_choice(&q, "format", "csv|json", &fmt, &err), 0);
	assert_string_equal(fmt, "csv");
	/* absent keys leave the default */
	n = 7;
	assert_int_equal(query_int(&q, "days", 1, 10, &n, &err), 0);
	assert_int_equal(n, 7);

	assert_int_equal(parse("date=2025-13-01&limit=-1&format=xml&days=1001&x=1", &q, &err), 0);
	assert_int_equal(query_only(&q, allowed, &err), -1);
	assert_non_null(strstr(err.msg, "\"x\""));
	assert_int_equal(query_day(&q, "date", &day, &err), -1);
	assert_int_equal(query_int(&q, "limit", 1, 1000, &n, &err), -1);
	assert_int_equal(query_int(&q, "days", 1, 1000, &n, &err), -1);
	assert_int_equal(query_choice(&q, "format", "csv|json", &fmt, &err), -1);
	assert_non_null(strstr(err.msg, "csv|json"));
	assert_int_equal(parse("format=cs&limit=99999999999", &q, &err), 0);
	assert_int_equal(query_choice(&q, "format", "csv|json", &fmt, &err), -1);
	assert_int_equal(query_int(&q, "limit", 1, 1000, &n, &err), -1);
	assert_int_equal(parse("date=2025-03-01T00:00:00", &q, &err), 0);
	assert_int_equal(query_day(&q, "date", &day, &err), -1);
}

static void test_tokens(void **state)
{
	char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1], h[AUTH_HASH_HEX];
	struct api_token t;
	struct err err;

	(void)state;
	assert_int_equal(auth_token_new(a, &err), 0);
	assert_int_equal(auth_token_new(b, &err), 0);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN);
	assert_string_not_equal(a, b);
	assert_true(auth_token_well_formed(a, strlen(a)));
	a[10] = 'A'; /* uppercase hex is not our shape */
	assert_false(auth_token_well_formed(a, strlen(a)));
	assert_false(auth_token_well_formed(b, strlen(b) - 1));
	/* SHA-256("abc"), FIPS 180-2 appendix B.1 */
	auth_token_hash("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	assert_int_equal(auth_parse_asns("64502,AS64500,as64501,64500", &t, &err), 0);
	assert_int_equal(t.nasns, 3);
	assert_int_equal(t.asns[0], 64500);
	assert_int_equal(t.asns[2], 64502);
	assert_true(auth_token_allows(&t, 64501));
	assert_false(auth_token_allows(&t, 64503));
	assert_false(auth_token_allows(&t, 0));
	assert_int_equal(auth_parse_asns("4294967295", &t, &err), 0);
	assert_int_equal(auth_parse_asns("4294967296", &t, &err), -1);
	assert_int_equal(auth_parse_asns("0", &t, &err), -1);
	assert_int_equal(auth_parse_asns("", &t, &err), -1);
	assert_int_equal(auth_parse_asns("64500,", &t, &err), -1);
	assert_int_equal(auth_parse_asns("64500 ", &t, &err), -1);
	assert_int_equal(auth_parse_asns("-1", &t, &err), -1);
	assert_int_equal(auth_parse_asns("ASX", &t, &err), -1);
}

static void test_rate_limit(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 3); /* one a second, three at once */
	int64_t t0 = 1000 * US_PER_SEC;
	int wait = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, 1, t0, &wait));
	assert_false(ratelimit_take(rl, 1, t0, &wait));
	assert_int_equal(wait, 1);
	assert_true(ratelimit_take(rl, 2, t0, &wait)); /* another token has its own bucket */
	assert_true(ratelimit_take(rl, 1, t0 + US_PER_SEC, &wait)); /* refilled one */
	assert_false(ratelimit_take(rl, 1, t0 + US_PER_SEC, &wait));
	assert_true(ratelimit_take(rl, 1, t0 + 100 * US_PER_SEC, &wait)); /* capped at the burst */
	assert_true(ratelimit_take(rl, 1, t0 + 100 * US_PER_SEC, &wait));
	assert_true(ratelimit_take(rl, 1, t0 + 100 * US_PER_SEC, &wait));
	assert_false(ratelimit_take(rl, 1, t0 + 100 * US_PER_SEC, &wait));
	ratelimit_free(rl);
}

static void test_window_and_peek(void **state)
{
	struct ratelimit *rl = ratelimit_new_window(5, 60); /* 5 per minute, all at once */
	int64_t t0 = 1000 * US_PER_SEC;
	int wait = 0;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_true(ratelimit_peek(rl, 7, t0, &wait)); /* peeking spends nothing */
		assert_true(ratelimit_take(rl, 7, t0, &wait));
	}
	assert_false(ratelimit_peek(rl, 7, t0, &wait));
	assert_int_equal(wait, 12); /* one comes back every 60 / 5 s */
	assert_false(ratelimit_peek(rl, 7, t0 + 11 * US_PER_SEC, &wait));
	assert_int_equal(wait, 1);
	assert_true(ratelimit_peek(rl, 7, t0 + 12 * US_PER_SEC, &wait));
	assert_true(ratelimit_take(rl, 7, t0 + 12 * US_PER_SEC, NULL));
	assert_false(ratelimit_take(rl, 7, t0 + 12 * US_PER_SEC, NULL));
	ratelimit_free(rl);
}

static const char *canonical(const char *query, const char *const *allowed)
{
	static char out[QUERY_CANONICAL_MAX];
	struct query q;
	struct err err;

	assert_int_equal(query_parse(query, strlen(query), &q, &err), 0);
	query_canonical(&q, allowed, out);
	return out;
}

static void test_canonical(void **state)
{
	static const char *const period[] = {"to", "days", NULL};
	static const char *const one[] = {"days", NULL};
	static const char *const keys[] = {"a", "b", "c", "d", "e", "f", "g", "h", NULL};
	char worst[QUERY_MAX_LEN + 1];
	size_t n = 0;

	(void)state;
	assert_string_equal(canonical("days=30&to=2025-03-20", period), "to=2025-03-20&days=30");
	assert_string_equal(canonical("to=2025-03-20&days=030", period), "to=2025-03-20&days=30");
	assert_string_equal(canonical("days=%33%30&to=%32025-03-20", period), "to=2025-03-20&days=30");
	assert_string_equal(canonical("days=0", period), "days=0");
	assert_string_equal(canonical("days=000", period), "days=0");
	assert_string_equal(canonical("", period), "");
	assert_string_equal(canonical("to=a+b%26c%3D", period), "to=a%20b%26c%3D"); /* no '&' or '=' can forge a key */
	assert_string_equal(canonical("to=x&days=5", one), "days=5"); /* keys not listed are left out */
	assert_string_equal(canonical("days=1.0", one), "days=1.0"); /* only digits are numbers */
	/* A query of '!'s triples in length, still within QUERY_CANONICAL_MAX. */
	for (int k = 0; k < 8; k++) {
		n += (size_t)sprintf(worst + n, "%s%c=", k ? "&" : "", 'a' + k);
		memset(worst + n, '!', 250);
		n += 250;
	}
	worst[n] = '\0';
	assert_int_equal(strlen(canonical(worst, keys)), 8 * (2 + 750) + 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_queries),   cmocka_unit_test(test_bad_queries),
		cmocka_unit_test(test_typed_getters),  cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_rate_limit),     cmocka_unit_test(test_window_and_peek),
		cmocka_unit_test(test_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
