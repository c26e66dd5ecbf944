/* token_asns.c - a token's networks as text (see token_asns.h). */
#include "token_asns.h"

#include <stdio.h>
#include <stdlib.h>

void token_asns_format(const struct api_token *t, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->nasns && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%u", i ? "," : "", t->asns[i]);
}

void token_asns_parse(const char *text, struct api_token *t)
{
	char *end;

	t->nasns = 0;
	while (text && *text && t->nasns < TOKEN_ASNS_MAX) {
		unsigned long v = strtoul(text, &end, 10);

		if (end == text)
			break;
		t->asns[t->nasns++] = (uint32_t)v;
		text = *end == ',' ? end + 1 : end;
	}
}
