/* family.h - naming the malware family behind a honeypot session.
 *
 * One tracker per session is fed every command line and URL of the
 * session, in order; family_name() then gives the family the dialogue
 * points to. Both our honeypot and the Cowrie importer use it, so a session
 * gets the same name whichever of them recorded it.
 *
 * Rules (docs/internals/family.md; facts from iot-threats.md §2), first
 * match wins:
 *   gafgyt  the `gayfgt` marker (plain or as the octal escapes BASHLITE
 *           echoes), or its loader scripts bins.sh / tftp1.sh / ftp1.sh
 *   mozi    a Mozi.m / Mozi.a file name in a command or URL
 *   mirai   the stock tokens MIRAI / ECCHI / IHCCE, the loader names
 *           dvrHelper / .nippon / bins/mirai., or the scanner opening
 *           (enable, system, and shell or sh) followed by
 *           `/bin/busybox TOKEN` with TOKEN in capital letters
 *   hajime  `/bin/busybox TOKEN` with the `.s` stage file scheme
 *           (cp /bin/echo .s, dd ... if=.s) and no `system` in the opening
 *   ""      unknown otherwise */
#ifndef IOTMON_FAMILY_H
#define IOTMON_FAMILY_H

#include <stddef.h>

#define FAMILY_TOKEN_MAX 17

struct family_tracker {
	unsigned flags;
	char token[FAMILY_TOKEN_MAX]; /* first capital-letter busybox token */
};

void family_init(struct family_tracker *t);
/* One command line as typed (may hold `;` / `&&` chains). */
void family_feed_command(struct family_tracker *t, const char *line, size_t len);
/* A download URL (wget/tftp/curl or an exploit payload). */
void family_feed_url(struct family_tracker *t, const char *url, size_t len);
/* "mirai", "gafgyt", "mozi", "hajime", or "" when unknown. */
const char *family_name(const struct family_tracker *t);
/* The busybox token seen ("" if none). */
const char *family_token(const struct family_tracker *t);

#endif
