/* capture_test.c - pcap and pcapng readers: byte orders, µs/ns, sections,
 * interfaces, unknown blocks, truncation and impossible lengths. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "sensor/telescope/capture.h"

struct buf {
	uint8_t b[8192];
	size_t n;
	int swap; /* write big-endian */
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void u32(struct buf *b, uint32_t v)
{
	if (b->swap)
		v = __builtin_bswap32(v);
	put(b, &v, 4);
}

static void u16(struct buf *b, uint16_t v)
{
	if (b->swap)
		v = __builtin_bswap16(v);
	put(b, &v, 2);
}

static const uint8_t pkt20[20] = {0x45, 0, 0, 20, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};

static void pcap_header(struct buf *b, uint32_t magic, uint32_t linktype)
{
	u32(b, magic);
	u16(b, 2);
	u16(b, 4);
	u32(b, 0);
	u32(b, 0);
	u32(b, 65535);
	u32(b, linktype);
}

static void pcap_record(struct buf *b, uint32_t sec, uint32_t frac, const uint8_t *d, uint32_t len)
{
	u32(b, sec);
	u32(b, frac);
	u32(b, len);
	u32(b, len);
	put(b, d, len);
}

/* Reads everything, with next() alone or with next_batch() first as the
 * telescope's loop does; returns packets read, sets *rc to the last result. */
static int read_mode(const uint8_t *data, size_t len, struct cap_packet *out, int max, int *rc, uint64_t *off,
		     char *msg, bool batch)
{
	struct tin in;
	struct err err = {""};
	struct cap_reader *r;
	int n = 0;

	tin_open_mem(&in, data, len);
	r = cap_open(&in, &err, off);
	if (!r) {
		*rc = -2;
		strcpy(msg, err.msg);
		return 0;
	}
	for (;;) {
		struct cap_packet p[3];
		unsigned got = batch ? cap_next_batch(r, p, 3) : 0;

		if (!got) {
			*rc = cap_next(r, &p[0], &err, off);
			if (*rc != 1)
				break;
			got = 1;
		}
		for (unsigned i = 0; i < got; i++) {
			if (n < max)
				out[n] = p[i];
			n++;
		}
	}
	strcpy(msg, err.msg);
	cap_close(r);
	return n;
}

/* Both ways must give the same packets, result, offset and message. */
static int read_all(const uint8_t *data, size_t len, struct cap_packet *out, int max, int *rc, uint64_t *off,
		    char *msg)
{
	struct cap_packet o2[16];
	char m2[ERR_MSG_MAX];
	uint64_t off2 = 0;
	int rc2, n2, n;

	assert_true(max <= 16);
	n2 = read_mode(data, len, o2, max, &rc2, &off2, m2, false);
	n = read_mode(data, len, out, max, rc, off, msg, true);
	assert_int_equal(n, n2);
	assert_int_equal(*rc, rc2);
	assert_string_equal(msg, m2);
	if (*rc != 0 && *rc != 1)
		assert_int_equal(*off, off2);
	for (int i = 0; i < n && i < max; i++) {
		assert_int_equal(out[i].ts_us, o2[i].ts_us);
		assert_int_equal(out[i].caplen, o2[i].caplen);
		assert_int_equal(out[i].origlen, o2[i].origlen);
		assert_int_equal(out[i].linktype, o2[i].linktype);
		assert_memory_equal(out[i].data, o2[i].data, out[i].caplen);
	}
	return n;
}

static void test_pcap_orders_and_resolution(void **state)
{
	static const uint32_t magics[2] = {0xa1b2c3d4, 0xa1b23c4d};
	(void)state;
	for (int swap = 0; swap < 2; swap++)
		for (int m = 0; m < 2; m++) {
			struct buf b = {.swap = swap};
			struct cap_packet p[4];
			char msg[ERR_MSG_MAX];
			uint64_t off;
			int rc, n;

			pcap_header(&b, magics[m], LINKTYPE_RAW);
			pcap_record(&b, 1700000000, m ? 123456789 : 123456, pkt20, 20);
			pcap_record(&b, 1700000001, 5, pkt20, 20);
			n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
			assert_int_equal(rc, 0);
			assert_int_equal(n, 2);
			assert_int_equal(p[0].ts_us, INT64_C(1700000000123456));
			assert_int_equal(p[1].ts_us, INT64_C(1700000001000000) + (m ? 0 : 5));
			assert_int_equal(p[0].caplen, 20);
			assert_int_equal(p[0].linktype, LINKTYPE_RAW);
			assert_memory_equal(p[0].data, pkt20, 20);
		}
}

