/* fuzz_pcap.c - the classic pcap reader plus the decoder on every record. */
#include <stddef.h>
#include <stdint.h>

#include "sensor/telescope/capture.h"
#include "sensor/telescope/classify.h"
#include "sensor/telescope/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_reader *r;
	struct cap_packet p, b[8];
	struct decoded d;
	struct tin in;
	struct err err;
	uint64_t off;
	unsigned fps;

	tin_open_mem(&in, data, size);
	r = pcap_reader_new(&in, &err, &off);
	if (!r)
		return 0;
	/* As the telescope reads: batches first, next() for the rest. */
	for (;;) {
		unsigned n = cap_next_batch(r, b, 8);

		if (!n) {
			if (cap_next(r, &b[0], &err, &off) != 1)
				break;
			n = 1;
		}
		for (unsigned i = 0; i < n; i++) {
			p = b[i];
			if (decode_packet(p.linktype, p.data, p.caplen, &d) == 0)
				classify_packet(&d, &fps);
		}
	}
	cap_close(r);
	return 0;
}
