/* ipaddr.h - IPv4 and IPv6 addresses as values.
 *
 * An address is 16 bytes plus its family. IPv4 lives in b[0..3] (network
 * order, rest zero), so comparisons and hashing work on the bytes. An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is always normalised to plain
 * IPv4, as the field's formats expect. */
#ifndef IOTMON_IPADDR_H
#define IOTMON_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct ipaddr {
	uint8_t af; /* 0 (none), 4 or 6 */
	uint8_t b[16];
};

/* Parses text of exactly len bytes; returns 0 or -1. */
int ipaddr_parse(const char *s, size_t len, struct ipaddr *out);
/* Canonical text (dotted quad, RFC 5952); "" when af is 0. buf: IPADDR_STRLEN. */
void ipaddr_format(const struct ipaddr *a, char *buf);
void ipaddr_from_v4(uint32_t host_order, struct ipaddr *out);
/* From 16 network-order bytes; a v4-mapped address becomes IPv4. */
void ipaddr_from_v6(const uint8_t b[16], struct ipaddr *out);
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);
int ipaddr_compare(const struct ipaddr *a, const struct ipaddr *b);

/* A prefix: address and length (0-32 or 0-128). */
struct cidr {
	struct ipaddr addr;
	unsigned prefix;
};
/* "10.0.0.0/8", "2001:db8::/32", or a bare address (a host prefix). */
int cidr_parse(const char *s, size_t len, struct cidr *out);
bool cidr_contains(const struct cidr *c, const struct ipaddr *a);

/* Splits "ADDR:PORT" or "[V6ADDR]:PORT"; returns 0 or -1. host must hold
 * IPADDR_STRLEN bytes. */
int endpoint_parse(const char *s, size_t len, char *host, uint16_t *port);

#endif
