#include "ipaddr.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void ipaddr_from_v4(uint32_t host_order, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	out->af = 4;
	out->b[0] = (uint8_t)(host_order >> 24);
	out->b[1] = (uint8_t)(host_order >> 16);
	out->b[2] = (uint8_t)(host_order >> 8);
	out->b[3] = (uint8_t)host_order;
}

void ipaddr_from_v6(const uint8_t b[16], struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (memcmp(b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
		out->af = 4;
		memcpy(out->b, b + 12, 4);
		return;
	}
	out->af = 6;
	memcpy(out->b, b, 16);
}

int ipaddr_parse(const char *s, size_t len, struct ipaddr *out)
{
	char text[IPADDR_STRLEN];
	uint8_t buf[16];

	if (len == 0 || len >= sizeof(text) || memchr(s, '\0', len))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, buf) == 1) {
		memset(out, 0, sizeof(*out));
		out->af = 4;
		memcpy(out->b, buf, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, text, buf) == 1) {
		ipaddr_from_v6(buf, out);
		return 0;
	}
	return -1;
}

void ipaddr_format(const struct ipaddr *a, char *buf)
{
	buf[0] = '\0';
	if (a->af == 4) {
		/* By hand: inet_ntop goes through sprintf, and the store, feeds
		 * and telescope format millions of addresses. */
		char *p = buf;

		for (int i = 0; i < 4; i++) {
			unsigned v = a->b[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
	} else if (a->af == 6) {
		inet_ntop(AF_INET6, a->b, buf, IPADDR_STRLEN);
	}
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->af == b->af && memcmp(a->b, b->b, 16) == 0;
}

int ipaddr_compare(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->b, b->b, 16);
}

/* Parses the decimal number [p, end) of at most maxdigits digits. */
static int parse_uint(const char *p, const char *end, int maxdigits, unsigned long *out)
{
	unsigned long v = 0;

	if (p == end || end - p > maxdigits)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*out = v;
	return 0;
}

int cidr_parse(const char *s, size_t len, struct cidr *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned max;
	unsigned long prefix;

	if (ipaddr_parse(s, alen, &out->addr))
		return -1;
	max = out->addr.af == 4 ? 32 : 128;
	if (!slash) {
		out->prefix = max;
		return 0;
	}
	if (parse_uint(slash + 1, s + len, 3, &prefix) || prefix > max)
		return -1;
	out->prefix = (unsigned)prefix;
	/* Clear host bits so equal networks compare equal. */
	for (unsigned bit = prefix; bit < max; bit++)
		out->addr.b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	return 0;
}

bool cidr_contains(const struct cidr *c, const struct ipaddr *a)
{
	unsigned full = c->prefix / 8, rest = c->prefix % 8;

	if (c->addr.af != a->af)
		return false;
	if (memcmp(c->addr.b, a->b, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff00u >> rest);

		if ((c->addr.b[full] & mask) != (a->b[full] & mask))
			return false;
	}
	return true;
}

int endpoint_parse(const char *s, size_t len, char *host, uint16_t *port)
{
	const char *colon, *hstart = s, *hend;
	unsigned long p;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close || close + 1 >= s + len || close[1] != ':')
			return -1;
		hstart = s + 1;
		hend = close;
		colon = close + 1;
	} else {
		colon = NULL;
		for (const char *q = s; q < s + len; q++)
			if (*q == ':')
				colon = q;
		if (!colon)
			return -1;
		hend = colon;
	}
	if (hend == hstart || (size_t)(hend - hstart) >= IPADDR_STRLEN)
		return -1;
	if (parse_uint(colon + 1, s + len, 5, &p) || p > 65535)
		return -1;
	memcpy(host, hstart, (size_t)(hend - hstart));
	host[hend - hstart] = '\0';
	*port = (uint16_t)p;
	return 0;
}
