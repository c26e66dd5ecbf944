/* sensor_child.h - an attacker-facing sensor in a process of its own.
 *
 * The privilege-separated shape every sensor shares (the honeypot, the
 * live telescope): the parent makes a socketpair and the sensor (bound, not
 * yet running) with the child's socket sink as its sink, then forks before
 * it opens the store. The child closes every other descriptor, runs the
 * sensor's privileged setup (opening a capture), drops to the service user
 * with an empty bounding set, starts the sensor, sets NoNewPrivs, loads the
 * seccomp filter (the base list plus the sensor's own calls) and tells the
 * parent it started, or why not. Its events and metrics cross the socket;
 * the parent's relay emits the events into its sink (the store or a
 * publisher) and shows the metrics as its own. SIGTERM stops the child,
 * which hands over its last events first. */
#ifndef IOTMON_SENSOR_CHILD_H
#define IOTMON_SENSOR_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/fdpass.h"
#include "core/sink.h"

/* How long a parent waits for its child's start message. */
#define SENSOR_CHILD_START_MS 10000

struct sensor_child_spec {
	const char *name; /* "honeypot", "telescope": in messages */
	const char *user; /* the service user to drop to (when root) */
	const char *const *metrics; /* prefixes of the child's metrics the parent shows (NULL-ended) */
	const int *syscalls; /* allowed beyond privsep's base list */
	size_t nsyscalls;
	bool blocking_sink; /* emit() waits when the socket is full (see socket_sink.h) */
	/* In the child, all optional: the descriptors it keeps (listeners);
	 * setup as root before the drop; start after it (files opened as the
	 * service user, threads); stop on SIGTERM, returning the exit status
	 * once every event is emitted. arg is theirs. */
	size_t (*fds)(void *arg, int *fds, size_t max);
	int (*setup)(void *arg, struct err *err);
	int (*start)(void *arg, struct err *err);
	int (*stop)(void *arg);
	/* In the child, optional: a descriptor the parent passed
	 * (sensor_child_pass_fd), taken from a thread of its own. */
	void (*take_fd)(void *arg, enum fdpass_what what, int fd);
	void *arg;
};

struct sensor_child;

/* The socketpair and the child's sink, for building the sensor; NULL with err. */
struct sensor_child *sensor_child_new(const struct sensor_child_spec *spec, struct err *err);
struct sink *sensor_child_sink(struct sensor_child *c);
/* Forks; the child never returns. In the parent the sensor built for the
 * child is the caller's to free (without starting it). -1 with err (then
 * sensor_child_stop frees c). */
int sensor_child_fork(struct sensor_child *c, struct err *err);

/* In the parent: relays the child's events into target; on_eof (may be
 * NULL) runs in the relay thread when the child's end closes. */
int sensor_child_relay(struct sensor_child *c, struct sink *target, void (*on_eof)(void), struct err *err);
/* Waits (up to SENSOR_CHILD_START_MS) for the child's start message; -1
 * with err (the child's reason) when it failed, exited or kept silent. */
int sensor_child_wait_started(struct sensor_child *c, struct err *err);
pid_t sensor_child_pid(const struct sensor_child *c);
/* In the parent, from any thread until sensor_child_stop: passes fd (the
 * caller keeps it) to the child's take_fd. */
int sensor_child_pass_fd(struct sensor_child *c, enum fdpass_what what, int fd, struct err *err);
/* In the parent: fn(arg) runs first in sensor_child_stop (to stop what
 * passes descriptors, for one). */
void sensor_child_on_stop(struct sensor_child *c, void (*fn)(void *arg), void *arg);
/* SIGTERM to the child (SIGKILL after 10 s), waits for it, drains the
 * relay, frees c. -1 with err when the child failed or was killed after
 * it had started (a failed start was said by wait_started already). */
int sensor_child_stop(struct sensor_child *c, struct err *err);

/* In the child: ends it as SIGTERM would (the sensor's own end, such as
 * a capture's duration). */
void sensor_child_finish(void);

#endif
