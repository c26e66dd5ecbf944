/* Unit tests for the web connection guard: caps per prefix, the reserve
 * for light clients, deadlines shutting real sockets down, and the peer
 * address helpers it counts with. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "web/connguard.h"
#include "web/peer.h"

static struct ipaddr addr(const char *s)
{
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(s, strlen(s), &a), 0);
	return a;
}

static void test_peer(void **state)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
	struct sockaddr_in s4 = {.sin_family = AF_INET};
	struct ipaddr a, p, b;
	char buf[IPADDR_STRLEN];

	(void)state;
	inet_pton(AF_INET6, "::ffff:198.51.100.7", &s6.sin6_addr);
	peer_from_sockaddr((struct sockaddr *)&s6, &a);
	ipaddr_format(&a, buf);
	assert_string_equal(buf, "198.51.100.7"); /* v4-mapped counts as IPv4 */
	inet_pton(AF_INET, "198.51.100.7", &s4.sin_addr);
	peer_from_sockaddr((struct sockaddr *)&s4, &b);
	assert_true(ipaddr_equal(&a, &b));
	peer_prefix(&a, &p);
	ipaddr_format(&p, buf);
	assert_string_equal(buf, "198.51.100.0");
	a = addr("2001:db8:1:2:3:4:5:6");
	peer_prefix(&a, &p);
	ipaddr_format(&p, buf);
	assert_string_equal(buf, "2001:db8:1:2::");
	/* Budget keys: one per IPv4 address, one per IPv6 /64, never equal. */
	a = addr("2001:db8:1:2::1");
	b = addr("2001:db8:1:2:ffff::9");
	assert_true(peer_budget_key(&a) == peer_budget_key(&b));
	b = addr("2001:db8:1:3::1");
	assert_true(peer_budget_key(&a) != peer_budget_key(&b));
	a = addr("192.0.2.1");
	b = addr("192.0.2.2");
	assert_true(peer_budget_key(&a) != peer_budget_key(&b));
	assert_true(peer_budget_key(&a) != 0);
	b = addr("::");
	assert_true(peer_budget_key(&b) != 0); /* 0 is a free slot */
	peer_from_sockaddr(NULL, &a);
	assert_int_equal(a.af, 0);
}

static const struct connguard_limits lim = {.max_total = 16, .max_per_prefix = 5, .request_s = 3, .response_s = 10};

static void test_prefix_cap(void **state)
{
	struct connguard *g = connguard_new(&lim, false, NULL);
	struct guarded_conn *c[8];
	struct ipaddr a1 = addr("192.0.2.1"), a2 = addr("192.0.2.200"), other = addr("198.51.100.1");
	struct connguard_stats st;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_true(connguard_admit(g, i % 2 ? &a1 : &a2));
		c[i] = connguard_open(g, i % 2 ? &a1 : &a2, -1, 0);
		assert_non_null(c[i]);
	}
	/* Two addresses of one /24 share its cap of 5. */
	assert_false(connguard_admit(g, &a1));
	assert_null(connguard_open(g, &a2, -1, 0));
	assert_true(connguard_admit(g, &other));
	connguard_close(g, c[0]);
	assert_true(connguard_admit(g, &a1));
	connguard_stats(g, &st);
	assert_int_equal(st.open, 4);
	assert_int_equal(st.prefixes, 1);
	assert_int_equal(st.refused, 2);
	for (int i = 1; i < 5; i++)
		connguard_close(g, c[i]);
	connguard_stats(g, &st);
	assert_int_equal(st.open, 0);
	assert_int_equal(st.prefixes, 0);
	connguard_free(g);
}

static void test_reserve(void **state)
{
	struct connguard *g = connguard_new(&lim, false, NULL);
	struct guarded_conn *c[16];
	struct ipaddr a;
	char s[32];
	int n = 0;

	(void)state;
	/* Three /24s of 4 take 12 of 16: the last quarter is the reserve. */
	for (int p = 0; p < 3; p++)
		for (int i = 0; i < 4; i++) {
			snprintf(s, sizeof(s), "10.0.%d.%d", p, i + 1);
			a = addr(s);
			c[n] = connguard_open(g, &a, -1, 0);
			assert_non_null(c[n]);
			n++;
		}
	a = addr("10.0.0.9");
	assert_false(connguard_admit(g, &a)); /* holds 4: heavy */
	for (int p = 3; p < 7; p++) {
		snprintf(s, sizeof(s), "10.0.%d.1", p);
		a = addr(s);
		assert_true(connguard_admit(g, &a)); /* newcomers fit */
		c[n++] = connguard_open(g, &a, -1, 0);
	}
	a = addr("10.0.9.1");
	assert_false(connguard_admit(g, &a)); /* 16 of 16 */
	while (n)
		connguard_close(g, c[--n]);
	connguard_free(g);
}

static bool peer_closed(int fd)
{
	char b;

	return recv(fd, &b, 1, MSG_DONTWAIT) == 0;
}

static void test_deadlines(void **state)
{
	struct connguard *g = connguard_new(&lim, false, NULL);
	struct ipaddr a = addr("192.0.2.1");
	int p1[2], p2[2];
	struct guarded_conn *c1, *c2;
	const int64_t s = US_PER_SEC;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p1), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p2), 0);
	c1 = connguard_open(g, &a, p1[0], 0);
	c2 = connguard_open(g, &a, p2[0], 0);
	assert_int_equal(connguard_reap(g, 3 * s - 1), 0);
	/* c2's request arrived at 2 s: its answer has until 12 s. */
	connguard_answering(g, c2, 2 * s);
	assert_int_equal(connguard_reap(g, 3 * s), 1);
	assert_true(peer_closed(p1[1]));
	assert_false(peer_closed(p2[1]));
	assert_int_equal(connguard_reap(g, 4 * s), 0); /* shut down once */
	/* Answer sent at 11 s: the next request has until 14 s. */
	connguard_waiting(g, c2, 11 * s);
	assert_int_equal(connguard_reap(g, 13 * s), 0);
	assert_false(peer_closed(p2[1]));
	assert_int_equal(connguard_reap(g, 14 * s), 1);
	assert_true(peer_closed(p2[1]));
	connguard_close(g, c1);
	connguard_close(g, c2);
	connguard_close(g, NULL);
	for (int i = 0; i < 2; i++) {
		close(p1[i]);
		close(p2[i]);
	}
	connguard_free(g);
}

static void test_reaper_thread(void **state)
{
	struct connguard_limits l = lim;
	struct connguard *g;
	struct ipaddr a = addr("2001:db8::1");
	int p[2];
	struct guarded_conn *c;
	int64_t t0 = time_mono_us();

	(void)state;
	l.request_s = 1;
	g = connguard_new(&l, true, NULL);
	assert_non_null(g);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
	c = connguard_open(g, &a, p[0], t0);
	while (!peer_closed(p[1]) && time_mono_us() - t0 < 5 * US_PER_SEC)
		usleep(20000);
	assert_true(peer_closed(p[1]));
	assert_true(time_mono_us() - t0 >= US_PER_SEC);
	connguard_close(g, c);
	close(p[0]);
	close(p[1]);
	connguard_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer),
		cmocka_unit_test(test_prefix_cap),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_reaper_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