static void test_pcap_damage(void **state)
{
	struct buf b = {0};
	struct cap_packet p[4];
	char msg[ERR_MSG_MAX];
	uint64_t off;
	int rc, n;
	(void)state;

	pcap_header(&b, 0xa1b2c3d4, LINKTYPE_RAW);
	pcap_record(&b, 1, 0, pkt20, 20);
	pcap_record(&b, 2, 0, pkt20, 20);
	/* Truncated last record: the first two count, offset names the third. */
	n = read_all(b.b, b.n - 7, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_int_equal(rc, -1);
	assert_int_equal(off, 24 + 36);
	assert_non_null(strstr(msg, "truncated record"));
	/* A header cut inside. */
	n = read_all(b.b, 24 + 36 + 10, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "truncated record header"));
	/* An impossible length: above the snap length. */
	uint32_t big = 70000;
	memcpy(b.b + 24 + 36 + 8, &big, 4);
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_int_equal(rc, -1);
	assert_int_equal(off, 60);
	assert_non_null(strstr(msg, "impossible record length 70000"));
	/* Wrong magic and unknown link type. */
	b.b[0] ^= 0xff;
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(rc, -2);
	assert_non_null(strstr(msg, "not a pcap file"));
	b.n = 0;
	pcap_header(&b, 0xa1b2c3d4, 147);
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(rc, -2);
	assert_int_equal(off, 20);
	assert_non_null(strstr(msg, "unknown link type 147"));
	/* An empty file. */
	n = read_all(b.b, 0, p, 4, &rc, &off, msg);
	assert_int_equal(rc, -2);
	assert_string_equal(msg, "empty file");
}

static void shb(struct buf *b)
{
	u32(b, 0x0A0D0D0A);
	u32(b, 28);
	u32(b, 0x1A2B3C4D);
	u16(b, 1);
	u16(b, 0);
	u32(b, 0xffffffff);
	u32(b, 0xffffffff);
	u32(b, 28);
}

/* An IDB with an optional if_tsresol option (0xff: none). */
static void idb(struct buf *b, uint16_t linktype, uint8_t tsresol)
{
	uint32_t len = 20 + (tsresol != 0xff ? 12 : 0);

	u32(b, 1);
	u32(b, len);
	u16(b, linktype);
	u16(b, 0);
	u32(b, 0);
	if (tsresol != 0xff) {
		uint8_t v[4] = {tsresol, 0, 0, 0};

		u16(b, 9);
		u16(b, 1);
		put(b, v, 4);
		u32(b, 0); /* opt_endofopt */
	}
	u32(b, len);
}

static void epb(struct buf *b, uint32_t ifid, uint64_t ts, const uint8_t *d, uint32_t len)
{
	uint32_t padded = (len + 3) & ~3u, total = 32 + padded;
	uint8_t zero[4] = {0};

	u32(b, 6);
	u32(b, total);
	u32(b, ifid);
	u32(b, (uint32_t)(ts >> 32));
	u32(b, (uint32_t)ts);
	u32(b, len);
	u32(b, len);
	put(b, d, len);
	put(b, zero, padded - len);
	u32(b, total);
}

