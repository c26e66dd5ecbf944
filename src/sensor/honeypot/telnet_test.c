/* telnet_test.c - the negotiation state machine, byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/honeypot/telnet.h"

struct run {
	uint8_t data[4096], reply[4096];
	size_t ndata, nreply;
};

static void feed(struct telnet *t, struct run *r, const void *in, size_t n)
{
	r->ndata += telnet_input(t, in, n, r->data + r->ndata, r->reply, sizeof(r->reply), &r->nreply);
}

static void test_opening(void **state)
{
	static const uint8_t want[12] = {255, 253, 1, 255, 253, 31, 255, 251, 1, 255, 251, 3};
	struct telnet t;
	uint8_t out[12];

	(void)state;
	assert_int_equal(telnet_start(&t, out), 12);
	assert_memory_equal(out, want, 12);
	assert_true(telnet_we_echo(&t));
}

static void test_answers(void **state)
{
	/* Like BusyBox telnetd: no option request is answered (DONT ECHO only
	 * records the state), and AYT gets ff ff f1. */
	static const uint8_t in[] = {255, 251, 31,  255, 253, 3,   255, 253, 24,  255, 251, 24,
				     255, 252, 1,   255, 254, 1,   255, 246};
	static const uint8_t want[] = {255, 255, 241};
	struct telnet t;
	struct run r = {0};
	uint8_t open[12];

	(void)state;
	telnet_start(&t, open);
	feed(&t, &r, in, sizeof(in));
	assert_int_equal(r.ndata, 0);
	assert_int_equal(r.nreply, sizeof(want));
	assert_memory_equal(r.reply, want, sizeof(want));
	assert_false(telnet_we_echo(&t));
}

static void test_lines(void **state)
{
	/* CR LF, CR NUL and a lone CR each end a line once; IAC IAC is 0xff;
	 * a split CR LF across two reads stays one line end. */
	struct telnet t;
	struct run r = {0};
	uint8_t open[12];

	(void)state;
	telnet_start(&t, open);
	feed(&t, &r, "ab\r\ncd\r", 7);
	feed(&t, &r, "\0ef\rgh\r", 7);
	feed(&t, &r, "\nx\377\377y\n", 6);
	assert_int_equal(r.ndata, 16);
	assert_memory_equal(r.data, "ab\ncd\nef\ngh\nx\377y\n", 16);
}

static void test_subnegotiation(void **state)
{
	/* NAWS 80x24 is skipped; an endless SB is cut at the bound and data
	 * after it flows again. */
	static const uint8_t naws[] = {255, 250, 31, 0, 80, 0, 24, 255, 240, 'o', 'k'};
	uint8_t big[TELNET_SB_MAX + 20];
	struct telnet t;
	struct run r = {0};
	uint8_t open[12];

	(void)state;
	telnet_start(&t, open);
	feed(&t, &r, naws, sizeof(naws));
	assert_int_equal(r.ndata, 2);
	assert_memory_equal(r.data, "ok", 2);
	memset(big, 'z', sizeof(big));
	big[0] = 255;
	big[1] = 250;
	r.ndata = 0;
	feed(&t, &r, big, sizeof(big));
	assert_int_equal(t.errors, 1);
	assert_true(r.ndata > 0 && r.ndata < 20);
}

static void test_flood_bounded(void **state)
{
	/* 10 000 requests over all options: none is answered. */
	struct telnet t;
	struct run r = {0};
	uint8_t open[12], cmd[3];

	(void)state;
	telnet_start(&t, open);
	for (int i = 0; i < 10000; i++) {
		cmd[0] = 255;
		cmd[1] = (uint8_t)(251 + i % 4);
		cmd[2] = (uint8_t)(i % 256);
		feed(&t, &r, cmd, 3);
	}
	assert_int_equal(r.ndata, 0);
	assert_int_equal(r.nreply, 0);
	assert_int_equal(t.commands, 10000);
}

static void test_encode(void **state)
{
	uint8_t out[16];

	(void)state;
	assert_int_equal(telnet_encode((const uint8_t *)"a\n\377", 3, out), 5);
	assert_memory_equal(out, "a\r\n\377\377", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opening),	    cmocka_unit_test(test_answers),
		cmocka_unit_test(test_lines),	    cmocka_unit_test(test_subnegotiation),
		cmocka_unit_test(test_flood_bounded), cmocka_unit_test(test_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
