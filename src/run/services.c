/* services.c - the table of services `iotmon run` knows. */
#include "service.h"

#include <stddef.h>

#include "sensor/telescope/telescope_service.h"
#include "sensor/honeypot/service.h"

extern const struct service probe_service;
extern const struct service feeds_service;
extern const struct service web_service;

const struct service *const services[] = {
	&honeypot_service,
	&probe_service,
	&telescope_service,
	&feeds_service,
	&web_service,
	NULL,
};
