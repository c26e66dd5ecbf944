/* family.c - malware family attribution from a session's dialogue. */
#include "family.h"

#include <string.h>

enum {
	F_ENABLE = 1 << 0,
	F_SYSTEM = 1 << 1,
	F_SHELL = 1 << 2, /* `shell` or `sh` */
	F_TOKEN = 1 << 3,
	F_MIRAI = 1 << 4, /* a stock Mirai marker */
	F_STAGE_S = 1 << 5, /* Hajime's .s scheme */
	F_GAFGYT = 1 << 6,
	F_MOZI = 1 << 7,
};

void family_init(struct family_tracker *t)
{
	memset(t, 0, sizeof(*t));
}

static int has(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

/* Markers that may appear in commands and in URLs alike. */
static void scan_markers(struct family_tracker *t, const char *s, size_t len)
{
	static const char *const gafgyt[] = {"gayfgt", "\\147\\141\\171\\146\\147\\164", "bins.sh",
					     "tftp1.sh", "tftp2.sh", "ftp1.sh"};
	static const char *const mirai[] = {"dvrHelper", ".nippon", "bins/mirai."};

	for (size_t i = 0; i < sizeof(gafgyt) / sizeof(gafgyt[0]); i++)
		if (has(s, len, gafgyt[i]))
			t->flags |= F_GAFGYT;
	if (has(s, len, "Mozi.m") || has(s, len, "Mozi.a"))
		t->flags |= F_MOZI;
	for (size_t i = 0; i < sizeof(mirai) / sizeof(mirai[0]); i++)
		if (has(s, len, mirai[i]))
			t->flags |= F_MIRAI;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Finds `busybox TOKEN` words with TOKEN made of 3-16 capital letters:
 * applet names are lower case, so such a word is a bot's marker. */
static void scan_tokens(struct family_tracker *t, const char *s, size_t len)
{
	static const char bb[] = "busybox";
	const char *p = s, *end = s + len;

	while ((p = memmem(p, (size_t)(end - p), bb, sizeof(bb) - 1)) != NULL) {
		const char *q = p + sizeof(bb) - 1, *tok;
		size_t n = 0;

		p = q;
		if (q >= end || !is_space(*q))
			continue;
		while (q < end && is_space(*q))
			q++;
		tok = q;
		while (q < end && *q >= 'A' && *q <= 'Z')
			q++, n++;
		if (n < 3 || n >= FAMILY_TOKEN_MAX)
			continue;
		if (q < end && !is_space(*q) && *q != ';' && *q != '&' && *q != '|' && *q != '\r' && *q != '\n')
			continue;
		t->flags |= F_TOKEN;
		if (!t->token[0]) {
			memcpy(t->token, tok, n);
			t->token[n] = '\0';
		}
		if ((n == 5 && (memcmp(tok, "MIRAI", 5) == 0 || memcmp(tok, "ECCHI", 5) == 0 ||
				memcmp(tok, "IHCCE", 5) == 0)))
			t->flags |= F_MIRAI;
	}
}

void family_feed_command(struct family_tracker *t, const char *line, size_t len)
{
	const char *s = line;
	size_t n = len;

	while (n && (is_space(*s) || *s == '\r' || *s == '\n'))
		s++, n--;
	while (n && (is_space(s[n - 1]) || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 6 && memcmp(s, "enable", 6) == 0)
		t->flags |= F_ENABLE;
	else if (n == 6 && memcmp(s, "system", 6) == 0)
		t->flags |= F_SYSTEM;
	else if ((n == 5 && memcmp(s, "shell", 5) == 0) || (n == 2 && memcmp(s, "sh", 2) == 0))
		t->flags |= F_SHELL;
	scan_markers(t, s, n);
	scan_tokens(t, s, n);
	if (has(s, n, "/bin/echo .s") || has(s, n, "if=.s") || has(s, n, "cat .s"))
		t->flags |= F_STAGE_S;
}

void family_feed_url(struct family_tracker *t, const char *url, size_t len)
{
	scan_markers(t, url, len);
}

const char *family_name(const struct family_tracker *t)
{
	unsigned f = t->flags;

	if (f & F_GAFGYT)
		return "gafgyt";
	if (f & F_MOZI)
		return "mozi";
	if ((f & F_MIRAI) || ((f & F_TOKEN) && (f & F_ENABLE) && (f & F_SYSTEM) && (f & F_SHELL)))
		return "mirai";
	if ((f & F_TOKEN) && (f & F_STAGE_S) && !(f & F_SYSTEM))
		return "hajime";
	return "";
}

const char *family_token(const struct family_tracker *t)
{
	return t->token;
}
