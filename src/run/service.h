/* service.h - what `iotmon run` starts: sensors, periodic jobs, the web.
 *
 * Each service is one const struct in the table of services.c. run calls
 * enabled() on the configuration, before_store(), opens the store, then start() for each enabled service
 * (binding sockets happens here, before privileges are dropped), logs
 * "ready", waits for SIGINT/SIGTERM, and calls stop() in reverse order.
 * A service runs in threads of its own; stop() must return only when the
 * service has handed every event to the sink (run then flushes the sink). */
#ifndef IOTMON_SERVICE_H
#define IOTMON_SERVICE_H

#include <stdbool.h>

#include "core/config.h"
#include "core/err.h"
#include "core/sink.h"

struct service_env {
	const struct config *cfg;
	struct sink *sink; /* where events go */
	const char *db_path; /* for services that read the store (own connection) */
};

struct service {
	const char *name;
	bool (*enabled)(const struct config *cfg);
	/* Called (may be NULL) before the store is opened (env->sink NULL):
	 * for a service that forks a child which must not inherit the store.
	 * Its state is the service's own until start(). */
	int (*before_store)(const struct service_env *env, struct err *err);
	/* Returns opaque state, or NULL with err set. */
	void *(*start)(const struct service_env *env, struct err *err);
	/* Called after privileges are dropped, before "ready" (may be NULL). */
	int (*ready)(void *state, struct err *err);
	void (*stop)(void *state);
};

/* The table, ended by NULL. */
extern const struct service *const services[];

#endif
