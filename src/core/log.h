/* log.h - messages for people, on stderr.
 *
 * One line per message: "iotmon: LEVEL: text". Machine-readable output never
 * goes through here (it belongs on stdout). The level is process-wide and set
 * once at start-up; logging is thread-safe (one fprintf per line). */
#ifndef IOTMON_LOG_H
#define IOTMON_LOG_H

#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Adds an ISO time stamp to each line (daemons); commands leave it off. */
void log_set_timestamps(int on);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line that an attacker can make repeat (accept errors, a full disk, a
 * failing log file) goes through a limiter: at most one line per interval;
 * the next line that passes says how many were held back. One static
 * limiter per call site; thread-safe. */
struct log_limit {
	int64_t next_us; /* monotonic µs before which lines are held back */
	uint64_t held; /* lines held back since the last one printed */
};

#define LOG_LIMIT_INIT {0, 0}
#define LOG_LIMIT_US (10 * 1000000LL) /* one line per 10 s per call site */

void log_limited(struct log_limit *lim, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
