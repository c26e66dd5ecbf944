#include "banner.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* memmem without case. */
static const char *find_ci(const char *h, size_t hlen, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= hlen && i <= hlen - n; i++)
		if (strncasecmp(h + i, needle, n) == 0)
			return h + i;
	return NULL;
}

static void copy_printable(char *dst, size_t cap, const char *s, size_t len)
{
	size_t o = 0;

	/* Trim leading and trailing blanks; fold anything else to '?'. */
	while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	for (size_t i = 0; i < len && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[o++] = c == '\t' || c == '\r' || c == '\n' ? ' ' : (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	dst[o] = '\0';
}

static size_t head_len(const char *raw, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (raw[i] == '\n' && raw[i + 1] == '\n')
			return i + 2;
		if (i + 3 < len && memcmp(raw + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	}
	return 0;
}

void banner_parse_http(const char *raw, size_t len, struct banner_http *out)
{
	size_t head = head_len(raw, len), pos = 0;

	memset(out, 0, sizeof(*out));
	if (len >= 12 && (memcmp(raw, "HTTP/", 5) == 0 || memcmp(raw, "RTSP/", 5) == 0)) {
		const char *sp = memchr(raw, ' ', len < 16 ? len : 16);

		if (sp && (size_t)(sp - raw) + 4 <= len && sp[1] >= '1' && sp[1] <= '5' && sp[2] >= '0' &&
		    sp[2] <= '9' && sp[3] >= '0' && sp[3] <= '9')
			out->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	}
	if (!head)
		head = len;
	/* Header lines. */
	while (pos < head) {
		const char *line = raw + pos, *nl = memchr(line, '\n', head - pos);
		size_t n = nl ? (size_t)(nl - line) : head - pos;

		pos += n + 1;
		if (n > 7 && strncasecmp(line, "Server:", 7) == 0 && !out->server[0])
			copy_printable(out->server, sizeof(out->server), line + 7, n - 7);
		else if (n > 17 && strncasecmp(line, "WWW-Authenticate:", 17) == 0 && !out->realm[0]) {
			const char *r = find_ci(line, n, "realm=");

			if (r) {
				const char *v = r + 6, *e = line + n;
				const char *q;

				if (v < e && *v == '"') {
					v++;
					q = memchr(v, '"', (size_t)(e - v));
					e = q ? q : e;
				} else {
					for (q = v; q < e && *q != ',' && *q != '\r'; q++)
						;
					e = q;
				}
				copy_printable(out->realm, sizeof(out->realm), v, (size_t)(e - v));
			}
		}
	}
	/* <title> in the body (or anywhere, for answers without a head). */
	const char *t = find_ci(raw, len, "<title");
	if (t) {
		const char *gt = memchr(t, '>', len - (size_t)(t - raw));

		if (gt) {
			const char *start = gt + 1, *end = find_ci(start, len - (size_t)(start - raw), "</title");

			if (!end)
				end = raw + len;
			copy_printable(out->title, sizeof(out->title), start, (size_t)(end - start));
		}
	}
}

size_t banner_telnet_text(const char *raw, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == 0xff && i + 1 < len) {
			unsigned char cmd = (unsigned char)raw[i + 1];

			if (cmd >= 251 && cmd <= 254) {
				i += 2; /* WILL/WONT/DO/DONT option */
			} else if (cmd == 250) {
				/* Sub-negotiation up to IAC SE. */
				while (i + 1 < len && !((unsigned char)raw[i] == 0xff && (unsigned char)raw[i + 1] == 240))
					i++;
				i++;
			} else {
				i++;
			}
			continue;
		}
		if (c == '\r' || c == 0)
			continue;
		out[o++] = c == '\n' ? '\n' : (c < 0x20 || c >= 0x7f) ? ' ' : (char)c;
	}
	out[o] = '\0';
	return o;
}

int banner_telnet_prompt(const char *raw, size_t len)
{
	char text[512];
	size_t n;

	/* Only the tail matters; look at the last bytes. */
	if (len > 400) {
		raw += len - 400;
		len = 400;
	}
	n = banner_telnet_text(raw, len, text, sizeof(text));
	while (n && text[n - 1] == ' ')
		n--;
	return n >= 2 && strchr(":#>$%", text[n - 1]) != NULL;
}

int banner_http_complete(const char *raw, size_t len, int head_only)
{
	size_t head = head_len(raw, len);
	const char *cl;
	unsigned long want = 0;

	if (!head)
		return 0;
	if (head_only)
		return 1;
	cl = find_ci(raw, head, "\nContent-Length:");
	if (!cl)
		return 0; /* until the peer closes */
	cl += 16;
	while (*cl == ' ' && cl < raw + head)
		cl++;
	for (; cl < raw + head && *cl >= '0' && *cl <= '9' && want < 100000000; cl++)
		want = want * 10 + (unsigned long)(*cl - '0');
	return len - head >= want;
}
