/* audit_upnp.h - does the device answer an SSDP M-SEARCH (UDP 1900)? The
 * request goes to the device's own address, never to the multicast group. */
#ifndef IOTMON_AUDIT_UPNP_H
#define IOTMON_AUDIT_UPNP_H

#include <stddef.h>

#include "core/ipaddr.h"

/* Returns 1 and the answer's SERVER / ST / LOCATION lines in out when it
 * answered, 0 when not, -1 on a local error. */
int audit_upnp_search(const struct ipaddr *ip, int timeout_ms, char *out, size_t cap);

#endif
