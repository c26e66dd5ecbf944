/* telescope_service.h - the live telescope as a service of `iotmon run`. */
#ifndef IOTMON_TELESCOPE_SERVICE_H
#define IOTMON_TELESCOPE_SERVICE_H

#include "run/service.h"

/* Enabled when [telescope] interface is set: captures there (with
 * [telescope] bpf) and hands scan events to the sink every flush_interval
 * seconds (aligned to the clock, so hourly flushes fall on the hour) and
 * at stop. Each flush covers the packets since the previous one. */
extern const struct service telescope_service;

#endif
