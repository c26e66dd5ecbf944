/* classify.c - per-packet classes and fingerprint tests (see classify.h). */
#include "classify.h"

enum pkt_class classify_packet(const struct decoded *d, unsigned *fps)
{
	return classify_packet_inline(d, fps);
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
