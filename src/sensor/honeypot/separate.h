/* separate.h - the honeypot in a process of its own (privilege separation).
 *
 * honeypot_proc_start() binds (as root for low ports) and forks: the child
 * keeps the listeners and nothing else (every other descriptor closed: no
 * store, no token table, no web server), drops to the service user with an
 * empty bounding set, opens the Cowrie log as that user, starts the loop,
 * sets NoNewPrivs and loads the seccomp filter (core/privsep.h). Its events
 * leave through a socket sink; the parent's relay emits them into whatever
 * sink it is given (the store, a publisher). Used by `iotmon honeypot` and
 * by the honeypot service of `iotmon run`. */
#ifndef IOTMON_HP_SEPARATE_H
#define IOTMON_HP_SEPARATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/sink.h"
#include "honeypot.h"

struct honeypot_proc;

/* Binds and forks; the child runs until SIGTERM. NULL with err. */
struct honeypot_proc *honeypot_proc_start(const struct honeypot_config *hc, const char *user, struct err *err);
/* Starts relaying the child's events into target; on_eof (may be NULL)
 * runs in the relay thread when the child's end closes. */
int honeypot_proc_relay(struct honeypot_proc *p, struct sink *target, void (*on_eof)(void), struct err *err);
pid_t honeypot_proc_pid(const struct honeypot_proc *p);
const char *honeypot_proc_describe(const struct honeypot_proc *p);
/* SIGTERM to the child, waits for it, drains the relay, frees p. Returns 0,
 * or -1 with err when the child failed or was killed. */
int honeypot_proc_stop(struct honeypot_proc *p, struct err *err);

#endif
