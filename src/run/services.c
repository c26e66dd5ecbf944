/* services.c - the table of services `iotmon run` knows. */
#include "service.h"

#include <stddef.h>

const struct service *const services[] = {
	NULL,
};
