/* err.h - the project's one error convention.
 *
 * Functions that can fail return 0 on success and -1 on failure, and write a
 * one-line message into a caller-owned struct err (which may be NULL when the
 * caller does not care). Low layers never log: the caller decides. */
#ifndef IOTMON_ERR_H
#define IOTMON_ERR_H

#define ERR_MSG_MAX 512

struct err {
	char msg[ERR_MSG_MAX];
};

/* Formats the message into err (when not NULL) and returns -1, so callers can
 * write `return err_set(err, "...")`. */
int err_set(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with "prefix: ", keeping -1 as the result. */
int err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
