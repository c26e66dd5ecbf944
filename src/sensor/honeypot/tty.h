/* tty.h - the device side of a pty in canonical mode, as BusyBox login
 * and a shell see their terminal behind telnetd.
 *
 * Linux n_tty with the termios login leaves: ICRNL, ECHO, ECHOE, ECHOCTL,
 * ECHOKE, ISIG, ONLCR, XTABS. The peer's typing is echoed (unless a
 * password is read), control bytes show as ^A, erase (^?) and kill (^U)
 * rub out what they remove, ^C ^\ ^Z discard the line, ^D at the start
 * of a line is end of file. A byte-at-a-time machine with no allocation;
 * echo text goes to a strbuf with '\n' for the CR LF the pty writes. */
#ifndef IOTMON_HP_TTY_H
#define IOTMON_HP_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

enum tty_event { TTY_NONE, TTY_LINE, TTY_EOF, TTY_INTR, TTY_OVERFLOW };

struct hp_tty {
	char *line; /* the line being typed (grown on demand); NUL-terminated on TTY_LINE */
	size_t len, cap, max;
	unsigned col; /* output column, for tab stops */
	bool echo; /* false while a password is read */
	bool done; /* line complete: the next byte starts a new one */
	uint8_t cpr; /* bytes of a cursor position report being skipped */
	bool cpr_expected; /* ESC[6n was sent: its answer is not input */
};

/* max: the longest line; one byte more is TTY_OVERFLOW. */
void hp_tty_init(struct hp_tty *t, size_t max);
void hp_tty_free(struct hp_tty *t);

/* One input byte. Echo is appended to echo; TTY_LINE: t->line holds the
 * completed line (t->len bytes, no newline) until the next call, which
 * starts a new line. */
enum tty_event hp_tty_byte(struct hp_tty *t, uint8_t c, struct strbuf *echo);

/* Output through the pty: tabs become spaces to the next stop of 8
 * (telnetd sets XTABS), counting columns from all earlier output. out
 * holds 8 * n bytes; returns its length. */
size_t hp_tty_expand(struct hp_tty *t, const char *in, size_t n, char *out);

#endif
