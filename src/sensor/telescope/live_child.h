/* live_child.h - live capture in a sensor child (privilege separation).
 *
 * Every captured byte is attacker-controlled, so the decoder and the
 * per-source table run in a sensor child (sensor/sensor_child.h) that holds
 * the capture socket and its event socket and nothing else: no store, no
 * publisher. It opens the capture as root right after the fork (libpcap's
 * close tears down the ring, so a handle opened in the parent could not be
 * handed over and closed there), drops to the service user, confines
 * itself (seccomp fit for a libpcap loop) and emits scan events every
 * flush interval and at stop, waiting when the socket is full (the kernel
 * ring holds the packets meanwhile). Packets and kernel drops reach the
 * parent as metrics. Used by `iotmon telescope -i` and the telescope
 * service of `iotmon run`; reading files stays in-process. */
#ifndef IOTMON_TELESCOPE_LIVE_CHILD_H
#define IOTMON_TELESCOPE_LIVE_CHILD_H

#include <stdint.h>

#include "sensor/sensor_child.h"
#include "sources.h"
#include "telescope.h"

struct live_child_config {
	const char *iface, *bpf, *sensor;
	struct label_options lopt;
	int64_t flush_interval_us; /* 0: one flush, at the end */
	double duration; /* seconds; 0: until SIGTERM */
	/* In the child after the last flush (may be NULL): the sorted table of
	 * the last window and how many scan events it gave (--sources, --summary). */
	void (*at_end)(struct tscope *t, struct src_entry *const *v, size_t n, uint64_t emitted, void *arg);
	void *arg;
};

/* Forks the capture child (copying lc); NULL with err. Drive it with
 * sensor_child_relay(), _wait_started() (a capture that cannot open fails
 * here) and _stop(). */
struct sensor_child *live_child_start(const struct live_child_config *lc, const char *user, struct err *err);

/* In the parent: what the child reported so far (its metrics). */
void live_child_counts(uint64_t *packets, uint64_t *kernel_drops);

#endif
