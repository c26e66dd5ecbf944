/* fuzz_pcapng.c - the pcapng block walker plus the decoder on every packet. */
#include <stddef.h>
#include <stdint.h>

#include "sensor/telescope/capture.h"
#include "sensor/telescope/classify.h"
#include "sensor/telescope/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_reader *r;
	struct cap_packet p;
	struct decoded d;
	struct tin in;
	struct err err;
	uint64_t off;
	unsigned fps;

	tin_open_mem(&in, data, size);
	r = pcapng_reader_new(&in, &err, &off);
	if (!r)
		return 0;
	while (cap_next(r, &p, &err, &off) == 1)
		if (decode_packet(p.linktype, p.data, p.caplen, &d) == 0)
			classify_packet(&d, &fps);
	cap_close(r);
	return 0;
}
