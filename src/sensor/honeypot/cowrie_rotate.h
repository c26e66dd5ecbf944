/* cowrie_rotate.h - the Cowrie log's daily rotation and retention.
 *
 * As Cowrie's own jsonlog (Twisted's DailyLogFile with Cowrie's suffix):
 * the live file keeps its name (cowrie.json) and at UTC midnight it is
 * renamed cowrie.json.YYYY-MM-DD after the day it holds, then a new empty
 * one is made, so log shippers that follow the name keep working. The
 * honeypot child cannot open files (seccomp), so the parent renames,
 * creates the new file and hands its descriptor to the child, which
 * switches between two records (honeypot_switch_cowrie). Rotated files of
 * days older than [store] retention_days are deleted by the parent. */
#ifndef IOTMON_HP_COWRIE_ROTATE_H
#define IOTMON_HP_COWRIE_ROTATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* The rotation's clock: the real time or, when IOTMON_TEST_NOW=SECONDS is
 * set (tests only: a midnight without waiting for one), a clock that
 * starts at SECONDS since the epoch and runs at the real pace. */
int64_t cowrie_clock_us(void);

/* PATH.YYYY-MM-DD for day (UTC days since the epoch); -1 when out is too
 * small. */
int cowrie_rotated_name(const char *path, int64_t day, char *out, size_t n);

/* Renames path to its rotated name for day (never over an existing file,
 * never a symlink's target) and creates a new empty path (O_EXCL,
 * O_NOFOLLOW, mode 0640, owned by user when run as root). Returns the new
 * file's descriptor (write, append), or -1 with err. */
int cowrie_rotate(const char *path, int64_t day, const char *user, struct err *err);

/* At start: a non-empty log last written before today is renamed after
 * the day it was last written, *day (nothing made in its place). 1 when it
 * was, 0 when there was nothing to do, -1 with err. */
int cowrie_rotate_stale(const char *path, int64_t today, int64_t *day, struct err *err);

/* Deletes the rotated files of path (names exactly PATH.YYYY-MM-DD,
 * regular files only, a symlink never followed nor removed) of days before
 * today - days, calling deleted(name) for each. Returns how many, or -1
 * with err when the folder cannot be read. days <= 0: keeps all. */
int cowrie_retention(const char *path, int64_t today, int days, void (*deleted)(const char *name),
		     struct err *err);

/* In the parent before the child opens the log: cowrie_rotate_stale and
 * the retention for days, each logged (a failure too: the honeypot still
 * starts). */
void cowrie_rotate_at_start(const char *path, int days);

struct cowrie_rotator;

/* A thread in the parent that rotates path at each UTC midnight of
 * cowrie_clock_us(), gives the new descriptor to give(fd, arg) (which
 * takes it, or returns -1 with err and the old file is kept) and then
 * applies the retention (days > 0). It logs each rotation, deletion and
 * failure. NULL with err when the thread cannot start. */
struct cowrie_rotator *cowrie_rotator_start(const char *path, const char *user, int days,
					    int (*give)(int fd, void *arg, struct err *err), void *arg,
					    struct err *err);
/* Stops and frees the thread (NULL is fine). */
void cowrie_rotator_stop(struct cowrie_rotator *r);

#endif
