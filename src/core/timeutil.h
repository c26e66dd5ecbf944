/* timeutil.h - UTC time in microseconds, RFC 3339 text and UTC days.
 *
 * Every time inside iotmon is an int64 count of microseconds since
 * 1970-01-01T00:00:00Z. Days are UTC days since the epoch. Parsers take
 * (pointer, length) and never read past it. */
#ifndef IOTMON_TIMEUTIL_H
#define IOTMON_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* Wall-clock time now. */
int64_t time_now_us(void);
/* Monotonic clock, for timeouts and rates. */
int64_t time_mono_us(void);

/* "2025-03-01T10:15:02.123456Z"; buf needs TIME_RFC3339_LEN + 1 bytes. */
#define TIME_RFC3339_LEN 27
void time_format_rfc3339(int64_t us, char *buf);
/* "2025-03-01"; buf needs 11 bytes. */
void time_format_day(int64_t day, char *buf);

/* Parses RFC 3339 / ISO 8601 date-times: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS",
 * an optional fraction of any length (truncated to µs), and an optional zone
 * "Z", "+HH:MM", "+HHMM" or "+HH" (no zone means UTC). A space may stand for
 * the "T". Returns 0 and sets *us, or -1 on anything else. */
int time_parse(const char *s, size_t len, int64_t *us);
/* Parses "YYYY-MM-DD" only; sets *day (days since epoch). */
int time_parse_day(const char *s, size_t len, int64_t *day);

/* UTC day of a time (floor division, so times before 1970 work too). */
int64_t time_day_of(int64_t us);
/* Days since epoch of a civil date, and back. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);
void time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
