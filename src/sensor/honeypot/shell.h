/* shell.h - a BusyBox-like shell for the telnet honeypot.
 *
 * Good enough that Mirai-, Hajime- and Gafgyt-style bots and loaders
 * finish their dialogue: `enable`/`system`/`shell`/`sh`, `/bin/busybox
 * TOKEN` answered "TOKEN: applet not found", `cat /proc/mounts`, the ELF
 * header of /bin/echo, `echo -ne '\x..' > file` droppers (reassembled in a
 * small in-memory file table under a size cap), wget/tftp/curl/ftpget
 * (reported, never fetched), `;` `&&` `||` `|` chains. Nothing is ever
 * executed or fetched.
 *
 * Every line is parsed within its own length: no global state, no
 * allocation proportional to anything but the line and the caps. */
#ifndef IOTMON_HP_SHELL_H
#define IOTMON_HP_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "profile.h"

#define SHELL_LINE_MAX 8192 /* longest line run; longer input is cut */
#define SHELL_MAX_FILES 32

struct shell_callbacks {
	/* A download command: tool ("wget", "tftp", ...) and the URL it named. */
	void (*download)(void *arg, const char *tool, const char *url);
	void *arg;
};

struct shell;

/* payload_max: bytes kept per dropped file (and in all files together). */
struct shell *shell_new(const struct hp_profile *p, size_t payload_max);
void shell_free(struct shell *sh);

/* What ash prints when it starts: BusyBox's version and "built-in shell". */
const char *shell_banner(const struct shell *sh);

/* The prompt now: the profile's in the login shell, "~ # " or "CWD # " in
 * a nested one. */
const char *shell_prompt(struct shell *sh);

enum shell_status { SHELL_CONTINUE, SHELL_EXIT };

/* Runs one line (no newline). Terminal output is appended to out (raw
 * bytes, '\n' line ends; the caller encodes them for telnet). */
enum shell_status shell_run(struct shell *sh, const char *line, size_t len, struct strbuf *out,
			    const struct shell_callbacks *cb);

/* Files the session wrote with echo/printf data (droppers), in creation
 * order: path, content (possibly cut at payload_max: truncated). */
typedef void (*shell_file_fn)(void *arg, const char *path, const uint8_t *data, size_t len, bool truncated);
/* Memory the shell and its files hold now, as the allocator counts it
 * (the honeypot's memory budget). */
size_t shell_held_bytes(const struct shell *sh);
void shell_each_dropped(const struct shell *sh, shell_file_fn fn, void *arg);

#endif
