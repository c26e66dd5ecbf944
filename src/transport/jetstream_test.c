/* Unit tests for the JetStream naming: subjects a sensor name cannot break,
 * and the message id that carries the event identity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "transport/jetstream.h"

static void test_subject_per_sensor(void **state)
{
	char s[JS_SUBJECT_MAX];

	(void)state;
	js_event_subject("iotmon.events", "hp-ams-01", s);
	assert_string_equal(s, "iotmon.events.hp-ams-01");
	/* Wildcards, token separators and blanks would change the subject's meaning. */
	js_event_subject("iotmon.events", "a.b *>c\td", s);
	assert_string_equal(s, "iotmon.events.a_b___c_d");
	js_event_subject("iotmon.events", "", s);
	assert_string_equal(s, "iotmon.events.unknown");
}

static void test_subject_is_bounded(void **state)
{
	char s[JS_SUBJECT_MAX], name[EVENT_SENSOR_MAX * 4];

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	js_event_subject("iotmon.events", name, s);
	assert_int_equal(strlen(s), JS_SUBJECT_MAX - 1);
}

static void test_msg_id_is_the_identity(void **state)
{
	char id[JS_MSG_ID_MAX], want[JS_MSG_ID_MAX];
	struct event a, b;

	(void)state;
	event_init(&a);
	a.time_us = INT64_C(1740787200123456);
	a.kind = EVENT_LOGIN;
	strcpy(a.sensor, "hp-a");
	event_copy(&b, &a);
	js_event_msg_id(&a, id);
	snprintf(want, sizeof(want), "%" PRId64 "-%" PRId64, a.time_us, event_uid(&a));
	assert_string_equal(id, want);
	/* The same evidence re-sent has the same id; other evidence another. */
	js_event_msg_id(&b, want);
	assert_string_equal(id, want);
	b.src_port = 2323;
	js_event_msg_id(&b, want);
	assert_string_not_equal(id, want);
	event_free(&a);
	event_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_per_sensor),
		cmocka_unit_test(test_subject_is_bounded),
		cmocka_unit_test(test_msg_id_is_the_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
