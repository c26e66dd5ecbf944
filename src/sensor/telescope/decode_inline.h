/* decode_inline.h - the body of decode_packet() as inline functions, so the
 * telescope's hot loop can specialise it for a link type known in advance
 * (one decoder, no copy that could drift). Only decode.c and telescope.c
 * include it. */
#ifndef IOTMON_TELESCOPE_DECODE_INLINE_H
#define IOTMON_TELESCOPE_DECODE_INLINE_H

#include <string.h>

#include "capture.h"
#include "decode.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86DD

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline __attribute__((always_inline)) void decode_l4(const uint8_t *p, uint32_t len, struct decoded *d)
{
	switch (d->proto) {
	case 6: /* TCP: flags live at byte 13 */
		if (len < 14)
			return;
		d->sport = be16(p);
		d->dport = be16(p + 2);
		d->seq = be32(p + 4);
		d->tcp_flags = p[13];
		break;
	case 17:
		if (len < 8)
			return;
		d->sport = be16(p);
		d->dport = be16(p + 2);
		break;
	case 1:
	case 58:
		if (len < 4)
			return;
		d->icmp_type = p[0];
		break;
	default:
		return;
	}
	d->flags |= DECODE_HAS_L4;
}

static inline __attribute__((always_inline)) int decode_ipv4(const uint8_t *p, uint32_t len, struct decoded *d)
{
	uint32_t ihl, total;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return -1;
	total = be16(p + 2);
	/* Trailing link padding is not transport data; a bogus total is ignored. */
	if (total >= ihl && total < len)
		len = total;
	d->af = 4;
	d->ttl = p[8];
	d->proto = p[9];
	d->ip_id = be16(p + 4);
	d->src = p + 12;
	d->dst = p + 16;
	d->dst4 = be32(p + 16);
	if ((be16(p + 6) & 0x1fff) == 0) /* first (or only) fragment */
		decode_l4(p + ihl, len - ihl, d);
	return 0;
}

static inline __attribute__((always_inline)) int decode_ipv6(const uint8_t *p, uint32_t len, struct decoded *d)
{
	uint32_t off = 40;
	uint8_t nh;

	if (len < 40 || (p[0] >> 4) != 6)
		return -1;
	d->af = 6;
	d->ttl = p[7];
	d->src = p + 8;
	d->dst = p + 24;
	nh = p[6];
	for (int i = 0; i < 8; i++) {
		if (nh == 0 || nh == 43 || nh == 60) { /* hop-by-hop, routing, destination options */
			if (off + 8 > len)
				goto partial;
			uint8_t next = p[off];

			off += 8 + (uint32_t)p[off + 1] * 8;
			nh = next;
		} else if (nh == 44) { /* fragment */
			if (off + 8 > len)
				goto partial;
			uint8_t next = p[off];
			uint16_t fo = be16(p + off + 2) >> 3;

			off += 8;
			nh = next;
			if (fo != 0) {
				d->proto = nh;
				return 0;
			}
		} else if (nh == 51) { /* authentication header: length in 4-octet units */
			if (off + 8 > len)
				goto partial;
			uint8_t next = p[off];

			off += ((uint32_t)p[off + 1] + 2) * 4;
			nh = next;
		} else {
			break;
		}
	}
	d->proto = nh;
	if (off <= len)
		decode_l4(p + off, len - off, d);
	return 0;
partial:
	d->proto = nh;
	return 0;
}

static inline __attribute__((always_inline)) int decode_ip(const uint8_t *p, uint32_t len, struct decoded *d)
{
	if (len < 1)
		return -1;
	switch (p[0] >> 4) {
	case 4:
		return decode_ipv4(p, len, d);
	case 6:
		return decode_ipv6(p, len, d);
	default:
		return -1;
	}
}

static inline __attribute__((always_inline)) int decode_ethertype(uint16_t type, const uint8_t *p, uint32_t len, struct decoded *d)
{
	if (type == ETH_IPV4)
		return decode_ipv4(p, len, d);
	if (type == ETH_IPV6)
		return decode_ipv6(p, len, d);
	return -1;
}

/* BSD address family values for IPv6 differ by OS. */
static inline __attribute__((always_inline)) int decode_null_family(uint32_t fam, const uint8_t *p, uint32_t len, struct decoded *d)
{
	if (fam == 2)
		return decode_ipv4(p, len, d);
	if (fam == 24 || fam == 28 || fam == 30)
		return decode_ipv6(p, len, d);
	return -1;
}

static inline __attribute__((always_inline)) int decode_packet_inline(uint32_t linktype, const uint8_t *p, uint32_t len, struct decoded *d)
{
	memset(d, 0, sizeof(*d));
	switch (linktype) {
	case LINKTYPE_ETHERNET: {
		uint32_t off = 12;
		uint16_t type;

		if (len < 14)
			return -1;
		type = be16(p + off);
		/* 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag, up to 4 deep. */
		for (int i = 0; i < 4 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); i++) {
			off += 4;
			if (off + 2 > len)
				return -1;
			type = be16(p + off);
		}
		off += 2;
		return decode_ethertype(type, p + off, len - off, d);
	}
	case LINKTYPE_RAW:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		return decode_ip(p, len, d);
	case LINKTYPE_NULL: {
		uint32_t fam;

		if (len < 4)
			return -1;
		/* Written in the capturing host's order: take whichever reading is small. */
		memcpy(&fam, p, 4);
		if (fam > 0xffff)
			fam = __builtin_bswap32(fam);
		return decode_null_family(fam, p + 4, len - 4, d);
	}
	case LINKTYPE_LOOP:
		if (len < 4)
			return -1;
		return decode_null_family(be32(p), p + 4, len - 4, d);
	case LINKTYPE_LINUX_SLL:
		if (len < 16)
			return -1;
		return decode_ethertype(be16(p + 14), p + 16, len - 16, d);
	case LINKTYPE_LINUX_SLL2:
		if (len < 20)
			return -1;
		return decode_ethertype(be16(p), p + 20, len - 20, d);
	default:
		return -1;
	}
}

#endif
