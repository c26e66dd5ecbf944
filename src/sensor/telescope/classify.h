/* classify.h - what one packet seen by a telescope is (iot-threats.md §1).
 *
 * Every IP packet falls in exactly one class; fingerprints are tests a
 * packet may pass in addition (a Mirai SYN is also a SYN, and a chance
 * Masscan IP-ID match can sit on a Mirai SYN too, which is why sources are
 * labelled by share, not by one packet). */
#ifndef IOTMON_TELESCOPE_CLASSIFY_H
#define IOTMON_TELESCOPE_CLASSIFY_H

#include <stdint.h>

#include "decode.h"

enum pkt_class {
	CLASS_SYN,	   /* TCP SYN without ACK or RST: a scan probe */
	CLASS_UDP,	   /* any UDP datagram: a probe */
	CLASS_ICMP,	   /* ICMP / ICMPv6 that is not a reply or error: echo request etc. */
	CLASS_BACKSCATTER, /* SYN-ACK, RST, ICMP echo reply and errors: answers to spoofed traffic */
	CLASS_OTHER,	   /* any other IP packet (other TCP flags, other protocols, fragments) */
	CLASS_COUNT
};

enum fingerprint {
	FP_MIRAI,   /* SYN, seq == destination IPv4 address */
	FP_ZMAP,    /* IPv4 probe with IP ID 54321 (ZMap up to 4.0) */
	FP_MASSCAN, /* SYN, IP ID == (dst ^ dport ^ seq) & 0xffff */
	FP_COUNT
};

#define FP_BIT(f) (1u << (f))

/* The class of a decoded packet; *fps gets FP_BIT()s of the tests it passes. */
enum pkt_class classify_packet(const struct decoded *d, unsigned *fps);

const char *class_name(enum pkt_class c);
const char *fingerprint_name(enum fingerprint f);

#endif
