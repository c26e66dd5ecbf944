/* decode_test.c - link layers, IP, transports, classes, fingerprints, and
 * the per-source aggregation and labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/telescope/aggregate.h"
#include "sensor/telescope/capture.h"
#include "sensor/telescope/classify.h"
#include "sensor/telescope/decode.h"
#include "sensor/telescope/sources.h"

/* IPv4 + TCP SYN 10.0.0.1:40000 -> 192.0.2.7:23, seq = 192.0.2.7, id 0x1234. */
static void syn4(uint8_t *p, uint32_t seq, uint16_t id, uint8_t flags)
{
	static const uint8_t h[40] = {0x45, 0,    0,    40,   0x12, 0x34, 0,    0,    64,   6,
				      0,    0,    10,   0,    0,    1,    192,  0,    2,    7,
				      0x9c, 0x40, 0,    23,   0,    0,    0,    0,    0,    0,
				      0,    0,    0x50, 0x02, 0x10, 0,    0,    0,    0,    0};

	memcpy(p, h, 40);
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[24] = (uint8_t)(seq >> 24);
	p[25] = (uint8_t)(seq >> 16);
	p[26] = (uint8_t)(seq >> 8);
	p[27] = (uint8_t)seq;
	p[33] = flags;
}

static void test_link_layers(void **state)
{
	uint8_t ip[40], f[128];
	struct decoded d;
	(void)state;

	syn4(ip, 0xC0000207, 0x1234, 0x02);
	/* raw, IPv4 linktype */
	assert_int_equal(decode_packet(LINKTYPE_RAW, ip, 40, &d), 0);
	assert_int_equal(d.af, 4);
	assert_int_equal(d.dst4, 0xC0000207);
	assert_int_equal(d.seq, 0xC0000207);
	assert_int_equal(d.dport, 23);
	assert_int_equal(d.sport, 40000);
	assert_int_equal(d.ip_id, 0x1234);
	assert_true(d.flags & DECODE_HAS_L4);
	assert_int_equal(decode_packet(LINKTYPE_IPV4, ip, 40, &d), 0);
	/* Ethernet, 802.1Q, QinQ */
	memset(f, 0, sizeof(f));
	f[12] = 0x08;
	memcpy(f + 14, ip, 40);
	assert_int_equal(decode_packet(LINKTYPE_ETHERNET, f, 54, &d), 0);
	assert_int_equal(d.dport, 23);
	f[12] = 0x81;
	f[13] = 0x00;
	f[16] = 0x08;
	f[17] = 0x00;
	memcpy(f + 18, ip, 40);
	assert_int_equal(decode_packet(LINKTYPE_ETHERNET, f, 58, &d), 0);
	assert_int_equal(d.seq, 0xC0000207);
	f[12] = 0x88;
	f[13] = 0xa8;
	f[16] = 0x81;
	f[17] = 0x00;
	f[20] = 0x08;
	f[21] = 0x00;
	memcpy(f + 22, ip, 40);
	assert_int_equal(decode_packet(LINKTYPE_ETHERNET, f, 62, &d), 0);
	assert_int_equal(d.sport, 40000);
	/* A tag that ends the frame, and ARP, are not IP. */
	assert_int_equal(decode_packet(LINKTYPE_ETHERNET, f, 17, &d), -1);
	f[12] = 0x08;
	f[13] = 0x06;
	assert_int_equal(decode_packet(LINKTYPE_ETHERNET, f, 62, &d), -1);
	/* Linux SLL (protocol at 14) and SLL2 (protocol at 0) */
	memset(f, 0, sizeof(f));
	f[14] = 0x08;
	memcpy(f + 16, ip, 40);
	assert_int_equal(decode_packet(LINKTYPE_LINUX_SLL, f, 56, &d), 0);
	assert_int_equal(d.dport, 23);
	memset(f, 0, sizeof(f));
	f[0] = 0x08;
	memcpy(f + 20, ip, 40);
	assert_int_equal(decode_packet(LINKTYPE_LINUX_SLL2, f, 60, &d), 0);
	assert_int_equal(d.dport, 23);
	/* BSD null: family 2 in either host order; loop: network order. */
	uint32_t fam = 2;
	memcpy(f, &fam, 4);
	memcpy(f + 4, ip, 40);
	assert_int_equal(decode_packet(LINKTYPE_NULL, f, 44, &d), 0);
	fam = __builtin_bswap32(2);
	memcpy(f, &fam, 4);
	assert_int_equal(decode_packet(LINKTYPE_NULL, f, 44, &d), 0);
	assert_int_equal(decode_packet(LINKTYPE_LOOP, f, 44, &d), 0);
	assert_int_equal(d.seq, 0xC0000207);
	/* unknown link type */
	assert_int_equal(decode_packet(147, f, 44, &d), -1);
	assert_false(decode_linktype_known(147));
}

