/* web_proc.h - the web server in a process of its own (privilege separation).
 *
 * web_proc_start() binds the web socket (as root for low ports) and forks
 * before the store is opened.
 * The child closes every other descriptor (the read-write store, the
 * sensors' sockets), opens its own read-only store connections, drops to
 * the service user with an empty bounding set, sets NoNewPrivs and
 * PR_SET_PDEATHSIG, loads its seccomp filter (privsep_confine_web: a deny
 * list, no open for writing; its store's files, -wal and -shm included,
 * are open by then) and only then starts the server's threads.
 * /metrics is served by the child: the parent sends its own counters
 * (sensors, sinks, transport) every half second over a socketpair. */
#ifndef IOTMON_WEB_PROC_H
#define IOTMON_WEB_PROC_H

#include <sys/types.h>

#include "core/err.h"
#include "web/web.h"

struct web_proc;

/* Binds and forks, before the caller opens the store: the child waits
 * for web_proc_serve(). NULL with err. */
struct web_proc *web_proc_start(const struct web_options *o, const char *user, struct err *err);
/* Once the store exists: lets the child open it and serve, and waits until
 * it does (or reports why it cannot: -1 with err; then web_proc_stop). */
int web_proc_serve(struct web_proc *p, struct err *err);
pid_t web_proc_pid(const struct web_proc *p);
uint16_t web_proc_port(const struct web_proc *p);
/* SIGTERM to the child (SIGKILL after 4 s), waits for it, frees p. */
void web_proc_stop(struct web_proc *p);

#endif
