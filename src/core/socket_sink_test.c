/* Unit tests for the socket sink's start handshake: the child's "started"
 * or its reason, a child that exits or keeps silent, hostile texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/event.h"
#include "core/ipaddr.h"
#include "core/socket_sink.h"

static struct sink *target; /* the parent's sink: counts what arrives */

/* A relay into target and the child's socket sink. */
static struct socket_relay *pair(struct sink **child)
{
	struct err err;
	int fds[2];
	struct socket_relay *r;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
	*child = socket_sink_new(fds[1]);
	r = socket_relay_start(fds[0], target, NULL, NULL, &err);
	assert_non_null(r);
	return r;
}

static void test_started(void **state)
{
	struct sink *child;
	struct socket_relay *r = pair(&child);
	struct sink_stats st;
	struct event ev;
	struct err err;

	(void)state;
	/* An event first (the loop may emit before the message): relayed. */
	event_init(&ev);
	ev.kind = EVENT_SCAN;
	ev.time_us = 1700000000000000;
	strcpy(ev.sensor, "t");
	assert_int_equal(ipaddr_parse("192.0.2.1", 9, &ev.src), 0);
	assert_int_equal(sink_emit(child, &ev), 0);
	assert_int_equal(socket_sink_started(child, NULL), 0);
	assert_int_equal(socket_relay_wait_started(r, 2000, &err), 0);
	sink_close(child, NULL);
	assert_int_equal(socket_relay_join(r), 0);
	sink_stats(target, &st);
	assert_int_equal(st.emitted, 1);
}

static void test_reason_is_sanitised(void **state)
{
	struct sink *child;
	struct socket_relay *r = pair(&child);
	struct err err;

	(void)state;
	assert_int_equal(socket_sink_started(child, "/var/log/cowrie.json: Permission denied\n\x1b[2J"), 0);
	assert_int_equal(socket_relay_wait_started(r, 2000, &err), -1);
	assert_string_equal(err.msg, "/var/log/cowrie.json: Permission denied??[2J");
	/* A second start message is refused, not believed. */
	assert_int_equal(socket_sink_started(child, NULL), 0);
	sink_close(child, NULL);
	assert_int_equal(socket_relay_join(r), 1);
}

static void test_exit_and_silence(void **state)
{
	struct sink *child;
	struct socket_relay *r = pair(&child);
	struct timespec t0, t1;
	struct err err;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(socket_relay_wait_started(r, 300, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_string_equal(err.msg, "the child did not start within 0.3 s");
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	sink_close(child, NULL); /* the child exits without a word */
	assert_int_equal(socket_relay_wait_started(r, 2000, &err), -1);
	assert_string_equal(err.msg, "the child exited during start-up");
	socket_relay_join(r);

}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_started),
		cmocka_unit_test(test_reason_is_sanitised),
		cmocka_unit_test(test_exit_and_silence),
	};

	int failed;

	target = null_sink_new();
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	sink_close(target, NULL);
	return failed;
}
