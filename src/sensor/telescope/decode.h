/* decode.h - link layer, IP and transport headers of one captured packet.
 *
 * Link types: Ethernet (with 802.1Q / 802.1ad tags, any depth up to 4),
 * raw IP (101, 228, 229), Linux SLL and SLL2, BSD null and loopback.
 * Network: IPv4 (options skipped, fragments: only the first has a transport
 * header) and IPv6 (extension headers skipped). Transport: TCP, UDP, ICMP,
 * ICMPv6. Every read is bounded by caplen; nothing is allocated. */
#ifndef IOTMON_TELESCOPE_DECODE_H
#define IOTMON_TELESCOPE_DECODE_H

#include <stdint.h>

enum { DECODE_HAS_L4 = 1 }; /* flags */

struct decoded {
	uint8_t af; /* 4 or 6 */
	uint8_t proto; /* IP protocol of the transport (after IPv6 extensions) */
	uint8_t flags; /* DECODE_HAS_L4 when the transport fields below are valid */
	uint8_t tcp_flags; /* TCP */
	uint8_t icmp_type; /* ICMP, ICMPv6 */
	uint8_t ttl;
	uint16_t ip_id; /* IPv4 identification (host order) */
	uint16_t sport, dport; /* TCP, UDP (host order) */
	uint32_t seq; /* TCP sequence number (host order) */
	uint32_t dst4; /* IPv4 destination (host order) */
	const uint8_t *src, *dst; /* into the packet: 4 or 16 bytes */
};

/* Decodes; returns 0 for an IP packet (transport fields valid only with
 * DECODE_HAS_L4), -1 for anything else (not IP, unknown link type, too
 * short). */
int decode_packet(uint32_t linktype, const uint8_t *data, uint32_t caplen, struct decoded *out);

/* True when decode_packet knows the link type. */
int decode_linktype_known(uint32_t linktype);

#endif
