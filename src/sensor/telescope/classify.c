/* classify.c - per-packet classes and fingerprint tests (see classify.h). */
#include "classify.h"

#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

enum pkt_class classify_packet(const struct decoded *d, unsigned *fps)
{
	enum pkt_class c;

	*fps = 0;
	if (!(d->flags & DECODE_HAS_L4))
		return CLASS_OTHER;
	switch (d->proto) {
	case 6: {
		uint8_t f = d->tcp_flags;

		if (f & TH_RST)
			return CLASS_BACKSCATTER;
		if ((f & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
			return CLASS_BACKSCATTER;
		if (!(f & TH_SYN))
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
	if (d->af == 4 && d->ip_id == 54321)
		*fps |= FP_BIT(FP_ZMAP);
	return c;
}

const char *class_name(enum pkt_class c)
{
	static const char *const names[CLASS_COUNT] = {"syn", "udp", "icmp", "backscatter", "other"};

	return (unsigned)c < CLASS_COUNT ? names[c] : "?";
}

const char *fingerprint_name(enum fingerprint f)
{
	static const char *const names[FP_COUNT] = {"mirai", "zmap", "masscan"};

	return (unsigned)f < FP_COUNT ? names[f] : "?";
}
