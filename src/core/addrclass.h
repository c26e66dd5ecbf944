/* addrclass.h - which source addresses can be devices.
 *
 * Loopback, private (RFC 1918), shared (CGNAT 100.64/10), link-local,
 * documentation, benchmarking, multicast, reserved, unique-local and the
 * like are never an infected device on the Internet: a spoofed telescope
 * source, a lab, a test. Observations (the "infected devices" every figure
 * counts) are made only for addresses outside these ranges, except for
 * prefixes a lab allows ([store] lab_prefixes). The list: addrclass.c and
 * docs/addresses.md. */
#ifndef IOTMON_ADDRCLASS_H
#define IOTMON_ADDRCLASS_H

#include <stdbool.h>

#include "err.h"
#include "ipaddr.h"

/* The name of the special-purpose range a belongs to ("loopback", ...), or
 * NULL for an address that can be a device. Ignores the lab allowance. */
const char *addrclass_special(const struct ipaddr *a);

/* Sets the process-wide lab allowance: comma-separated prefixes (the
 * [store] lab_prefixes value) whose addresses count as devices although
 * special. Called once at start, before threads. */
int addrclass_set_lab(const char *cidrs, struct err *err);

/* True when a may be counted as a device: not special, or allowed. */
bool addrclass_is_device(const struct ipaddr *a);

#endif
