/* fsafe.h - files a daemon writes, and the folders they live in.
 *
 * What an unprivileged local user must not be able to do to the monitor:
 * read addresses and passwords (files are 0640 at most: umask 027), point a
 * symlink at a file the daemon writes (O_NOFOLLOW, O_EXCL temporaries), or
 * swap the configuration, the data or the store from under it (a group- or
 * world-writable folder or configuration file is refused). */
#ifndef IOTMON_FSAFE_H
#define IOTMON_FSAFE_H

#include <sys/types.h>

#include "err.h"

/* Refuses path when its mode lets the group or others write it; what names
 * it in the message ("configuration", "store folder"). A missing path is
 * fine (0): whoever creates it uses the umask. */
int fsafe_check_not_shared(const char *path, const char *what, struct err *err);
/* The same for the folder holding path ("." for a bare name). */
int fsafe_check_parent(const char *path, const char *what, struct err *err);

/* Opens path for appending: created with mode when missing (its missing
 * parent folders 0750), never through a symlink, and only a regular file.
 * Returns the descriptor, or -1 with err naming path. */
int fsafe_open_append(const char *path, mode_t mode, struct err *err);

#endif
