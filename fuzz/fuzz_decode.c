/* fuzz_decode.c - the packet decoder and classifier. The first byte picks
 * the link type; the rest is the captured packet. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/telescope/capture.h"
#include "sensor/telescope/classify.h"
#include "sensor/telescope/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t types[] = {LINKTYPE_NULL,	     LINKTYPE_ETHERNET, LINKTYPE_RAW,	     LINKTYPE_LOOP,
					 LINKTYPE_LINUX_SLL, LINKTYPE_IPV4,	LINKTYPE_IPV6,	     LINKTYPE_LINUX_SLL2};
	struct decoded d;
	unsigned fps;
	uint8_t *copy;

	if (size < 1)
		return 0;
	/* An exact-size heap copy, so ASan sees any read past caplen. */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if (decode_packet(types[data[0] % 8], copy, (uint32_t)(size - 1), &d) == 0) {
		volatile uint8_t sink = d.af == 4 ? d.src[3] ^ d.dst[3] : d.src[15] ^ d.dst[15];

		(void)sink;
		classify_packet(&d, &fps);
	}
	free(copy);
	return 0;
}
