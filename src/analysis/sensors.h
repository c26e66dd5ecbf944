/* sensors.h - sensor liveness from the store: per sensor its events (all
 * time and by kind), its newest event, events per hour over the last day,
 * the rate over the last minutes, and how long it has been silent. The
 * sensor health page and /metrics show these figures. */
#ifndef IOTMON_ANALYSIS_SENSORS_H
#define IOTMON_ANALYSIS_SENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define SENSORS_MAX 256
#define SENSORS_HOURS 24
/* Silent longer than this: the page says so. */
#define SENSORS_SILENT_US ((int64_t)3600 * 1000000)

struct sensor_health {
	char name[EVENT_SENSOR_MAX];
	uint64_t total, by_kind[EVENT_KIND_COUNT];
	uint64_t window_events, window_packets; /* in the last `minutes` */
	uint64_t hourly[SENSORS_HOURS]; /* events per hour up to now, oldest first */
	int64_t last_us; /* newest event */
	bool counts_packets; /* it records scans (a telescope): packets mean something */
	int64_t silent_us; /* now - last_us */
};

struct sensors {
	struct sensor_health *v; /* by name */
	size_t n;
	int64_t now_us;
};

int sensors_health(struct store *s, int64_t now_us, int minutes, struct sensors *out, struct err *err);
void sensors_free(struct sensors *s);

#endif
