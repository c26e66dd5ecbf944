/* telnet.c - telnet option negotiation state machine. */
#include "telnet.h"

#include <string.h>

enum { S_DATA, S_IAC, S_VERB, S_SB, S_SB_IAC };

static bool bit(const uint8_t *map, uint8_t opt)
{
	return map[opt >> 3] & (1u << (opt & 7));
}

static void set_bit(uint8_t *map, uint8_t opt, bool on)
{
	if (on)
		map[opt >> 3] |= (uint8_t)(1u << (opt & 7));
	else
		map[opt >> 3] &= (uint8_t)~(1u << (opt & 7));
}

size_t telnet_start(struct telnet *t, uint8_t *out)
{
	static const uint8_t opening[12] = {TELNET_IAC, TELNET_DO,   TELNET_OPT_ECHO, TELNET_IAC,
					    TELNET_DO,	TELNET_OPT_NAWS, TELNET_IAC, TELNET_WILL,
					    TELNET_OPT_ECHO, TELNET_IAC, TELNET_WILL, TELNET_OPT_SGA};

	memset(t, 0, sizeof(*t));
	/* Optimistic: what we offered counts as on until the peer refuses, so
	 * its acknowledgements need no answer. */
	set_bit(t->us, TELNET_OPT_ECHO, true);
	set_bit(t->us, TELNET_OPT_SGA, true);
	set_bit(t->him, TELNET_OPT_NAWS, true);
	set_bit(t->him, TELNET_OPT_ECHO, true);
	memcpy(out, opening, sizeof(opening));
	return sizeof(opening);
}

bool telnet_we_echo(const struct telnet *t)
{
	return bit(t->us, TELNET_OPT_ECHO);
}

static void reply3(uint8_t verb, uint8_t opt, uint8_t *reply, size_t cap, size_t *len)
{
	if (*len + 3 > cap)
		return;
	reply[(*len)++] = TELNET_IAC;
	reply[(*len)++] = verb;
	reply[(*len)++] = opt;
}

/* BusyBox telnetd never answers the peer's negotiation: it sent its four
 * options once and lets the peer do what it likes. Only the state is kept
 * (ECHO, for telnet_we_echo). */
static void negotiate(struct telnet *t, uint8_t verb, uint8_t opt)
{
	if (verb == TELNET_DONT || verb == TELNET_DO)
		set_bit(t->us, opt, verb == TELNET_DO);
	else
		set_bit(t->him, opt, verb == TELNET_WILL);
}

/* A data byte: folds CR LF / CR NUL / lone CR into '\n'. */
static size_t data_byte(struct telnet *t, uint8_t c, uint8_t *data, size_t o)
{
	if (t->cr) {
		t->cr = false;
		if (c == '\n' || c == '\0')
			return o;
	}
	if (c == '\r') {
		t->cr = true;
		data[o++] = '\n';
		return o;
	}
	data[o++] = c;
	return o;
}

size_t telnet_input(struct telnet *t, const uint8_t *in, size_t n, uint8_t *data, uint8_t *reply,
		    size_t reply_cap, size_t *reply_len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		switch (t->state) {
		case S_DATA:
			if (c == TELNET_IAC)
				t->state = S_IAC;
			else
				o = data_byte(t, c, data, o);
			break;
		case S_IAC:
			t->commands++;
			if (c == TELNET_IAC) {
				o = data_byte(t, c, data, o);
				t->state = S_DATA;
			} else if (c >= TELNET_WILL && c <= TELNET_DONT) {
				t->verb = c;
				t->state = S_VERB;
			} else if (c == TELNET_SB) {
				t->sb_len = 0;
				t->state = S_SB;
			} else {
				/* BusyBox answers AYT with IAC NOP written
				 * through its 0xff-doubling output path:
				 * ff ff f1 on the wire. NOP, GA, ...: nothing. */
				if (c == TELNET_AYT)
					reply3(TELNET_IAC, TELNET_NOP, reply, reply_cap, reply_len);
				t->state = S_DATA;
			}
			break;
		case S_VERB:
			negotiate(t, t->verb, c);
			t->state = S_DATA;
			break;
		case S_SB:
			if (c == TELNET_IAC) {
				t->state = S_SB_IAC;
				break;
			}
			if (++t->sb_len > TELNET_SB_MAX) {
				t->errors++;
				t->state = S_DATA;
			}
			break;
		case S_SB_IAC:
			if (c == TELNET_SE) {
				t->state = S_DATA;
			} else {
				/* IAC IAC inside SB is a literal 0xff; anything else
				 * is malformed, and we stay in SB until SE or the bound. */
				t->state = S_SB;
				if (++t->sb_len > TELNET_SB_MAX) {
					t->errors++;
					t->state = S_DATA;
				}
			}
			break;
		default:
			t->state = S_DATA;
		}
	}
	return o;
}

size_t telnet_encode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == TELNET_IAC) {
			out[o++] = TELNET_IAC;
			out[o++] = TELNET_IAC;
		} else if (in[i] == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
		} else {
			out[o++] = in[i];
		}
	}
	return o;
}
