#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *err, const char *fmt, ...)
{
	char old[ERR_MSG_MAX];
	size_t n;
	va_list ap;

	if (!err)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	/* Append ": old", cut to fit. */
	for (const char *p = ": "; *p && n + 1 < sizeof(err->msg); p++)
		err->msg[n++] = *p;
	for (const char *p = old; *p && n + 1 < sizeof(err->msg); p++)
		err->msg[n++] = *p;
	err->msg[n] = '\0';
	return -1;
}