static void test_pcapng_sections_interfaces_unknown(void **state)
{
	struct buf b = {0};
	struct cap_packet p[8];
	char msg[ERR_MSG_MAX];
	uint64_t off;
	int rc, n;
	uint8_t eth[34] = {0};
	(void)state;

	memcpy(eth + 14, pkt20, 20);
	eth[12] = 0x08;
	/* Section 1, little-endian: a µs raw-IP interface and a ns Ethernet one. */
	shb(&b);
	idb(&b, LINKTYPE_RAW, 0xff);
	idb(&b, LINKTYPE_ETHERNET, 9);
	epb(&b, 0, UINT64_C(1700000000123456), pkt20, 20);
	/* An unknown block and a local-use block are skipped. */
	u32(&b, 0x00000bad);
	u32(&b, 16);
	u32(&b, 0xdeadbeef);
	u32(&b, 16);
	u32(&b, 0x80000001);
	u32(&b, 12);
	u32(&b, 12);
	epb(&b, 1, UINT64_C(1700000000123456789), eth, 34);
	/* Section 2, big-endian: interfaces start again at 0; 2^-10 s units. */
	b.swap = 1;
	shb(&b);
	idb(&b, LINKTYPE_ETHERNET, 0x8a);
	epb(&b, 0, (UINT64_C(1700000000) << 10) | 512, eth, 34);
	n = read_all(b.b, b.n, p, 8, &rc, &off, msg);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].linktype, LINKTYPE_RAW);
	assert_int_equal(p[0].ts_us, INT64_C(1700000000123456));
	assert_int_equal(p[1].linktype, LINKTYPE_ETHERNET);
	assert_int_equal(p[1].ts_us, INT64_C(1700000000123456));
	assert_int_equal(p[1].caplen, 34);
	assert_int_equal(p[2].ts_us, INT64_C(1700000000500000));
	assert_memory_equal(p[2].data + 14, pkt20, 20);

	/* Section 2 has one interface: a packet for interface 1 is damage. */
	size_t good = b.n;
	epb(&b, 1, 0, eth, 34);
	n = read_all(b.b, b.n, p, 8, &rc, &off, msg);
	assert_int_equal(n, 3);
	assert_int_equal(rc, -1);
	assert_int_equal(off, good);
	assert_non_null(strstr(msg, "interface 1"));
}

static void test_pcapng_damage(void **state)
{
	struct buf b = {0};
	struct cap_packet p[4];
	char msg[ERR_MSG_MAX];
	uint64_t off;
	int rc, n;
	size_t second;
	(void)state;

	shb(&b);
	idb(&b, LINKTYPE_RAW, 0xff);
	epb(&b, 0, 1, pkt20, 20);
	second = b.n;
	epb(&b, 0, 2, pkt20, 20);
	/* Truncated last block. */
	n = read_all(b.b, b.n - 3, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_int_equal(rc, -1);
	assert_int_equal(off, second);
	/* Length not a multiple of 4. */
	b.b[second + 4] = 53;
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "impossible block length 53"));
	/* Captured length beyond the block. */
	b.b[second + 4] = 52;
	b.b[second + 20] = 200;
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "impossible captured length 200"));
	/* Trailing length differs. */
	b.b[second + 20] = 20;
	b.b[b.n - 4] = 48;
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(n, 1);
	assert_non_null(strstr(msg, "block lengths differ"));
	/* Bad byte-order magic. */
	b.b[8] = 0;
	n = read_all(b.b, b.n, p, 4, &rc, &off, msg);
	assert_int_equal(rc, -2);
	assert_non_null(strstr(msg, "byte-order magic"));
}

static void test_gzip_input(void **state)
{
	char path[] = "/tmp/iotmon-captest-XXXXXX";
	struct buf b = {0};
	struct cap_packet p;
	struct cap_reader *r;
	struct tin in;
	struct err err;
	uint64_t off;
	int fd, n = 0, rc;
	gzFile gz;
	(void)state;

	pcap_header(&b, 0xa1b2c3d4, LINKTYPE_RAW);
	for (int i = 0; i < 100; i++)
		pcap_record(&b, (uint32_t)i, 0, pkt20, 20);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	gz = gzdopen(fd, "wb");
	assert_int_equal(gzwrite(gz, b.b, (unsigned)b.n), (int)b.n);
	gzclose(gz);
	assert_int_equal(tin_open(&in, path, &err), 0);
	assert_false(tin_mapped(&in));
	r = cap_open(&in, &err, &off);
	assert_non_null(r);
	while ((rc = cap_next(r, &p, &err, &off)) == 1)
		assert_int_equal(p.ts_us, (int64_t)(n++) * 1000000);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 100);
	cap_close(r);
	tin_close(&in);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_orders_and_resolution),
		cmocka_unit_test(test_pcap_damage),
		cmocka_unit_test(test_pcapng_sections_interfaces_unknown),
		cmocka_unit_test(test_pcapng_damage),
		cmocka_unit_test(test_gzip_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
