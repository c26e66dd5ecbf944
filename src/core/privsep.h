/* privsep.h - the sensor child of the privilege-separated honeypot.
 *
 * The parent binds (as root when ports below 1024 are configured), makes a
 * socketpair and forks before it opens the store: the child, which parses
 * every byte an attacker sends, never holds the store, the token table or
 * the web server. The child drops to the service user, empties its
 * capability bounding set, sets NoNewPrivs and loads a seccomp filter that
 * allows what an event loop on open sockets needs and refuses the rest
 * (EPERM): no open, exec, socket, connect, ptrace, mount. The web child
 * (and `iotmon serve`) gets a filter of its own, privsep_confine_web. */
#ifndef IOTMON_PRIVSEP_H
#define IOTMON_PRIVSEP_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* fds[0]: the parent's end, fds[1]: the child's (SOCK_SEQPACKET, close on
 * exec, the child's send buffer enlarged so bursts do not drop). */
int privsep_socketpair(int fds[2], struct err *err);

/* In the child, right after fork: closes every descriptor but stdin, out,
 * err and the n in keep (sorted in place), so whatever the parent had open
 * (the store, other services' sockets) stays out of reach. */
void privsep_close_all_but(int *keep, size_t n);

/* In the child, first: privileges dropped to user (when root) with the
 * capability bounding set emptied. */
int privsep_drop(const char *user, struct err *err);
/* Then, once its files are open and its threads started: NoNewPrivs and
 * the seccomp filter on every thread. */
int privsep_confine(struct err *err);
/* The same with the n system calls in extra allowed too (a child kind's
 * own needs, such as a capture's poll). */
int privsep_confine_with(const int *extra, size_t n, struct err *err);
/* The web child's filter, once its store connections are open and before
 * its threads start: NoNewPrivs, and everything allowed but what a web
 * server never needs (exec, ptrace, other processes' memory, mount, bpf,
 * kexec, modules, identity and namespace changes, keys, io_uring) and any
 * open for writing, creating or truncating, or any change to a file's
 * name, links, mode or owner (EPERM). */
int privsep_confine_web(struct err *err);

#endif
