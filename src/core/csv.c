/* csv.c - RFC 4180 splitting and quoting. */
#include "csv.h"

int csv_split(const char *line, size_t len, char *buf, char **fields, size_t max, size_t *bad_at)
{
	size_t i = 0, o = 0;
	int n = 0;

	for (;;) {
		if ((size_t)n >= max) {
			if (bad_at)
				*bad_at = i;
			return -1;
		}
		fields[n++] = buf + o;
		if (i < len && line[i] == '"') {
			size_t start = i++;

			for (;;) {
				if (i >= len) {
					if (bad_at)
						*bad_at = start;
					return -1;
				}
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						buf[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf[o++] = line[i++];
			}
			if (i < len && line[i] != ',') {
				if (bad_at)
					*bad_at = i;
				return -1;
			}
		} else {
			while (i < len && line[i] != ',')
				buf[o++] = line[i++];
		}
		buf[o++] = '\0';
		if (i >= len)
			return n;
		i++; /* the comma */
	}
}

int csv_put_text(struct strbuf *b, const char *s)
{
	const char *run;

	if (strbuf_append(b, "\"", 1))
		return -1;
	while (s && *s) {
		run = s;
		while (*s && *s != '"' && *s != '\r' && *s != '\n')
			s++;
		if (s > run && strbuf_append(b, run, (size_t)(s - run)))
			return -1;
		if (!*s)
			break;
		if (strbuf_append(b, *s == '"' ? "\"\"" : " ", *s == '"' ? 2 : 1))
			return -1;
		s++;
	}
	return strbuf_append(b, "\"", 1);
}
