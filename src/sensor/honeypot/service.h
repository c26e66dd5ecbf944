/* service.h - the honeypot's entry in the `iotmon run` service table. */
#ifndef IOTMON_HP_SERVICE_H
#define IOTMON_HP_SERVICE_H

#include "run/service.h"

extern const struct service honeypot_service;

#endif
