/* obs_csv.c - bounded parsing of observation CSV lines. */
#include "obs_csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/asn.h"
#include "core/timeutil.h"

/* Hostile text quoted in a message: at most 60 bytes, printable ASCII. */
static const char *show(const char *s, size_t n, char out[64])
{
	size_t i;

	for (i = 0; i < n && i < 60; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return out;
}

static const char *const col_names[] = {"ip", "date", "asn", "cc", "family", "treatment"};

/* Splits the next field off [*p, end) into buf (NUL-terminated, trimmed).
 * Returns 1 with a field, 0 at the end of the line, -1 on bad quoting or an
 * overlong field. */
static int next_field(const char **p, const char *end, bool *done, char *buf, size_t size, struct err *err)
{
	const char *s = *p;
	size_t n = 0;

	if (*done)
		return 0;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s >= end)
				return err_set(err, "unterminated quoted field");
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					s++;
				} else {
					s++;
					break;
				}
			}
			if (n + 1 >= size)
				return err_set(err, "field longer than %zu bytes", size - 1);
			buf[n++] = *s;
		}
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s < end && *s != ',')
			return err_set(err, "text after a quoted field");
	} else {
		for (; s < end && *s != ','; s++) {
			if (*s == '"')
				return err_set(err, "quote inside an unquoted field");
			if (n + 1 >= size)
				return err_set(err, "field longer than %zu bytes", size - 1);
			buf[n++] = *s;
		}
		while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
			n--;
	}
	buf[n] = '\0';
	if (s < end)
		s++; /* the comma */
	else
		*done = true;
	*p = s;
	return 1;
}

int obs_csv_header(const char *line, size_t len, struct obs_csv_header *h, struct err *err)
{
	const char *p = line, *end = line + len;
	char name[OBS_CSV_MAX_FIELD], quoted[64];
	bool done = false, seen[OBS_CSV_MAX_COLS] = {false};
	int rc;

	memset(h, 0, sizeof(*h));
	if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while ((rc = next_field(&p, end, &done, name, sizeof(name), err)) == 1) {
		int c = -1;

		for (int i = 0; i < OBS_CSV_MAX_COLS; i++)
			if (strcasecmp(name, col_names[i]) == 0)
				c = i;
		if (c < 0)
			return err_set(err, "header: unknown column \"%s\" (known: ip, date, asn, cc, family, treatment)",
				       show(name, strlen(name), quoted));
		if (seen[c])
			return err_set(err, "header: column %s given twice", col_names[c]);
		seen[c] = true;
		h->col[h->ncols++] = (enum obs_col)c;
	}
	if (rc < 0)
		return err_prefix(err, "header");
	if (!seen[OBS_COL_IP] || !seen[OBS_COL_DATE])
		return err_set(err, "header: needs the columns ip and date (got \"%s\")", show(line, len, quoted));
	return 0;
}

static bool name_chars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return false;
	return true;
}

static int set_field(enum obs_col c, const char *f, struct observation *o, struct err *err)
{
	size_t n = strlen(f);
	char q[64];
	int64_t us;

	switch (c) {
	case OBS_COL_IP:
		if (ipaddr_parse(f, n, &o->ip))
			return err_set(err, "not an IP address: \"%s\"", show(f, n, q));
		break;
	case OBS_COL_DATE:
		if (time_parse_day(f, n, &o->day) == 0)
			break;
		if (time_parse(f, n, &us))
			return err_set(err, "not a date (YYYY-MM-DD or RFC 3339): \"%s\"", show(f, n, q));
		o->day = time_day_of(us);
		break;
	case OBS_COL_ASN:
		if (n && asn_parse(f, &o->net.asn))
			return err_set(err, "not an AS number: \"%s\"", show(f, n, q));
		break;
	case OBS_COL_CC:
		if (n && (n != 2 || !((f[0] | 32) >= 'a' && (f[0] | 32) <= 'z') ||
			  !((f[1] | 32) >= 'a' && (f[1] | 32) <= 'z')))
			return err_set(err, "not a two-letter country code: \"%s\"", show(f, n, q));
		if (n) {
			o->net.cc[0] = (char)(f[0] & ~32);
			o->net.cc[1] = (char)(f[1] & ~32);
			o->net.cc[2] = '\0';
		}
		break;
	case OBS_COL_FAMILY:
		if (n >= sizeof(o->family) || !name_chars(f))
			return err_set(err, "family: up to %zu of [A-Za-z0-9._-]: \"%s\"", sizeof(o->family) - 1, show(f, n, q));
		memcpy(o->family, f, n + 1);
		break;
	case OBS_COL_TREATMENT:
		if (n >= sizeof(o->treatment) || !name_chars(f))
			return err_set(err, "treatment: up to %zu of [A-Za-z0-9._-]: \"%s\"",
				       sizeof(o->treatment) - 1, show(f, n, q));
		memcpy(o->treatment, f, n + 1);
		break;
	}
	return 0;
}

int obs_csv_line(const struct obs_csv_header *h, const char *line, size_t len, struct observation *o,
		 struct err *err)
{
	const char *p = line, *end = line + len;
	char f[OBS_CSV_MAX_FIELD];
	bool done = false;
	int i = 0, rc;

	memset(o, 0, sizeof(*o));
	while ((rc = next_field(&p, end, &done, f, sizeof(f), err)) == 1) {
		if (i >= h->ncols)
			return err_set(err, "more than the header's %d fields", h->ncols);
		if (set_field(h->col[i], f, o, err))
			return -1;
		i++;
	}
	if (rc < 0)
		return -1;
	if (i != h->ncols)
		return err_set(err, "%d fields, the header has %d", i, h->ncols);
	o->first_us = o->last_us = o->day * US_PER_DAY;
	o->events = 1;
	snprintf(o->source, sizeof(o->source), "import");
	return 0;
}
