/* metrics.h - process-wide counters and gauges for /metrics.
 *
 * Any module may count what it does (packets decoded, sessions open, feed
 * deliveries, errors) without knowing who reads it: the web server prints
 * every registered metric in the Prometheus text format. Metrics are
 * registered once by name (static storage, never freed) and updated with
 * atomic operations, so hot paths pay one atomic add. */
#ifndef IOTMON_METRICS_H
#define IOTMON_METRICS_H

#include <stdint.h>

#include "strbuf.h"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

#define METRICS_MAX 64

struct metric;

/* Returns the metric called name (with an optional label set such as
 * `kind="telnet"`), registering it on first use; help is kept from the first
 * registration. Returns NULL only when METRICS_MAX metrics exist. Thread-safe. */
struct metric *metric_get(const char *name, const char *labels, enum metric_type type, const char *help);
/* metric_get() once per call site: *slot caches the metric (a static in
 * the caller), so hot paths skip the lookup. Thread-safe. */
struct metric *metric_cached(struct metric **slot, const char *name, const char *labels, enum metric_type type,
			     const char *help);
void metric_add(struct metric *m, int64_t delta);
void metric_set(struct metric *m, int64_t value);
int64_t metric_value(const struct metric *m);

/* Shorthand: metric_get() then metric_add(); a no-op when the table is full. */
void metrics_count(const char *name, const char *labels, const char *help, int64_t delta);

/* A copy of one metric, for carrying a child process's values to the
 * process that serves /metrics (socket_sink.h). */
struct metric_sample {
	char name[64], labels[128], help[160];
	enum metric_type type;
	int64_t value;
};

/* Copies the registered metrics whose names start with prefix into out (at
 * most max); returns how many. */
int metrics_snapshot(const char *prefix, struct metric_sample *out, int max);

/* Appends every registered metric in the Prometheus text exposition format
 * (HELP and TYPE once per name). */
int metrics_write(struct strbuf *out);

#endif
