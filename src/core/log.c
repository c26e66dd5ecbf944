#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "timeutil.h"

static enum log_level current_level = LOG_INFO;
static int with_timestamps;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_set_timestamps(int on)
{
	with_timestamps = on;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char text[2048], stamp[32] = "";
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (with_timestamps) {
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	}
	/* One call per line keeps lines from different threads whole. */
	fprintf(stderr, "%siotmon: %s: %s\n", stamp, level_names[level], text);
}

static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

void log_limited(struct log_limit *lim, enum log_level level, const char *fmt, ...)
{
	char text[2048];
	int64_t now = time_mono_us();
	uint64_t held;
	va_list ap;

	if (level > current_level)
		return;
	pthread_mutex_lock(&limit_lock);
	if (now < lim->next_us) {
		lim->held++;
		pthread_mutex_unlock(&limit_lock);
		return;
	}
	held = lim->held;
	lim->held = 0;
	lim->next_us = now + LOG_LIMIT_US;
	pthread_mutex_unlock(&limit_lock);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (held)
		log_msg(level, "%s (%llu more like it held back)", text, (unsigned long long)held);
	else
		log_msg(level, "%s", text);
}
