/* services.c - the table of services `iotmon run` knows. */
#include "service.h"

#include <stddef.h>

extern const struct service probe_service;
extern const struct service feeds_service;
extern const struct service web_service;

const struct service *const services[] = {
	&probe_service,
	&feeds_service,
	&web_service,
	NULL,
};
