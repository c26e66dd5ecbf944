#include "timeutil.h"

#include <string.h>
#include <time.h>

int64_t time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

int64_t time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

/* Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian
 * calendar, no time-zone state, no libc calls. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int64_t time_day_of(int64_t us)
{
	int64_t day = us / US_PER_DAY;

	if (us % US_PER_DAY < 0)
		day--;
	return day;
}

/* Writes v as exactly width decimal digits (v is in range by construction). */
static void put_digits(char *p, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void time_format_day(int64_t day, char *buf)
{
	int64_t y;
	unsigned m, d;

	time_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999; /* outside RFC 3339; clamp rather than overflow */
	put_digits(buf, (unsigned long)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = '\0';
}

void time_format_rfc3339(int64_t us, char *buf)
{
	int64_t day = time_day_of(us);
	int64_t in_day = us - day * US_PER_DAY; /* 0 <= in_day < US_PER_DAY */
	unsigned long secs = (unsigned long)(in_day / US_PER_SEC);

	time_format_day(day, buf);
	buf[10] = 'T';
	put_digits(buf + 11, secs / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, secs / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, secs % 60, 2);
	buf[19] = '.';
	put_digits(buf + 20, (unsigned long)(in_day % US_PER_SEC), 6);
	buf[26] = 'Z';
	buf[27] = '\0';
}

/* Reads exactly n digits at *p; advances on success only. */
static int digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dim[m - 1];
}

static int parse_date(const char **p, const char *end, int64_t *day)
{
	int y, m, d;

	if (digits(p, end, 4, &y) || expect(p, end, '-') || digits(p, end, 2, &m) ||
	    expect(p, end, '-') || digits(p, end, 2, &d))
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*day = time_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int time_parse_day(const char *s, size_t len, int64_t *day)
{
	const char *p = s, *end = s + len;

	if (parse_date(&p, end, day) || p != end)
		return -1;
	return 0;
}

int time_parse(const char *s, size_t len, int64_t *us)
{
	const char *p = s, *end = s + len;
	int64_t day, frac = 0, scale = US_PER_SEC, offset = 0;
	int hh = 0, mm = 0, ss = 0;

	if (parse_date(&p, end, &day))
		return -1;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (digits(&p, end, 2, &hh) || expect(&p, end, ':') || digits(&p, end, 2, &mm))
			return -1;
		if (p < end && *p == ':' && (p++, digits(&p, end, 2, &ss)))
			return -1;
		if (hh > 23 || mm > 59 || ss > 60)
			return -1;
		if (p < end && (*p == '.' || *p == ',')) {
			p++;
			if (p >= end || *p < '0' || *p > '9')
				return -1;
			while (p < end && *p >= '0' && *p <= '9') {
				if (scale > 1) {
					scale /= 10;
					frac += (*p - '0') * scale;
				}
				p++;
			}
		}
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;

			p++;
			if (digits(&p, end, 2, &oh))
				return -1;
			if (p < end && *p == ':')
				p++;
			if (p < end && digits(&p, end, 2, &om))
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			offset = sign * ((int64_t)oh * 3600 + om * 60) * US_PER_SEC;
		}
	}
	if (p != end)
		return -1;
	*us = day * US_PER_DAY + ((int64_t)hh * 3600 + mm * 60 + ss) * US_PER_SEC + frac - offset;
	return 0;
}
