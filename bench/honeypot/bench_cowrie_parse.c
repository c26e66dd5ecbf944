/* bench_cowrie_parse.c - the Cowrie importer alone: the same driver and
 * importer as `iotmon import cowrie`, events into a counting sink instead
 * of the store, to separate parsing and attribution from store writes.
 *   bench_cowrie_parse FILE... */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "core/sink.h"
#include "ingest/cowrie_importer.h"

int main(int argc, char **argv)
{
	struct import_result res;
	struct sink_stats st;
	struct timespec a, b;
	struct sink *sink = null_sink_new();
	double bytes = 0, secs;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_cowrie_parse FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) == 0)
			bytes += (double)sb.st_size;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	import_files(&cowrie_importer, argv + 1, argc - 1, sink, NULL, &res);
	clock_gettime(CLOCK_MONOTONIC, &b);
	sink_stats(sink, &st);
	sink_close(sink, NULL);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("parse + attribution only: %.0f MB in %.2f s: %.1f MB/s, %llu lines, %llu events, %llu bad lines\n",
	       bytes / 1e6, secs, bytes / 1e6 / secs, (unsigned long long)res.lines, (unsigned long long)st.emitted,
	       (unsigned long long)res.bad_lines);
	return 0;
}
