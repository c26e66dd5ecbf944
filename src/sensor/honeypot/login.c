/* login.c - BusyBox login's dialogue on the pty model. */
#include "login.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static void put(struct hp_login *l, struct strbuf *out, const char *s)
{
	(void)l;
	strbuf_puts(out, s);
}

void hp_login_init(struct hp_login *l)
{
	memset(l, 0, sizeof(*l));
	hp_tty_init(&l->tty, LOGIN_LINE_MAX);
}

void hp_login_free(struct hp_login *l)
{
	hp_tty_free(&l->tty);
	free(l->typeahead);
	l->typeahead = NULL;
}

void hp_login_opening(struct hp_login *l, const struct hp_profile *p, struct strbuf *out)
{
	l->state = LOGIN_USER;
	l->typeahead_len = 0;
	l->tty.done = true; /* login's first tcflush */
	/* puts("\r") on a pty with ONLCR: CR CR LF once encoded. */
	put(l, out, "\r\n");
	for (const char *c = p->banner; *c; c++)
		put(l, out, *c == '\n' ? "\n\r" : (char[2]){*c, 0});
	put(l, out, p->login_prompt);
}

size_t hp_login_name_len(const struct hp_login *l)
{
	size_t n = 0;

	while (n < l->user_len && (unsigned char)l->user[n] > ' ')
		n++;
	return n;
}

static enum login_action user_line(struct hp_login *l, const struct hp_profile *p, struct strbuf *out)
{
	const char *line = l->tty.line;
	size_t len = l->tty.len, skip = 0;

	while (skip < len && (line[skip] == ' ' || line[skip] == '\t' || line[skip] == '\v' || line[skip] == '\f'))
		skip++;
	if (skip == len) {
		if (++l->empty_lines >= LOGIN_EMPTY_MAX) {
			l->close_reason = "login_empty_lines";
			return LOGIN_CLOSE;
		}
		put(l, out, p->login_prompt);
		return LOGIN_MORE;
	}
	if (len - skip > HP_LOGIN_NAME_MAX) {
		l->close_reason = "login_name_too_long";
		return LOGIN_CLOSE;
	}
	memcpy(l->user, line + skip, len - skip);
	l->user_len = len - skip;
	l->user[l->user_len] = '\0';
	l->empty_lines = 0;
	l->state = LOGIN_PASS;
	l->tty.echo = false;
	put(l, out, p->password_prompt);
	return LOGIN_MORE;
}

enum login_action hp_login_byte(struct hp_login *l, const struct hp_profile *p, uint8_t c, struct strbuf *out)
{
	enum tty_event ev;

	if (l->state == LOGIN_WAIT || l->state == LOGIN_START) {
		/* Echoed now, flushed when login prompts again. */
		if (l->typeahead_len == l->typeahead_cap && l->typeahead_cap < LOGIN_TYPEAHEAD_MAX) {
			l->typeahead_cap = l->typeahead_cap ? 2 * l->typeahead_cap : 64;
			l->typeahead = xrealloc(l->typeahead, l->typeahead_cap);
		}
		if (l->typeahead_len < l->typeahead_cap)
			l->typeahead[l->typeahead_len++] = (char)c;
		ev = hp_tty_byte(&l->tty, c, out);
		if (ev == TTY_OVERFLOW) {
			l->close_reason = "line_too_long";
			return LOGIN_CLOSE;
		}
		if (ev != TTY_NONE)
			l->tty.done = true; /* lines typed now go nowhere */
		return LOGIN_MORE;
	}
	ev = hp_tty_byte(&l->tty, c, out);
	if (ev == TTY_OVERFLOW) {
		l->close_reason = "line_too_long";
		return LOGIN_CLOSE;
	}
	if (l->state == LOGIN_USER) {
		if (ev == TTY_EOF) {
			l->close_reason = "login_eof";
			return LOGIN_CLOSE;
		}
		return ev == TTY_LINE ? user_line(l, p, out) : LOGIN_MORE;
	}
	/* LOGIN_PASS: ^D ends the read with what there is */
	if (ev != TTY_LINE && ev != TTY_EOF)
		return LOGIN_MORE;
	l->tty.echo = true;
	put(l, out, "\n");
	l->state = LOGIN_WAIT;
	l->typeahead_len = 0;
	return LOGIN_CHECK;
}

void hp_login_accepted(struct hp_login *l)
{
	l->state = LOGIN_SHELL;
}

void hp_login_refused(struct hp_login *l, const struct hp_profile *p, bool last, struct strbuf *out)
{
	put(l, out, p->login_incorrect);
	l->typeahead_len = 0;
	l->tty.done = true; /* login's tcflush: the line typed so far is gone */
	l->state = LOGIN_USER;
	if (!last)
		put(l, out, p->login_prompt);
}
