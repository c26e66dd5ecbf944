/* bench_telescope_pcaploop.c - the baseline: a plain libpcap loop.
 *
 * What a competent user writes in an afternoon: pcap_next_ex over the file,
 * Ethernet/IPv4/TCP by hand, the Mirai test (SYN, seq == destination), and
 * a per-source packet count in an open-addressing hash table.
 * Usage: bench_telescope_pcaploop FILE; prints packets, sources, Mirai
 * packets and Mirai sources as JSON. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint32_t addr; /* 0: empty */
	uint32_t packets, mirai;
};

int main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t cap = 1u << 21, mask = cap - 1, used = 0;
	struct slot *t = calloc(cap, sizeof(*t));
	uint64_t packets = 0, mirai = 0, mirai_sources = 0;
	pcap_t *pc;

	if (argc != 2 || !t) {
		fprintf(stderr, "usage: bench_telescope_pcaploop FILE\n");
		return 2;
	}
	pc = pcap_open_offline(argv[1], ebuf);
	if (!pc) {
		fprintf(stderr, "%s\n", ebuf);
		return 1;
	}
	while (pcap_next_ex(pc, &h, &d) == 1) {
		uint32_t src, dst, seq;
		size_t i;
		int is_mirai;

		packets++;
		if (h->caplen < 34 || d[12] != 0x08 || d[13] != 0x00)
			continue;
		src = (uint32_t)d[26] << 24 | (uint32_t)d[27] << 16 | (uint32_t)d[28] << 8 | d[29];
		dst = (uint32_t)d[30] << 24 | (uint32_t)d[31] << 16 | (uint32_t)d[32] << 8 | d[33];
		is_mirai = 0;
		if (d[23] == 6 && h->caplen >= 14u + (d[14] & 15u) * 4 + 14) {
			const u_char *tcp = d + 14 + (d[14] & 15) * 4;

			seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
			is_mirai = (tcp[13] & 0x12) == 0x02 && seq == dst;
		}
		mirai += is_mirai;
		i = (src * 2654435761u) & mask;
		while (t[i].addr && t[i].addr != src)
			i = (i + 1) & mask;
		if (!t[i].addr) {
			t[i].addr = src;
			used++;
		}
		t[i].packets++;
		t[i].mirai += is_mirai;
	}
	for (size_t i = 0; i < cap; i++)
		if (t[i].addr && t[i].mirai * 10 >= t[i].packets * 9)
			mirai_sources++;
	printf("{\"packets\":%llu,\"sources\":%zu,\"mirai_packets\":%llu,\"mirai_sources\":%llu}\n",
	       (unsigned long long)packets, used, (unsigned long long)mirai, (unsigned long long)mirai_sources);
	pcap_close(pc);
	free(t);
	return 0;
}
