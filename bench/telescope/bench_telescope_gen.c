/* bench_telescope_gen.c - a deterministic telescope-like capture.
 *
 * Usage: bench_telescope_gen FILE [PACKETS] [SOURCES]
 * Writes a little-endian µs pcap (Ethernet, IPv4) of PACKETS packets
 * (default 20M) from about SOURCES sources (default 840 000): 1 % of the
 * sources send 80 % of the packets (telescope traffic is that skewed). A
 * source's kind follows from its number: half are Mirai (seq = destination,
 * port 23 and every 10th probe 2323), then ZMap, Masscan, plain SYN, UDP
 * and backscatter (SYN-ACK). Prints the ground truth as JSON on stdout. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static inline uint64_t next(void)
{
	/* xorshift64*: fast and deterministic everywhere */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

enum kind { K_MIRAI, K_ZMAP, K_MASSCAN, K_SYN, K_UDP, K_BACK };

static enum kind kind_of(uint32_t idx)
{
	uint32_t k = (idx * 2654435761u) >> 28; /* 0..15 */

	if (k < 8)
		return K_MIRAI;
	if (k < 10)
		return K_ZMAP;
	if (k < 11)
		return K_MASSCAN;
	if (k < 13)
		return K_SYN;
	if (k < 15)
		return K_UDP;
	return K_BACK;
}

/* A distinct public-looking address per source number. */
static uint32_t addr_of(uint32_t idx)
{
	uint32_t a = (idx + 1) * 2246822519u ^ 0x5bd1e995u;

	return (a & 0x7fffffffu) | 0x01000000u;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int main(int argc, char **argv)
{
	uint64_t packets = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000000;
	uint32_t sources = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 840000;
	uint32_t heavy = sources / 100, light = sources - heavy;
	uint64_t mirai_packets = 0, syn_23 = 0, per_kind[6] = {0}, kind_sources[6] = {0}, distinct = 0;
	uint8_t *seen = calloc(sources, 1), *counter = calloc(sources, sizeof(uint32_t));
	uint32_t *burst = (uint32_t *)counter;
	static uint8_t buf[1 << 20];
	size_t used = 0;
	FILE *f;

	if (argc < 2 || !seen || !counter || sources < 100) {
		fprintf(stderr, "usage: bench_telescope_gen FILE [PACKETS] [SOURCES>=100]\n");
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static const uint8_t fh[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
				       0,    0,	   0,	 0,    0, 0, 4, 0, 1, 0, 0, 0};
	fwrite(fh, 1, sizeof(fh), f);
	for (uint64_t i = 0; i < packets; i++) {
		uint64_t r = next();
		uint32_t idx = (r & 0xff) < 205 ? (uint32_t)((r >> 8) % heavy) : heavy + (uint32_t)((r >> 8) % light);
		enum kind k = kind_of(idx);
		uint32_t src = addr_of(idx), dst = 0x2c000000u | (uint32_t)((r >> 40) & 0xffff);
		uint64_t r2 = next();
		uint32_t seq = (uint32_t)r2, sec = 1735689600u + (uint32_t)(i / 100000), usec = (uint32_t)(i % 100000) * 10;
		uint16_t sport = (uint16_t)(1024 + idx % 60000), dport = 23, id = (uint16_t)(r2 >> 32);
		uint8_t proto = 6, flags = 0x02;
		uint8_t *p = buf + used;
		size_t len = 54;

		if (!seen[idx]) {
			seen[idx] = 1;
			distinct++;
			kind_sources[k]++;
		}
		switch (k) {
		case K_MIRAI:
			seq = dst;
			dport = (burst[idx]++ % 10 == 9) ? 2323 : 23;
			break;
		case K_ZMAP:
			id = 54321;
			dport = (uint16_t)((r2 >> 48) % 3 == 0 ? 80 : (r2 >> 48) % 3 == 1 ? 8080 : 443);
			break;
		case K_MASSCAN:
			dport = (uint16_t)((r2 >> 48) & 1 ? 80 : 8443);
			id = (uint16_t)((dst ^ dport ^ seq) & 0xffff);
			break;
		case K_SYN:
			dport = (uint16_t)((r2 >> 48) & 1 ? 22 : 23);
			if (seq == dst)
				seq++;
			break;
		case K_UDP:
			proto = 17;
			dport = (uint16_t)((r2 >> 48) & 1 ? 53 : 1900);
			len = 42;
			break;
		case K_BACK:
			flags = 0x12;
			sport = 80;
			dport = (uint16_t)(1024 + (r2 >> 48) % 60000);
			break;
		}
		if (k != K_MIRAI && k != K_MASSCAN && k != K_ZMAP && id == 54321)
			id = 54320; /* keep the ground truth exact */
		if (k == K_MIRAI)
			mirai_packets++;
		if (proto == 6 && flags == 0x02 && (dport == 23 || dport == 2323))
			syn_23++;
		per_kind[k]++;
		/* record header */
		uint32_t caplen = (uint32_t)len;
		memcpy(p, &sec, 4);
		memcpy(p + 4, &usec, 4);
		memcpy(p + 8, &caplen, 4);
		memcpy(p + 12, &caplen, 4);
		p += 16;
		memset(p, 0, len);
		p[0] = 0x02;
		p[6] = 0x02;
		p[5] = 1;
		p[11] = 2;
		p[12] = 0x08;
		p[14] = 0x45;
		put16(p + 16, (uint16_t)(len - 14));
		put16(p + 18, id);
		p[22] = 52;
		p[23] = proto;
		put32(p + 26, src);
		put32(p + 30, dst);
		put16(p + 34, sport);
		put16(p + 36, dport);
		if (proto == 6) {
			put32(p + 38, seq);
			p[46] = 0x50;
			p[47] = flags;
			put16(p + 48, 14600);
		} else {
			put16(p + 38, 8);
		}
		used += 16 + len;
		if (used > sizeof(buf) - 128) {
			fwrite(buf, 1, used, f);
			used = 0;
		}
	}
	fwrite(buf, 1, used, f);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	printf("{\"packets\":%llu,\"sources\":%llu,\"mirai_packets\":%llu,\"mirai_sources\":%llu,"
	       "\"zmap_packets\":%llu,\"zmap_sources\":%llu,\"masscan_packets\":%llu,\"masscan_sources\":%llu,"
	       "\"backscatter_packets\":%llu,\"backscatter_sources\":%llu,\"syn_to_23_2323\":%llu}\n",
	       (unsigned long long)packets, (unsigned long long)distinct, (unsigned long long)mirai_packets,
	       (unsigned long long)kind_sources[K_MIRAI], (unsigned long long)per_kind[K_ZMAP],
	       (unsigned long long)kind_sources[K_ZMAP], (unsigned long long)per_kind[K_MASSCAN],
	       (unsigned long long)kind_sources[K_MASSCAN], (unsigned long long)per_kind[K_BACK],
	       (unsigned long long)kind_sources[K_BACK], (unsigned long long)syn_23);
	free(seen);
	free(counter);
	return 0;
}
