#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

int privdrop(const char *user, struct err *err)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0; /* nothing to drop */
	if (!user || !*user)
		return err_set(err, "running as root: set [general] user to an unprivileged account");
	errno = 0;
	pw = getpwnam(user);
	if (!pw)
		return err_set(err, "user \"%s\": %s", user, errno ? strerror(errno) : "no such user");
	if (pw->pw_uid == 0)
		return err_set(err, "user \"%s\" is root; choose an unprivileged account", user);
	if (setgroups(1, &pw->pw_gid) != 0)
		return err_set(err, "setgroups: %s", strerror(errno));
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0)
		return err_set(err, "setresgid(%u): %s", (unsigned)pw->pw_gid, strerror(errno));
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
		return err_set(err, "setresuid(%u): %s", (unsigned)pw->pw_uid, strerror(errno));
	/* Paranoia: if any of the above was a no-op, this would succeed. */
	if (setuid(0) == 0 || geteuid() == 0)
		return err_set(err, "still able to become root after dropping privileges");
	return 0;
}
