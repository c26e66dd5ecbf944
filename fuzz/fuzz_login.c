/* fuzz_login.c - BusyBox login's dialogue and the pty model behind it on
 * arbitrary bytes: the user, password and wait states, refusals and the
 * shell stage's tty, with the output bounded by what was typed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/strbuf.h"
#include "sensor/honeypot/login.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_profile p;
	struct hp_login l;
	struct strbuf out;
	static char expanded[8 * 32768];

	memset(&p, 0, sizeof(p));
	p.banner = "issue\n";
	p.login_prompt = "(none) login: ";
	p.password_prompt = "Password: ";
	p.login_incorrect = "Login incorrect\n";
	hp_login_init(&l);
	strbuf_init(&out, 1 << 20);
	hp_login_opening(&l, &p, &out);
	for (size_t i = 0; i < size; i++) {
		enum login_action a;

		strbuf_reset(&out);
		if (l.state == LOGIN_SHELL) {
			enum tty_event e = hp_tty_byte(&l.tty, data[i], &out);

			if (e == TTY_LINE && l.tty.len > l.tty.max)
				__builtin_trap();
		} else {
			a = hp_login_byte(&l, &p, data[i], &out);
			if (a == LOGIN_CLOSE) {
				if (!l.close_reason)
					__builtin_trap();
				break;
			}
			if (a == LOGIN_CHECK) {
				if (l.user_len > HP_LOGIN_NAME_MAX || l.tty.line[l.tty.len] != '\0')
					__builtin_trap();
				if (data[i] & 1)
					hp_login_accepted(&l);
				else
					hp_login_refused(&l, &p, false, &out);
			}
		}
		/* one byte's echo (a kill rubs out a whole line) and prompts */
		if (out.len > 6 * 8192 / 2 + 512)
			__builtin_trap();
		hp_tty_expand(&l.tty, out.data ? out.data : "", out.len, expanded);
	}
	strbuf_free(&out);
	hp_login_free(&l);
	return 0;
}
