/* peer.h - the client address of a web connection, and the groups the
 * server's limits count it in.
 *
 * One household or one attacker usually holds a whole IPv4 /24 or IPv6 /64,
 * so connection caps count per prefix (/24, /64), and the failed-login and
 * page budgets per address (IPv4) or per /64 (IPv6: a host picks any of
 * 2^64 addresses of its own). */
#ifndef IOTMON_WEB_PEER_H
#define IOTMON_WEB_PEER_H

#include <stdint.h>
#include <sys/socket.h>

#include "core/ipaddr.h"

/* The address of sa (AF_INET or AF_INET6, v4-mapped becomes IPv4); af 0
 * for anything else or NULL. */
void peer_from_sockaddr(const struct sockaddr *sa, struct ipaddr *out);
/* The /24 (IPv4) or /64 (IPv6) holding a. */
void peer_prefix(const struct ipaddr *a, struct ipaddr *out);
/* A non-zero number naming the address (IPv4) or /64 (IPv6) of a, for
 * tables keyed by integers (ratelimit.h). IPv4 keys carry ff:ff in the top
 * bits, which no IPv6 unicast /64 has (ff00::/8 is multicast). */
int64_t peer_budget_key(const struct ipaddr *a);

#endif
