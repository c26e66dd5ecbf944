/* fuzz_telnet.c - the telnet negotiation state machine on arbitrary bytes,
 * fed in chunks whose sizes come from the input itself. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sensor/honeypot/telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct telnet t;
	uint8_t open[12], out[4096], reply[256], enc[8192];
	size_t o = 0;

	telnet_start(&t, open);
	while (o < size) {
		size_t n = 1 + data[o] % 64, got, rl = 0;

		if (n > size - o)
			n = size - o;
		got = telnet_input(&t, data + o, n, out, reply, sizeof(reply), &rl);
		if (got > n || rl > sizeof(reply))
			__builtin_trap();
		telnet_encode(out, got, enc);
		o += n;
	}
	return 0;
}
