/* Unit tests for the sensor child: the start handshake (started, the
 * child's reason), events emitted at stop reaching the parent's sink, the
 * exit status, and the seccomp filter refusing open(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ipaddr.h"
#include "sensor/sensor_child.h"

struct fake {
	struct sink *sink;
	const char *fail; /* start fails with this */
	int events; /* emitted at stop */
	int status; /* stop's exit status */
};

static int fake_start(void *arg, struct err *err)
{
	const struct fake *f = arg;

	return f->fail ? err_set(err, "%s", f->fail) : 0;
}

static int fake_stop(void *arg)
{
	const struct fake *f = arg;
	struct event ev;
	int fd;

	/* Confined: no file opens any more. */
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		return 7;
	event_init(&ev);
	ev.kind = EVENT_SCAN;
	ev.time_us = 1700000000000000;
	strcpy(ev.sensor, "unit");
	ipaddr_parse("192.0.2.7", 9, &ev.src);
	for (int i = 0; i < f->events; i++)
		sink_emit(f->sink, &ev);
	return f->status;
}

/* Runs a fake sensor child into target; returns sensor_child_stop's result. */
static int run_child(struct fake *f, struct sink *target, char *why, size_t size)
{
	struct sensor_child_spec spec = {
		.name = "fake",
		.user = "nobody",
		.blocking_sink = true,
		.start = fake_start,
		.stop = fake_stop,
		.arg = f,
	};
	struct sensor_child *c;
	struct err err;

	c = sensor_child_new(&spec, &err);
	assert_non_null(c);
	f->sink = sensor_child_sink(c);
	assert_int_equal(sensor_child_fork(c, &err), 0);
	assert_int_equal(sensor_child_relay(c, target, NULL, &err), 0);
	why[0] = '\0';
	if (sensor_child_wait_started(c, &err))
		snprintf(why, size, "%s", err.msg);
	if (sensor_child_stop(c, &err))
		return snprintf(why, size, "%s", err.msg), -1;
	return 0;
}

static void test_events_at_stop_reach_the_parent(void **state)
{
	struct fake f = {.events = 2000}; /* more than a socket buffer holds */
	struct sink *target = null_sink_new();
	struct sink_stats st;
	char why[sizeof(((struct err *)0)->msg)];

	(void)state;
	assert_int_equal(run_child(&f, target, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	sink_stats(target, &st);
	assert_int_equal(st.emitted, 2000);
	sink_close(target, NULL);
}

static void test_failed_start_is_said_once(void **state)
{
	struct fake f = {.fail = "/var/log/cowrie.json: Permission denied"};
	struct sink *target = null_sink_new();
	char why[sizeof(((struct err *)0)->msg)];

	(void)state;
	/* stop says nothing more: the reason was wait_started's. */
	assert_int_equal(run_child(&f, target, why, sizeof(why)), 0);
	assert_string_equal(why, "/var/log/cowrie.json: Permission denied");
	sink_close(target, NULL);
}

static void test_exit_status(void **state)
{
	struct fake f = {.status = 3};
	struct sink *target = null_sink_new();
	char why[sizeof(((struct err *)0)->msg)];

	(void)state;
	assert_int_equal(run_child(&f, target, why, sizeof(why)), -1);
	assert_string_equal(why, "fake child failed (exit status 3)");
	sink_close(target, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_at_stop_reach_the_parent),
		cmocka_unit_test(test_failed_start_is_said_once),
		cmocka_unit_test(test_exit_status),
	};

#ifdef __SANITIZE_THREAD__
	/* TSan's runtime and a seccomp filter in a forked child do not mix. */
	return 0;
#endif
	return cmocka_run_group_tests(tests, NULL, NULL);
}
