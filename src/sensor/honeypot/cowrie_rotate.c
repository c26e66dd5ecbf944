/* cowrie_rotate.c - the Cowrie log's daily rotation and retention. */
#include "cowrie_rotate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

static int64_t clock_offset_us;
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

static void clock_init(void)
{
	const char *s = getenv("IOTMON_TEST_NOW");
	char *end;
	long long v;

	if (!s || !s[0])
		return;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0' && v >= 0 && v < INT64_MAX / US_PER_SEC)
		clock_offset_us = v * US_PER_SEC - time_now_us();
}

int64_t cowrie_clock_us(void)
{
	pthread_once(&clock_once, clock_init);
	return time_now_us() + clock_offset_us;
}

int cowrie_rotated_name(const char *path, int64_t day, char *out, size_t n)
{
	char d[11];
	int len;

	time_format_day(day, d);
	len = snprintf(out, n, "%s.%s", path, d);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* rename(2) that never replaces an existing file (a second rotation of the
 * same day, a file planted under the dated name). */
static int rename_noreplace(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: checked, then renamed. */
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

int cowrie_rotate(const char *path, int64_t day, const char *user, struct err *err)
{
	char to[4096];
	int fd;

	if (cowrie_rotated_name(path, day, to, sizeof(to)))
		return err_set(err, "%s: path too long", path);
	/* rename never follows a symlink: a planted one is moved, not its target. */
	if (rename_noreplace(path, to) != 0 && errno != ENOENT)
		return err_set(err, "%s -> %s: %s", path, to, strerror(errno));
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	if (geteuid() == 0 && user && user[0]) {
		struct passwd *pw = getpwnam(user);

		if (!pw || fchown(fd, pw->pw_uid, pw->pw_gid) != 0) {
			err_set(err, "%s: chown to %s: %s", path, user, pw ? strerror(errno) : "no such user");
			close(fd);
			return -1;
		}
	}
	return fd;
}

int cowrie_rotate_stale(const char *path, int64_t today, int64_t *day, struct err *err)
{
	char to[4096];
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : err_set(err, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	*day = time_day_of((int64_t)st.st_mtim.tv_sec * US_PER_SEC);
	if (*day >= today)
		return 0;
	if (cowrie_rotated_name(path, *day, to, sizeof(to)))
		return err_set(err, "%s: path too long", path);
	if (rename_noreplace(path, to) != 0)
		return err_set(err, "%s -> %s: %s", path, to, strerror(errno));
	return 1;
}

/* The day of name when it is exactly BASE.YYYY-MM-DD (a date that formats
 * back to the same text), else -1. */
static int rotated_day(const char *name, const char *base, size_t blen, int64_t *day)
{
	char back[11];

	if (strlen(name) != blen + 11 || memcmp(name, base, blen) != 0 || name[blen] != '.' ||
	    time_parse_day(name + blen + 1, 10, day) != 0)
		return -1;
	time_format_day(*day, back);
	return memcmp(back, name + blen + 1, 10) == 0 ? 0 : -1;
}

int cowrie_retention(const char *path, int64_t today, int days, void (*deleted)(const char *name),
		     struct err *err)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	struct dirent *de;
	DIR *d;
	int dfd, n = 0;

	if (days <= 0 || blen == 0) {
		free(dir);
		return 0;
	}
	if (slash)
		slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		int e = errno;

		if (dfd >= 0)
			close(dfd);
		n = e == ENOENT ? 0 : err_set(err, "%s: %s", slash ? dir : ".", strerror(e));
		free(dir);
		return n;
	}
	while ((de = readdir(d))) {
		struct stat st;
		int64_t day;

		if (rotated_day(de->d_name, base, blen, &day) || day >= today - days)
			continue;
		/* Only a regular file; unlinkat would remove a symlink itself,
		 * never its target, even if one replaced the file since. */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0) {
			n++;
			if (deleted)
				deleted(de->d_name);
		}
	}
	closedir(d);
	free(dir);
	return n;
}

static void log_deleted(const char *name)
{
	log_info("cowrie log retention: %s deleted", name);
}

static void sweep(const char *path, int days, int64_t today)
{
	struct err err;

	if (days > 0 && cowrie_retention(path, today, days, log_deleted, &err) < 0)
		log_error("cowrie log retention: %s", err.msg);
}

void cowrie_rotate_at_start(const char *path, int days)
{
	int64_t today = time_day_of(cowrie_clock_us()), day;
	char to[4096];
	struct err err;
	int rc;

	if (!path || !path[0])
		return;
	rc = cowrie_rotate_stale(path, today, &day, &err);
	if (rc < 0)
		log_error("cowrie log rotation: %s", err.msg);
	else if (rc > 0 && cowrie_rotated_name(path, day, to, sizeof(to)) == 0)
		log_info("cowrie log of an earlier day rotated: %s", to);
	sweep(path, days, today);
}

struct cowrie_rotator {
	char *path, *user;
	int days;
	int (*give)(int fd, void *arg, struct err *err);
	void *arg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

static void rotate_once(struct cowrie_rotator *r, int64_t day, int64_t today)
{
	char to[4096];
	struct err err;
	int fd = cowrie_rotate(r->path, day, r->user, &err);

	if (fd < 0) {
		log_error("cowrie log rotation: %s (the old file is kept)", err.msg);
	} else if (r->give(fd, r->arg, &err)) {
		log_error("cowrie log rotation: %s", err.msg);
		close(fd);
	} else {
		close(fd);
		cowrie_rotated_name(r->path, day, to, sizeof(to));
		log_info("cowrie log rotated: %s", to);
	}
	sweep(r->path, r->days, today);
}

static void *rotator_main(void *arg)
{
	struct cowrie_rotator *r = arg;
	int64_t day = time_day_of(cowrie_clock_us());

	pthread_mutex_lock(&r->mu);
	while (!r->stop) {
		int64_t now = cowrie_clock_us(), today = time_day_of(now), wait_us;
		struct timespec until;

		if (today > day) {
			pthread_mutex_unlock(&r->mu);
			rotate_once(r, day, today);
			pthread_mutex_lock(&r->mu);
			day = today;
			continue;
		}
		/* Until midnight, at most a minute (the clock may be set). */
		wait_us = (day + 1) * US_PER_DAY - now;
		if (wait_us > 60 * US_PER_SEC)
			wait_us = 60 * US_PER_SEC;
		wait_us += 1000;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += wait_us / US_PER_SEC;
		until.tv_nsec += (long)(wait_us % US_PER_SEC) * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&r->cv, &r->mu, &until);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct cowrie_rotator *cowrie_rotator_start(const char *path, const char *user, int days,
					    int (*give)(int fd, void *arg, struct err *err), void *arg,
					    struct err *err)
{
	struct cowrie_rotator *r = xcalloc(1, sizeof(*r));
	pthread_condattr_t ca;
	int rc;

	r->path = xstrdup(path);
	r->user = xstrdup(user ? user : "");
	r->days = days;
	r->give = give;
	r->arg = arg;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&r->thread, NULL, rotator_main, r);
	if (rc) {
		err_set(err, "cowrie log rotation thread: %s", strerror(rc));
		r->thread = 0;
		cowrie_rotator_stop(r);
		return NULL;
	}
	return r;
}

void cowrie_rotator_stop(struct cowrie_rotator *r)
{
	if (!r)
		return;
	if (r->thread) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->path);
	free(r->user);
	free(r);
}
