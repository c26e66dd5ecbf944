/* metrics_listener.h - a minimal HTTP listener answering /metrics with the
 * process's registered counters (core/metrics.h), for processes without the
 * web server (the collector). */
#ifndef IOTMON_METRICS_LISTENER_H
#define IOTMON_METRICS_LISTENER_H

#include "core/err.h"

struct metrics_listener;

/* Listens on "ADDR:PORT" or "[V6ADDR]:PORT" (one thread). */
struct metrics_listener *metrics_listener_start(const char *endpoint, struct err *err);
void metrics_listener_stop(struct metrics_listener *l);

#endif
