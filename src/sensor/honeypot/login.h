/* login.h - BusyBox login's dialogue (loginutils/login.c, 1.35) on the
 * pty model of tty.h, byte by byte, as the real device shows it:
 *
 *   opening    "\r\n", the issue text (each '\n' written "\n\r"), the
 *              "HOST login: " prompt; the caller sends it a moment after
 *              the telnet options (login starting up: prompt_delay_ms),
 *              and what was typed before is echoed, then flushed
 *   user       leading blanks skipped; an empty line re-prompts (the
 *              tenth ends the session); 62 or more bytes or ^D end it
 *   password   not echoed; then "\n" at once, and after a refusal
 *              "Login incorrect" only when the caller's delay (about 3 s)
 *              is over; what is typed meanwhile is echoed, then flushed
 *              as login flushes type-ahead: it is handed to the caller to
 *              record, never lost
 * The credential check, the delay's timer and the events are the
 * caller's. */
#ifndef IOTMON_HP_LOGIN_H
#define IOTMON_HP_LOGIN_H

#include "core/strbuf.h"
#include "profile.h"
#include "tty.h"

#define HP_LOGIN_NAME_MAX 61 /* longer names end the session, as BusyBox's 64-byte buffer does */
#define LOGIN_EMPTY_MAX 10 /* empty lines at the prompt before login gives up */
#define LOGIN_LINE_MAX 4095 /* n_tty's line buffer */
#define LOGIN_TYPEAHEAD_MAX 4096 /* flushed bytes kept per wait */

/* START: login is not running yet (telnetd sent its options only); what
 * arrives is echoed by the pty and flushed by login, like WAIT's. */
enum login_state { LOGIN_START, LOGIN_USER, LOGIN_PASS, LOGIN_WAIT, LOGIN_SHELL };

enum login_action {
	LOGIN_MORE, /* nothing for the caller */
	LOGIN_CHECK, /* a pair is complete: user and the password in tty.line */
	LOGIN_CLOSE, /* the device ends the session (close_reason says why) */
};

struct hp_login {
	enum login_state state;
	struct hp_tty tty;
	char user[HP_LOGIN_NAME_MAX + 1]; /* as typed, from its first non-blank byte */
	size_t user_len;
	unsigned empty_lines;
	char *typeahead; /* raw bytes typed during the wait (grown on demand) */
	size_t typeahead_len, typeahead_cap;
	const char *close_reason;
};

void hp_login_init(struct hp_login *l);
void hp_login_free(struct hp_login *l);

/* The text after the options: "\n", issue, login prompt ('\n' = CR LF);
 * the type-ahead so far is dropped (the caller records it first). */
void hp_login_opening(struct hp_login *l, const struct hp_profile *p, struct strbuf *out);

/* One data byte from the peer in the USER, PASS or WAIT state; echo and
 * prompts go to out. After LOGIN_CHECK the state is LOGIN_WAIT: the caller
 * either calls hp_login_accepted() or, when its delay is over,
 * hp_login_refused(). */
enum login_action hp_login_byte(struct hp_login *l, const struct hp_profile *p, uint8_t c, struct strbuf *out);

/* The username the device would look up: the first word of what was typed. */
size_t hp_login_name_len(const struct hp_login *l);

void hp_login_accepted(struct hp_login *l);

/* "Login incorrect" and, unless last, a new prompt; the type-ahead is then
 * dropped (the caller records it first). */
void hp_login_refused(struct hp_login *l, const struct hp_profile *p, bool last, struct strbuf *out);

#endif
