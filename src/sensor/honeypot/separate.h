/* separate.h - the honeypot in a process of its own (privilege separation).
 *
 * honeypot_child_start() binds (as root for low ports) and forks a sensor
 * child (sensor/sensor_child.h) that keeps the listeners and nothing else:
 * no store, no token table, no web server. The child opens the Cowrie log
 * as the service user, starts the loop, confines itself and says it
 * started. At each UTC midnight the parent's rotator (cowrie_rotate.h)
 * renames the log, creates the next day's and passes it to the child. Used by `iotmon honeypot` and by the honeypot service of
 * `iotmon run`, which drive the child through sensor_child_*(). */
#ifndef IOTMON_HP_SEPARATE_H
#define IOTMON_HP_SEPARATE_H

#include <stddef.h>

#include "honeypot.h"
#include "sensor/sensor_child.h"

/* Binds and forks; the child runs until SIGTERM. describe receives what
 * listens (honeypot_describe). NULL with err. */
struct sensor_child *honeypot_child_start(const struct honeypot_config *hc, const char *user, char *describe,
					  size_t size, struct err *err);

#endif