static void test_ipv4_edges(void **state)
{
	uint8_t ip[64];
	struct decoded d;
	(void)state;

	syn4(ip, 1, 1, 0x02);
	/* Truncated inside TCP: IP fields valid, no transport. */
	assert_int_equal(decode_packet(LINKTYPE_RAW, ip, 30, &d), 0);
	assert_false(d.flags & DECODE_HAS_L4);
	/* A later fragment has no transport header. */
	ip[6] = 0x00;
	ip[7] = 0x10;
	assert_int_equal(decode_packet(LINKTYPE_RAW, ip, 40, &d), 0);
	assert_false(d.flags & DECODE_HAS_L4);
	ip[7] = 0;
	/* IHL beyond the capture, and a bad version. */
	ip[0] = 0x4f;
	assert_int_equal(decode_packet(LINKTYPE_RAW, ip, 40, &d), -1);
	ip[0] = 0x55;
	assert_int_equal(decode_packet(LINKTYPE_RAW, ip, 40, &d), -1);
	assert_int_equal(decode_packet(LINKTYPE_RAW, ip, 0, &d), -1);
}

static void test_ipv6(void **state)
{
	uint8_t p[80] = {0x60, 0, 0, 0, 0, 16, 0, 64};
	struct decoded d;
	unsigned fps;
	(void)state;

	p[8] = 0x20;
	p[9] = 0x01;
	p[24] = 0x20;
	p[25] = 0x01;
	p[39] = 9;
	/* hop-by-hop (8 bytes) then ICMPv6 echo request (128) */
	p[6] = 0;
	p[40] = 58;
	p[41] = 0;
	p[48] = 128;
	assert_int_equal(decode_packet(LINKTYPE_RAW, p, 56, &d), 0);
	assert_int_equal(d.af, 6);
	assert_int_equal(d.proto, 58);
	assert_int_equal(d.icmp_type, 128);
	assert_int_equal(classify_packet(&d, &fps), CLASS_ICMP);
	p[48] = 1; /* destination unreachable: backscatter */
	assert_int_equal(decode_packet(LINKTYPE_RAW, p, 56, &d), 0);
	assert_int_equal(classify_packet(&d, &fps), CLASS_BACKSCATTER);
	/* UDP directly, via IPV6 link type */
	p[6] = 17;
	p[40] = 0x13;
	p[41] = 0x88;
	p[42] = 0x07;
	p[43] = 0x6c;
	assert_int_equal(decode_packet(LINKTYPE_IPV6, p, 48, &d), 0);
	assert_int_equal(d.dport, 1900);
	assert_int_equal(classify_packet(&d, &fps), CLASS_UDP);
	assert_int_equal(fps, 0);
	/* An extension header running off the capture. */
	p[6] = 0;
	assert_int_equal(decode_packet(LINKTYPE_RAW, p, 44, &d), 0);
	assert_false(d.flags & DECODE_HAS_L4);
}

static void test_classes_and_fingerprints(void **state)
{
	uint8_t ip[40];
	struct decoded d;
	unsigned fps;
	(void)state;

	/* Mirai: seq equals the destination, compared as host-order numbers. */
	syn4(ip, 0xC0000207, 0x1234, 0x02);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_SYN);
	assert_int_equal(fps, FP_BIT(FP_MIRAI));
	/* Byte-swapped seq is not Mirai. */
	syn4(ip, 0x070200C0, 0x1234, 0x02);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	classify_packet(&d, &fps);
	assert_int_equal(fps, 0);
	/* SYN-ACK with the Mirai seq: backscatter, no fingerprint. */
	syn4(ip, 0xC0000207, 0x1234, 0x12);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_BACKSCATTER);
	assert_int_equal(fps, 0);
	syn4(ip, 5, 1, 0x04);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_BACKSCATTER);
	syn4(ip, 5, 1, 0x10);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_OTHER);
	/* ZMap IP ID */
	syn4(ip, 5, 54321, 0x02);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	classify_packet(&d, &fps);
	assert_int_equal(fps, FP_BIT(FP_ZMAP));
	/* Masscan: id == (dst ^ dport ^ seq) & 0xffff */
	uint32_t seq = 0xdeadbeef;
	syn4(ip, seq, (uint16_t)((0xC0000207u ^ 23u ^ seq) & 0xffff), 0x02);
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	classify_packet(&d, &fps);
	assert_int_equal(fps, FP_BIT(FP_MASSCAN));
	/* ICMP echo request is a probe; echo reply and errors are backscatter. */
	syn4(ip, 0, 7, 0);
	ip[9] = 1;
	ip[20] = 8;
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_ICMP);
	ip[20] = 0;
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_BACKSCATTER);
	ip[20] = 11;
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_BACKSCATTER);
	ip[9] = 47; /* GRE */
	decode_packet(LINKTYPE_RAW, ip, 40, &d);
	assert_int_equal(classify_packet(&d, &fps), CLASS_OTHER);
}

