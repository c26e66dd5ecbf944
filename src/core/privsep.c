/* privsep.c - the sensor child of the privilege-separated honeypot. */
#include "privsep.h"

#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

int privsep_socketpair(int fds[2], struct err *err)
{
	int size = 8 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
		return err_set(err, "socketpair: %s", strerror(errno));
	/* Root may exceed net.core.wmem_max; others get what it allows. */
	if (setsockopt(fds[1], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fds[0], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void privsep_close_all_but(int *keep, size_t n)
{
	int from = 3;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] > from)
			syscall(SYS_close_range, (unsigned)from, (unsigned)keep[i] - 1, 0u);
		if (keep[i] + 1 > from)
			from = keep[i] + 1;
	}
	syscall(SYS_close_range, (unsigned)from, ~0u, 0u);
}

/* What the honeypot's loop, its logging and the C library's allocator do
 * once everything is open. */
static const int allowed[] = {
	SCMP_SYS(read),		 SCMP_SYS(write),	  SCMP_SYS(readv),	     SCMP_SYS(writev),
	SCMP_SYS(recvfrom),	 SCMP_SYS(sendto),	  SCMP_SYS(recvmsg),	     SCMP_SYS(sendmsg),
	SCMP_SYS(accept),	 SCMP_SYS(accept4),	  SCMP_SYS(close),	     SCMP_SYS(shutdown),
	SCMP_SYS(epoll_wait),	 SCMP_SYS(epoll_pwait),	  SCMP_SYS(epoll_ctl),	     SCMP_SYS(getsockname),
	SCMP_SYS(getpeername),	 SCMP_SYS(setsockopt),	  SCMP_SYS(getsockopt),	     SCMP_SYS(futex),
	SCMP_SYS(mmap),		 SCMP_SYS(munmap),	  SCMP_SYS(mremap),	     SCMP_SYS(madvise),
	SCMP_SYS(brk),		 SCMP_SYS(mprotect),	  SCMP_SYS(clock_gettime),   SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),	 SCMP_SYS(gettimeofday),  SCMP_SYS(time),	     SCMP_SYS(getrandom),
	SCMP_SYS(exit),		 SCMP_SYS(exit_group),	  SCMP_SYS(rt_sigprocmask),  SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigtimedwait), SCMP_SYS(rt_sigaction), SCMP_SYS(sigaltstack),     SCMP_SYS(getpid),
	SCMP_SYS(gettid),	 SCMP_SYS(tgkill),	  SCMP_SYS(fstat),	     SCMP_SYS(newfstatat),
	SCMP_SYS(lseek),	 SCMP_SYS(fcntl),	  SCMP_SYS(sched_yield),     SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),		 SCMP_SYS(fsync),	  SCMP_SYS(fdatasync),	     SCMP_SYS(restart_syscall),
	SCMP_SYS(ioctl),	 SCMP_SYS(getuid),	  SCMP_SYS(geteuid),	     SCMP_SYS(sysinfo),
	/* pthread_getattr_np() asks for the thread's CPU set; the sanitizers
	 * call it as a thread starts, which can be after the filter is in
	 * place (an ASan CHECK then killed the child at random in CI). */
	SCMP_SYS(sched_getaffinity),
};

int privsep_drop(const char *user, struct err *err)
{
	if (geteuid() != 0)
		return 0;
	/* Nothing regained later through a setuid binary or a file
	 * capability, whatever else fails. */
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	return privdrop(user, err);
}

int privsep_confine(struct err *err)
{
	return privsep_confine_with(NULL, 0, err);
}

int privsep_confine_with(const int *extra, size_t n, struct err *err)
{
	scmp_filter_ctx ctx;
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return err_set(err, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return err_set(err, "seccomp: cannot create a filter");
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; !rc && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; !rc && i < n; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, extra[i], 0);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc)
		return err_set(err, "seccomp: %s", strerror(-rc));
	return 0;
}
