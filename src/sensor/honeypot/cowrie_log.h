/* cowrie_log.h - the honeypot's Cowrie-compatible JSON log.
 *
 * One JSON object a line, as Cowrie's jsonlog output writes them (eventid,
 * session, src_ip, src_port, dst_ip, dst_port, timestamp, sensor,
 * protocol, message, and the event's own fields), so tools written for
 * Cowrie read our sessions unchanged. Lines are buffered and written out
 * by cowrie_log_flush(), which the honeypot calls after each batch of
 * network events; only the honeypot's loop thread writes. */
#ifndef IOTMON_COWRIE_LOG_H
#define IOTMON_COWRIE_LOG_H

#include <stdint.h>

#include "core/err.h"
#include "core/event.h"

struct cowrie_log;

/* Appends to path (missing parent folders are created). */
struct cowrie_log *cowrie_log_open(const char *path, struct err *err);
/* As root, before the privilege drop: a missing log (and its missing
 * folder, one level) is made for user, who opens it after the drop. An
 * existing file is left as it is; not root or no user: nothing to do. */
int cowrie_log_prepare(const char *path, const char *user, struct err *err);
/* From the writing thread, between two lines: flushes what was written to
 * the old file, closes it and writes on to fd (the new day's file, which
 * the parent opened: cowrie_rotate.h). Takes fd, even on failure (-1 with
 * err: the old file stays). */
int cowrie_log_switch(struct cowrie_log *log, int fd, struct err *err);
/* Flushes and closes; NULL is fine. */
void cowrie_log_close(struct cowrie_log *log);
void cowrie_log_flush(struct cowrie_log *log);

/* Writes one line with eventid, taking the common fields and the kind's
 * own fields (username/password, input, url, sha256 ...) from ev.
 * duration_ms >= 0 adds duration_ms (session.closed). extra_key/value add
 * one more string field when non-NULL (e.g. destfile). */
void cowrie_log_write(struct cowrie_log *log, const char *eventid, const struct event *ev, const char *protocol,
		      int64_t duration_ms, const char *extra_key, const char *extra_value);

#endif
