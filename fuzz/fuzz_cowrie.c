/* fuzz_cowrie.c - the Cowrie importer on arbitrary lines (one file: the
 * input split at newlines), events into a counting sink. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/sink.h"
#include "ingest/cowrie_importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_ctx ctx = {.path = "fuzz"};
	const char *s = (const char *)data, *end = s + size;
	struct err err;

	ctx.sink = null_sink_new();
	if (cowrie_importer.begin(&ctx, &err))
		__builtin_trap();
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		ctx.lineno++;
		if (len)
			cowrie_importer.line(&ctx, s, len, &err);
		s += len + 1;
	}
	cowrie_importer.end(&ctx, &err);
	sink_close(ctx.sink, &err);
	return 0;
}
