/* privsep.c - the sensor child of the privilege-separated honeypot. */
#include "privsep.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
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

/* What the web child never does once its files are open: run or trace
 * another program, read another process's memory, load kernel code or
 * filters, mount, change identity, keys or namespaces, or change a file's
 * name, links, mode or owner. Everything else stays allowed: the thread
 * pool of libmicrohttpd and the calls of SQLite and libpq (sockets for
 * PostgreSQL) vary too much for an allowlist that never breaks a page. */
static const int web_denied[] = {
	SCMP_SYS(execve),	    SCMP_SYS(execveat),		SCMP_SYS(ptrace),	   SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(kcmp),		SCMP_SYS(mount),	   SCMP_SYS(umount2),
	SCMP_SYS(pivot_root),	    SCMP_SYS(chroot),		SCMP_SYS(fsopen),	   SCMP_SYS(fsmount),
	SCMP_SYS(fsconfig),	    SCMP_SYS(fspick),		SCMP_SYS(move_mount),	   SCMP_SYS(open_tree),
	SCMP_SYS(bpf),		    SCMP_SYS(perf_event_open),	SCMP_SYS(userfaultfd),	   SCMP_SYS(kexec_load),
	SCMP_SYS(kexec_file_load),  SCMP_SYS(init_module),	SCMP_SYS(finit_module),	   SCMP_SYS(delete_module),
	SCMP_SYS(setuid),	    SCMP_SYS(setgid),		SCMP_SYS(setreuid),	   SCMP_SYS(setregid),
	SCMP_SYS(setresuid),	    SCMP_SYS(setresgid),	SCMP_SYS(setfsuid),	   SCMP_SYS(setfsgid),
	SCMP_SYS(setgroups),	    SCMP_SYS(capset),		SCMP_SYS(keyctl),	   SCMP_SYS(add_key),
	SCMP_SYS(request_key),	    SCMP_SYS(unshare),		SCMP_SYS(setns),	   SCMP_SYS(personality),
	SCMP_SYS(io_uring_setup),   SCMP_SYS(io_uring_enter),	SCMP_SYS(io_uring_register), SCMP_SYS(reboot),
	SCMP_SYS(swapon),	    SCMP_SYS(swapoff),		SCMP_SYS(settimeofday),	   SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime),    SCMP_SYS(adjtimex),		SCMP_SYS(syslog),	   SCMP_SYS(acct),
	SCMP_SYS(quotactl),	    SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at), SCMP_SYS(iopl),
	SCMP_SYS(ioperm),	    SCMP_SYS(fanotify_init),	SCMP_SYS(mknod),	   SCMP_SYS(mknodat),
	SCMP_SYS(creat),	    SCMP_SYS(truncate),		SCMP_SYS(rename),	   SCMP_SYS(renameat),
	SCMP_SYS(renameat2),	    SCMP_SYS(link),		SCMP_SYS(linkat),	   SCMP_SYS(symlink),
	SCMP_SYS(symlinkat),	    SCMP_SYS(unlink),		SCMP_SYS(unlinkat),	   SCMP_SYS(mkdir),
	SCMP_SYS(mkdirat),	    SCMP_SYS(rmdir),		SCMP_SYS(chmod),	   SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat),	    SCMP_SYS(chown),		SCMP_SYS(fchown),	   SCMP_SYS(lchown),
	SCMP_SYS(fchownat),	    SCMP_SYS(utimensat),	SCMP_SYS(utimes),	   SCMP_SYS(utime),
};

/* Opens that could write: for writing, creating or truncating (the store's
 * files, its -wal and -shm included, are open before the filter). */
static const struct {
	unsigned long mask, value;
} web_write_opens[] = {
	{O_ACCMODE, O_WRONLY},
	{O_ACCMODE, O_RDWR},
	{O_CREAT, O_CREAT},
	{O_TRUNC, O_TRUNC},
};

/* Namespaces a thread must not enter. */
static const unsigned long web_clone_denied = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID |
					      CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;

static int web_rules(scmp_filter_ctx ctx)
{
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);

	for (size_t i = 0; !rc && i < sizeof(web_denied) / sizeof(web_denied[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), web_denied[i], 0);
	for (size_t i = 0; !rc && i < sizeof(web_write_opens) / sizeof(web_write_opens[0]); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(open), 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, web_write_opens[i].mask, web_write_opens[i].value));
		if (!rc)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(openat), 1,
					      SCMP_A2(SCMP_CMP_MASKED_EQ, web_write_opens[i].mask,
						      web_write_opens[i].value));
	}
	/* Their flags are in a structure a filter cannot read: "not
	 * implemented", so the C library falls back to open and clone. */
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	for (unsigned long bit = 1; !rc && bit && bit <= web_clone_denied; bit <<= 1)
		if (web_clone_denied & bit)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					      SCMP_A0(SCMP_CMP_MASKED_EQ, bit, bit));
	return rc;
}

int privsep_confine_web(struct err *err)
{
	scmp_filter_ctx ctx;
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return err_set(err, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return err_set(err, "seccomp: cannot create a filter");
	rc = web_rules(ctx);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc)
		return err_set(err, "seccomp (web): %s", strerror(-rc));
	return 0;
}
