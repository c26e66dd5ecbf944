/* telnet.h - the server side of telnet option negotiation (RFC 854/855).
 *
 * A byte-at-a-time state machine with no allocation: feed it what the peer
 * sent, get back the data bytes (IAC sequences removed, IAC IAC folded to
 * 0xff, CR LF and CR NUL folded to a single '\n') and the replies to send.
 * Like BusyBox telnetd, WILL/WONT/DO/DONT are never answered (only their
 * state is kept) and AYT gets the bytes ff ff f1, so a peer repeating
 * requests cannot make us loop or flood; sub-negotiation (SB ... IAC SE)
 * is skipped, and one longer than TELNET_SB_MAX ends and counts as a
 * protocol error. */
#ifndef IOTMON_TELNET_H
#define IOTMON_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TELNET_IAC 255
#define TELNET_DONT 254
#define TELNET_DO 253
#define TELNET_WONT 252
#define TELNET_WILL 251
#define TELNET_SB 250
#define TELNET_SE 240
#define TELNET_AYT 246
#define TELNET_NOP 241
#define TELNET_OPT_ECHO 1
#define TELNET_OPT_SGA 3
#define TELNET_OPT_NAWS 31

#define TELNET_SB_MAX 512

struct telnet {
	uint8_t state; /* parser state (telnet.c) */
	uint8_t verb; /* WILL/WONT/DO/DONT being parsed */
	bool cr; /* the previous data byte was CR */
	uint16_t sb_len;
	uint8_t us[32], him[32]; /* option bitmaps: what the peer asked of us, what it offered */
	uint32_t commands; /* IAC commands seen */
	uint32_t errors; /* over-long sub-negotiations */
};

/* Initialises t and writes the opening negotiation of a BusyBox telnetd
 * (DO ECHO, DO NAWS, WILL ECHO, WILL SGA) into out; returns its length
 * (12; out must hold 12 bytes). */
size_t telnet_start(struct telnet *t, uint8_t *out);

/* Consumes n bytes. Data bytes are written to data (capacity >= n) and
 * their count is returned; replies are appended to reply (capacity
 * reply_cap; a reply that does not fit is dropped) and *reply_len grows. */
size_t telnet_input(struct telnet *t, const uint8_t *in, size_t n, uint8_t *data, uint8_t *reply,
		    size_t reply_cap, size_t *reply_len);

/* True when the peer has not said DONT ECHO (BusyBox echoes regardless). */
bool telnet_we_echo(const struct telnet *t);

/* Escapes 0xff as IAC IAC and '\n' as CR LF for sending; returns bytes
 * written to out (capacity 2 * n). */
size_t telnet_encode(const uint8_t *in, size_t n, uint8_t *out);

#endif
