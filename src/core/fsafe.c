/* fsafe.c - files a daemon writes, and the folders they live in. */
#include "fsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int fsafe_check_not_shared(const char *path, const char *what, struct err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : err_set(err, "%s %s: %s", what, path, strerror(errno));
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return err_set(err,
			       "%s %s is writable by %s (mode %04o): anyone there could replace what iotmon "
			       "reads or writes; run chmod go-w %s",
			       what, path, st.st_mode & S_IWOTH ? "everyone" : "its group",
			       (unsigned)(st.st_mode & 07777), path);
	return 0;
}

int fsafe_check_parent(const char *path, const char *what, struct err *err)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc;

	if (slash)
		slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	rc = fsafe_check_not_shared(slash ? dir : ".", what, err);
	free(dir);
	return rc;
}

static void make_parents(const char *path)
{
	char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0750);
			*p = '/';
		}
	free(copy);
}

int fsafe_open_append(const char *path, mode_t mode, struct err *err)
{
	struct stat st;
	int fd;

	make_parents(path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, mode);
	if (fd < 0)
		return err_set(err, "%s: %s%s", path, strerror(errno),
			       errno == ELOOP ? " (a symlink: not followed)" : "");
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, "%s: not a regular file", path);
	}
	/* O_NONBLOCK only kept a planted FIFO from hanging the open. */
	fcntl(fd, F_SETFL, O_APPEND);
	return fd;
}
