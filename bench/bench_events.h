/* bench_events.h - the synthetic honeypot events the store benchmarks share
 * (bench code only), so every path of one run inserts the same rows.
 *
 * Sessions of 16 events from one source, 200 000 distinct sources spread
 * over 10.0.0.0/8, logins and commands; event i happens step_us after event
 * i - 1, from 2025-03-01 00:00 UTC. */
#ifndef IOTMON_BENCH_EVENTS_H
#define IOTMON_BENCH_EVENTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addrclass.h"
#include "core/event.h"

#define BENCH_START_US INT64_C(1740787200000000)

/* The sources are in 10.0.0.0/8: a lab, so they count as devices. */
static inline void bench_lab(void)
{
	addrclass_set_lab("10.0.0.0/8", NULL);
}

static inline void bench_event(struct event *ev, long i, int64_t step_us)
{
	static const char *const users[] = {"root", "admin", "support", "guest", "user"};
	static const char *const passwords[] = {"xc3511", "vizxv", "admin", "888888", "default", "1234"};

	event_init(ev);
	ev->time_us = BENCH_START_US + i * step_us;
	ev->kind = i % 4 == 0 ? EVENT_COMMAND : EVENT_LOGIN;
	ev->transport = TRANSPORT_TCP;
	ipaddr_from_v4(0x0a000000u + (uint32_t)(((uint64_t)(i / 16) * 2654435761u) % 200000), &ev->src);
	ipaddr_from_v4(0xc0000205u, &ev->dst);
	ev->src_port = (uint16_t)(1024 + i % 60000);
	ev->dst_port = 23;
	ev->seq = (uint32_t)(i % 16);
	strcpy(ev->sensor, "bench");
	strcpy(ev->family, "mirai");
	snprintf(ev->session, sizeof(ev->session), "%012lx", i / 16);
	if (ev->kind == EVENT_LOGIN) {
		ev->username = strdup(users[i % 5]);
		ev->password = strdup(passwords[i % 6]);
		ev->success = (int8_t)(i % 2);
	} else {
		ev->input = strdup("/bin/busybox ECCHI");
	}
}

#endif
