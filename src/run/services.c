/* services.c - the table of services `iotmon run` knows. */
#include "service.h"

#include <stddef.h>

#include "sensor/honeypot/service.h"

const struct service *const services[] = {
	&honeypot_service,
	NULL,
};
