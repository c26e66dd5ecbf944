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

/* The same, inline for the hot loop. */
#define CLS_TH_SYN 0x02
#define CLS_TH_RST 0x04
#define CLS_TH_ACK 0x10

static inline __attribute__((always_inline)) enum pkt_class classify_packet_inline(const struct decoded *d, unsigned *fps)
{
	enum pkt_class c;

	*fps = 0;
	if (!(d->flags & DECODE_HAS_L4))
		return CLASS_OTHER;
	switch (d->proto) {
	case 6: {
		uint8_t f = d->tcp_flags;

		if (f & CLS_TH_RST)
			return CLASS_BACKSCATTER;
		if ((f & (CLS_TH_SYN | CLS_TH_ACK)) == (CLS_TH_SYN | CLS_TH_ACK))
			return CLASS_BACKSCATTER;
		if (!(f & CLS_TH_SYN))
			return CLASS_OTHER;
		c = CLASS_SYN;
		if (d->af == 4) {
			/* Both fields hold the same four wire bytes for Mirai. */
			if (d->seq == d->dst4)
				*fps |= FP_BIT(FP_MIRAI);
			if (d->ip_id == ((d->dst4 ^ d->dport ^ d->seq) & 0xffff))
				*fps |= FP_BIT(FP_MASSCAN);
		}
		break;
	}
	case 17:
		c = CLASS_UDP;
		break;
	case 1: {
		uint8_t t = d->icmp_type;

		/* echo reply, unreachable, source quench, redirect, time exceeded, parameter problem */
		if (t == 0 || t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			return CLASS_BACKSCATTER;
		c = CLASS_ICMP;
		break;
	}
	case 58:
		/* ICMPv6 errors are types 0-127; 129 is echo reply. */
		if (d->icmp_type < 128 || d->icmp_type == 129)
			return CLASS_BACKSCATTER;
		c = CLASS_ICMP;
		break;
	default:
		return CLASS_OTHER;
	}
	if (d->af == 4) {
		unsigned ip_id = d->ip_id;

		/* A separate 2-byte load: merged with af into one 8-byte load it
		 * would wait for the decoder's narrow stores to retire (no store
		 * forwarding), a fifth of the telescope's reading thread. */
		__asm__("" : "+r"(ip_id));
		if (ip_id == 54321)
			*fps |= FP_BIT(FP_ZMAP);
	}
	return c;
}

const char *class_name(enum pkt_class c);
const char *fingerprint_name(enum fingerprint f);

#endif
