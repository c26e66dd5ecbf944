/* Unit tests for batch messages: events come back as they went, and a
 * damaged message is refused whole, naming the event and offset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_wire.h"
#include "transport/event_batch.h"

static void sample(struct event *ev, int i)
{
	event_init(ev);
	ev->time_us = 1740787200000000 + i;
	ev->kind = i % 2 ? EVENT_LOGIN : EVENT_COMMAND;
	ipaddr_from_v4(0xc0000201u + (uint32_t)i, &ev->src);
	ev->src_port = (uint16_t)(40000 + i);
	ev->dst_port = 23;
	strcpy(ev->sensor, "hp-1");
	if (i % 2) {
		ev->username = strdup("root");
		ev->password = strdup(i % 3 ? "xc3511" : "");
		ev->success = 0;
	} else {
		ev->input = strdup("/bin/busybox MIRAI\ttab");
	}
}

static void test_round_trip(void **state)
{
	struct event_batch b = {0};
	struct event in[300], *out;
	const uint8_t *data;
	struct err err;
	size_t len, n;

	(void)state;
	for (int i = 0; i < 300; i++) {
		sample(&in[i], i);
		assert_int_equal(event_batch_add(&b, &in[i]), 0);
	}
	data = event_batch_finish(&b, &len);
	assert_true(event_batch_is(data, len));
	assert_int_equal(event_batch_count(data, len), 300);
	assert_int_equal(event_batch_decode(data, len, &out, &n, &err), 0);
	assert_int_equal(n, 300);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(event_uid(&out[i]), event_uid(&in[i]));
		assert_int_equal(out[i].time_us, in[i].time_us);
		event_free(&out[i]);
		event_free(&in[i]);
	}
	free(out);
	/* Reset keeps the buffer and starts an empty batch. */
	event_batch_reset(&b);
	assert_int_equal(b.count, 0);
	event_batch_free(&b);
}

static void test_damage_refused(void **state)
{
	struct event_batch b = {0};
	struct event ev, *out;
	uint8_t copy[4096];
	const uint8_t *data;
	struct err err;
	size_t len, n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		sample(&ev, i);
		assert_int_equal(event_batch_add(&b, &ev), 0);
		event_free(&ev);
	}
	data = event_batch_finish(&b, &len);
	assert_true(len < sizeof(copy));
	/* Cut short: the last event runs past the end. */
	assert_int_equal(event_batch_decode(data, len - 1, &out, &n, &err), -1);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.msg, "event 2"));
	/* One byte too many. */
	memcpy(copy, data, len);
	copy[len] = 0;
	assert_int_equal(event_batch_decode(copy, len + 1, &out, &n, &err), -1);
	assert_non_null(strstr(err.msg, "left over"));
	/* A count the bytes cannot hold, and a count of zero. */
	memcpy(copy, data, len);
	copy[3] = 0xff;
	copy[4] = 0x0f;
	assert_int_equal(event_batch_decode(copy, len, &out, &n, &err), -1);
	copy[3] = copy[4] = 0;
	assert_int_equal(event_batch_decode(copy, len, &out, &n, &err), -1);
	/* A length that claims more than is left. */
	memcpy(copy, data, len);
	copy[5] = 0xff;
	copy[6] = 0xff;
	assert_int_equal(event_batch_decode(copy, len, &out, &n, &err), -1);
	assert_non_null(strstr(err.msg, "event 0 at offset 5"));
	/* A damaged event inside: its wire header. */
	memcpy(copy, data, len);
	copy[9] = 'X';
	assert_int_equal(event_batch_decode(copy, len, &out, &n, &err), -1);
	assert_non_null(strstr(err.msg, "event 0"));
	/* Not a batch at all. */
	assert_false(event_batch_is("{\"time\":1}", 10));
	assert_int_equal(event_batch_count("{\"time\":1}", 10), 0);
	event_batch_free(&b);
}

static void test_too_long_for_the_wire_form(void **state)
{
	struct event_batch b = {0};
	struct event ev;

	(void)state;
	sample(&ev, 0);
	free(ev.input);
	ev.input = NULL;
	ev.extra = malloc(EVENT_WIRE_TEXT_MAX + 2);
	memset(ev.extra, 'x', EVENT_WIRE_TEXT_MAX + 1);
	ev.extra[EVENT_WIRE_TEXT_MAX + 1] = '\0';
	assert_int_equal(event_batch_add(&b, &ev), -1);
	assert_int_equal(b.count, 0);
	event_free(&ev);
	event_batch_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damage_refused),
		cmocka_unit_test(test_too_long_for_the_wire_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
