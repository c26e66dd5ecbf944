/* tty.c - canonical-mode pty line discipline, echo included. */
#include "tty.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void hp_tty_init(struct hp_tty *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
	t->echo = true;
}

void hp_tty_free(struct hp_tty *t)
{
	free(t->line);
	t->line = NULL;
	t->len = t->cap = 0;
}

/* Room for one more byte and the NUL. */
static bool room(struct hp_tty *t)
{
	if (t->len + 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		if (cap > t->max + 1)
			cap = t->max + 1;
		if (t->len + 2 > cap)
			return false;
		t->line = xrealloc(t->line, cap);
		t->cap = cap;
	}
	return true;
}

size_t hp_tty_expand(struct hp_tty *t, const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\t') {
			do
				out[o++] = ' ';
			while (++t->col & 7);
			continue;
		}
		out[o++] = (char)c;
		if (c == '\r' || c == '\n')
			t->col = 0;
		else if (c == '\b')
			t->col -= t->col > 0;
		else if (c >= ' ' && c != 0x7f)
			t->col++;
	}
	return o;
}

static void echo_text(struct hp_tty *t, struct strbuf *echo, const char *s, size_t n)
{
	if (t->echo)
		strbuf_append(echo, s, n);
}

/* The echo of one typed byte: ^X for control bytes (ECHOCTL), the byte
 * itself otherwise (a tab is expanded on output). */
static void echo_byte(struct hp_tty *t, struct strbuf *echo, uint8_t c)
{
	char b[2];

	if ((c < ' ' && c != '\t') || c == 0x7f) {
		b[0] = '^';
		b[1] = (char)(c ^ 0x40);
		echo_text(t, echo, b, 2);
	} else {
		b[0] = (char)c;
		echo_text(t, echo, b, 1);
	}
}

/* ECHOE: rubs out the last byte of the line (two cells for a ^X). */
static void rub_out(struct hp_tty *t, struct strbuf *echo)
{
	uint8_t c = (uint8_t)t->line[--t->len];
	unsigned cells = (c < ' ' && c != '\t') || c == 0x7f ? 2 : 1;

	for (unsigned i = 0; i < cells; i++)
		echo_text(t, echo, "\b \b", 3);
}

/* A terminal's answer to ESC[6n, ESC [ row ; col R, is read by the line
 * editor, never seen as input. Returns true while c belongs to one. */
static bool skip_cpr(struct hp_tty *t, uint8_t c)
{
	bool fits;

	if (!t->cpr_expected)
		return false;
	if (t->cpr == 0)
		fits = c == 0x1b;
	else if (t->cpr == 1)
		fits = c == '[';
	else
		fits = (c >= '0' && c <= '9') || c == ';' || c == 'R';
	if (!fits || c == 'R' || ++t->cpr > 16) {
		t->cpr_expected = false;
		t->cpr = 0;
	}
	return fits; /* a byte that does not fit is input (what came before is lost) */
}

enum tty_event hp_tty_byte(struct hp_tty *t, uint8_t c, struct strbuf *echo)
{
	if (t->done) { /* the previous call completed a line */
		t->done = false;
		t->len = 0;
	}
	if (skip_cpr(t, c))
		return TTY_NONE;
	if (!room(t))
		return TTY_OVERFLOW;
	switch (c) {
	case '\n':
		echo_text(t, echo, "\n", 1);
		t->line[t->len] = '\0';
		t->done = true;
		return TTY_LINE;
	case 0x04: /* VEOF: ends the read; on an empty line that is end of file */
		t->line[t->len] = '\0';
		t->done = true;
		return t->len ? TTY_LINE : TTY_EOF;
	case 0x7f: /* VERASE */
		if (t->len)
			rub_out(t, echo);
		return TTY_NONE;
	case 0x15: /* VKILL, ECHOKE */
		while (t->len)
			rub_out(t, echo);
		return TTY_NONE;
	case 0x17: /* VWERASE */
		while (t->len && t->line[t->len - 1] == ' ')
			rub_out(t, echo);
		while (t->len && t->line[t->len - 1] != ' ')
			rub_out(t, echo);
		return TTY_NONE;
	case 0x03: /* VINTR, VQUIT, VSUSP: a signal; the line is gone */
	case 0x1c:
	case 0x1a:
		echo_byte(t, echo, c);
		t->len = 0;
		return TTY_INTR;
	case 0:
		return TTY_NONE; /* telnet's CR NUL remnant */
	}
	echo_byte(t, echo, c);
	t->line[t->len++] = (char)c;
	return TTY_NONE;
}
