/* login_test.c - BusyBox login's dialogue and the pty echo, against the
 * bytes the real BusyBox 1.35 login wrote (captured on loopback). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "login.h"

static struct hp_profile prof;

static int setup(void **state)
{
	(void)state;
	memset(&prof, 0, sizeof(prof));
	prof.banner = "";
	prof.login_prompt = "(none) login: ";
	prof.password_prompt = "Password: ";
	prof.login_incorrect = "Login incorrect\n";
	return 0;
}

/* Feeds text; returns what the device wrote (through the tab expansion),
 * and the last action in *last. */
static const char *feed(struct hp_login *l, const char *in, enum login_action *last)
{
	static char out[8192];
	struct strbuf b;
	size_t n;

	strbuf_init(&b, 4096);
	*last = LOGIN_MORE;
	for (const char *c = in; *c && *last != LOGIN_CLOSE && *last != LOGIN_CHECK; c++)
		*last = hp_login_byte(l, &prof, (uint8_t)*c, &b);
	n = hp_tty_expand(&l->tty, b.data ? b.data : "", b.len, out);
	out[n] = '\0';
	strbuf_free(&b);
	return out;
}

/* A login past its opening, as after prompt_delay_ms. */
static void start(struct hp_login *l)
{
	struct strbuf b;

	hp_login_init(l);
	strbuf_init(&b, 4096);
	hp_login_opening(l, &prof, &b);
	strbuf_free(&b);
}

static void test_opening(void **state)
{
	struct hp_login l;
	struct strbuf b;
	enum login_action a;

	(void)state;
	hp_login_init(&l);
	/* before login runs: echoed, kept for the caller, then flushed */
	assert_string_equal(feed(&l, "root\n", &a), "root\n");
	assert_int_equal(l.typeahead_len, 5);
	strbuf_init(&b, 4096);
	prof.banner = "Debian GNU/Linux 12\n";
	hp_login_opening(&l, &prof, &b);
	assert_int_equal(l.typeahead_len, 0);
	assert_int_equal(l.state, LOGIN_USER);
	/* puts("\r") and each issue '\n' as "\n\r" ('\n' is CR LF on the wire) */
	assert_string_equal(b.data, "\r\nDebian GNU/Linux 12\n\r(none) login: ");
	strbuf_free(&b);
	hp_login_free(&l);
}

static void test_echo_and_reprompt(void **state)
{
	struct hp_login l;
	enum login_action a;

	(void)state;
	start(&l);
	assert_string_equal(feed(&l, "\n", &a), "\n(none) login: ");
	assert_string_equal(feed(&l, "ro\x7fot\x15" "ad\x01min\n", &a),
			    "ro\b \bot\b \b\b \b\b \bad^Amin\nPassword: ");
	assert_string_equal(l.user, "ad\x01min");
	assert_string_equal(feed(&l, "secret\n", &a), "\n"); /* not echoed */
	assert_int_equal(a, LOGIN_CHECK);
	assert_string_equal(l.tty.line, "secret");
	/* typed during the wait: echoed, then flushed but kept for the caller */
	assert_string_equal(feed(&l, "root\n", &a), "root\n");
	assert_int_equal(l.typeahead_len, 5);
	assert_memory_equal(l.typeahead, "root\n", 5);
	hp_login_free(&l);
}

static void test_ends(void **state)
{
	struct hp_login l;
	enum login_action a;
	char name[80];

	(void)state;
	start(&l);
	feed(&l, "\x04", &a);
	assert_int_equal(a, LOGIN_CLOSE);
	assert_string_equal(l.close_reason, "login_eof");
	hp_login_free(&l);

	start(&l);
	memset(name, 'a', 62);
	strcpy(name + 62, "\n");
	feed(&l, name, &a);
	assert_int_equal(a, LOGIN_CLOSE);
	assert_string_equal(l.close_reason, "login_name_too_long");
	hp_login_free(&l);

	start(&l);
	strcpy(name + 61, "\n");
	feed(&l, name, &a);
	assert_int_equal(l.state, LOGIN_PASS);
	hp_login_free(&l);

	start(&l);
	for (int i = 0; i < 9; i++) {
		feed(&l, "\n", &a);
		assert_int_equal(a, LOGIN_MORE);
	}
	feed(&l, "\n", &a);
	assert_int_equal(a, LOGIN_CLOSE);
	hp_login_free(&l);
}

static void test_tabs(void **state)
{
	struct hp_tty t;
	char out[64];

	(void)state;
	hp_tty_init(&t, 100);
	/* after "(none) login: " (14 columns) and 7 typed, a tab fills to 24 */
	assert_int_equal(hp_tty_expand(&t, "(none) login:   ro ot\tx", 23, out), 25);
	assert_memory_equal(out, "(none) login:   ro ot   x", 25);
	hp_tty_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_opening, setup),
		cmocka_unit_test_setup(test_echo_and_reprompt, setup),
		cmocka_unit_test_setup(test_ends, setup),
		cmocka_unit_test_setup(test_tabs, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
