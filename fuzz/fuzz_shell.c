/* fuzz_shell.c - the honeypot shell's line parser and applets: each input
 * line is run on one shell, then its dropped files are walked. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sensor/honeypot/shell.h"

static void on_download(void *arg, const char *tool, const char *url)
{
	(void)arg;
	if (!tool || !url)
		__builtin_trap();
}

static void on_file(void *arg, const char *path, const uint8_t *data, size_t len, bool truncated)
{
	(void)arg;
	(void)truncated;
	if (!path || (len && !data) || len > 4096)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_profile p;
	struct shell *sh;
	struct shell_callbacks cb = {.download = on_download};
	const char *s = (const char *)data, *end = s + size;

	memset(&p, 0, sizeof(p));
	p.name = "fuzz";
	p.hostname = "(none)";
	p.uname = "Linux";
	p.machine = "mips";
	p.busybox_version = "BusyBox v1.22.1";
	p.proc_mounts = "rootfs / rootfs rw 0 0\n";
	p.proc_cpuinfo = "";
	sh = shell_new(&p, 4096);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		struct strbuf out;

		strbuf_init(&out, 1 << 16);
		if (shell_run(sh, s, len, &out, &cb) == SHELL_EXIT) {
			strbuf_free(&out);
			break;
		}
		strbuf_free(&out);
		s += len + 1;
	}
	shell_each_dropped(sh, on_file, NULL);
	shell_free(sh);
	return 0;
}