static struct agg_pkt mk(uint32_t src, int32_t day, uint32_t ms, uint32_t dst, uint16_t port, uint8_t cls, uint8_t fps)
{
	struct agg_pkt p;

	memset(&p, 0, sizeof(p));
	p.af = 4;
	memcpy(p.addr, &src, 4);
	p.period = day;
	p.ms = ms;
	p.dst32 = dst;
	p.dport = port;
	p.has_port = 1;
	p.cls = cls;
	p.fps = fps;
	return p;
}

struct finder {
	const struct src_entry *day0, *day1;
};

/* Picks the entries of 203.0.113.5 (0xcb007105 as stored bytes). */
static void find_scanner(struct src_entry *e, void *arg)
{
	struct finder *x = arg;
	uint32_t v = 0xcb007105;

	if (memcmp(e->addr, &v, 4) == 0) {
		if (e->period == 19000)
			x->day0 = e;
		else
			x->day1 = e;
	}
}

static void test_aggregate_and_labels(void **state)
{
	struct agg *a = agg_new(0, 1);
	uint16_t ports[AGG_PORTS];
	uint32_t counts[AGG_PORTS];
	double share;
	(void)state;

	/* 3000 one-packet sources (the table grows from 1024 slots on the way)
	 * plus one source with 20 probes to 20 destinations, 18 of them Mirai. */
	for (uint32_t s = 0; s < 3000; s++) {
		struct agg_pkt p = mk(0x0a000000 + s, 19000, s, 1, 80, CLASS_SYN, 0);

		agg_push(a, &p);
	}
	for (uint32_t i = 0; i < 20; i++) {
		struct agg_pkt p = mk(0xcb007105, 19000, 1000 + i, 100 + i, i % 10 == 9 ? 2323 : 23, CLASS_SYN,
				      i < 18 ? FP_BIT(FP_MIRAI) : 0);

		agg_push(a, &p);
	}
	/* The same source on the next day: its own entry. */
	struct agg_pkt next = mk(0xcb007105, 19001, 5, 7, 23, CLASS_SYN, FP_BIT(FP_MIRAI));
	agg_push(a, &next);
	agg_drain(a);
	assert_int_equal(agg_count(a), 3002);

	struct finder fd = {0};
	const struct src_entry *sc;

	agg_each(a, find_scanner, &fd);
	sc = fd.day0;
	assert_non_null(fd.day1);
	assert_int_equal(agg_packets(fd.day1), 1);
	assert_non_null(sc);
	assert_int_equal(agg_packets(sc), 20);
	assert_int_equal(sc->fp[FP_MIRAI], 18);
	assert_int_equal(sc->first_ms, 1000);
	assert_int_equal(sc->last_ms, 1019);
	assert_int_equal(agg_top_ports(sc, ports, counts), 2);
	assert_int_equal(ports[0], 23);
	assert_int_equal(counts[0], 18);
	assert_int_equal(ports[1], 2323);
	assert_int_equal(counts[1], 2);
	/* 20 destinations: beyond the exact list, so an estimate above 8. */
	uint64_t dsts = agg_destinations(sc);
	assert_true(dsts >= 12 && dsts <= 28);
	/* 18/20 = 0.9: labelled at share 0.9, not at 0.95. */
	assert_int_equal(source_label(sc, 0.9, &share), LABEL_MIRAI);
	assert_true(share > 0.899 && share < 0.901);
	assert_int_equal(source_label(sc, 0.95, &share), LABEL_OTHER);
	/* One chance Masscan match on a one-packet source is not enough. */
	struct src_entry one = {0};
	struct agg_pkt m = mk(1, 1, 1, 1, 1, CLASS_SYN, FP_BIT(FP_MASSCAN));
	agg_apply(&one, &m);
	assert_int_equal(source_label(&one, 0.9, &share), LABEL_OTHER);
	struct agg_pkt b = mk(1, 1, 2, 2, 1, CLASS_BACKSCATTER, 0);
	agg_apply(&one, &b);
	agg_apply(&one, &b);
	assert_int_equal(source_label(&one, 0.9, &share), LABEL_BACKSCATTER);
	assert_int_equal(agg_destinations(&one), 1); /* backscatter adds no destination */
	agg_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_layers),
		cmocka_unit_test(test_ipv4_edges),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_classes_and_fingerprints),
		cmocka_unit_test(test_aggregate_and_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
