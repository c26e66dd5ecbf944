/* Unit tests for the web child's seccomp filter and for descriptor passing
 * (privsep.h, fdpass.h): each filter test runs in a forked child. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/privsep.h"

#ifndef __SANITIZE_THREAD__
static void *nothing(void *arg)
{
	return arg;
}

/* In the child under the filter: 0, or the number of the first check that
 * failed. */
static int confined_checks(const char *dir)
{
	char existing[512], fresh[512], moved[512];
	char *const argv[] = {"true", NULL};
	struct err err;
	pthread_t t;
	int fd;

	snprintf(existing, sizeof(existing), "%s/existing", dir);
	snprintf(fresh, sizeof(fresh), "%s/fresh", dir);
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	if (privsep_confine_web(&err))
		return 1;
	fd = open(existing, O_RDONLY);
	if (fd < 0)
		return 2; /* reading stays allowed */
	close(fd);
	if (open(existing, O_RDWR) >= 0 || errno != EPERM)
		return 3;
	if (open(existing, O_WRONLY | O_APPEND) >= 0 || errno != EPERM)
		return 4;
	if (open(fresh, O_WRONLY | O_CREAT | O_EXCL, 0600) >= 0 || errno != EPERM)
		return 5;
	if (open(existing, O_RDONLY | O_TRUNC) >= 0 || errno != EPERM)
		return 6;
	if (unlink(existing) == 0 || errno != EPERM || rename(existing, moved) == 0 || errno != EPERM)
		return 7;
	if (execv("/bin/true", argv) == 0 || errno != EPERM)
		return 8;
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 || errno != EPERM)
		return 9;
	if (setuid(getuid()) == 0 || errno != EPERM)
		return 10;
	/* Threads still start (clone3 refused with ENOSYS: glibc falls back). */
	if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 11;
	return 0;
}

static void test_web_filter(void **state)
{
	char dir[] = "/tmp/privsep_test.XXXXXX", path[512];
	int status;
	pid_t pid;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/existing", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("data\n", f);
	fclose(f);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(confined_checks(dir)); /* _exit: no sanitizer at exit */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Nothing changed on disk. */
	assert_int_equal(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/fresh", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/existing", dir);
	unlink(path);
	rmdir(dir);
}

#endif

static void test_fdpass(void **state)
{
	int sv[2], p[2], fd = -1, n;
	enum fdpass_what what = 0;
	struct err err;
	char buf[8];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fdpass_send(sv[0], FDPASS_COWRIE_LOG, p[1], &err), 0);
	assert_int_equal(fdpass_recv(sv[1], &what, &fd, &err), 1);
	assert_int_equal(what, FDPASS_COWRIE_LOG);
	assert_true(fd >= 0 && fd != p[1]);
	assert_int_equal(write(fd, "hi", 2), 2);
	close(fd);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "hi", 2);
	/* Not a descriptor message: refused, named. */
	assert_int_equal(send(sv[0], "IE\1junk", 7, 0), 7);
	assert_int_equal(fdpass_recv(sv[1], &what, &fd, &err), -1);
	assert_non_null(strstr(err.msg, "refused"));
	assert_int_equal(fd, -1);
	/* The right header without a descriptor: refused too. */
	assert_int_equal(send(sv[0], "IF\1\1", 4, 0), 4);
	assert_int_equal(fdpass_recv(sv[1], &what, &fd, &err), -1);
	/* The parent gone: the end of the stream. */
	close(sv[0]);
	n = fdpass_recv(sv[1], &what, &fd, &err);
	assert_int_equal(n, 0);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifndef __SANITIZE_THREAD__
		/* TSan's runtime and a seccomp filter in a forked child do not mix. */
		cmocka_unit_test(test_web_filter),
#endif
		cmocka_unit_test(test_fdpass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
