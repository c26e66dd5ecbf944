/* bench_store - inserts N synthetic events through the store interface in
 * batches (one transaction each), as the sink's writer does, and prints
 * events/s. Usage: bench_store DB [N] [BATCH] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addrclass.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "../bench_events.h"

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000000, batch = argc > 3 ? atol(argv[3]) : 10000;
	struct event *evs;
	struct store *s;
	struct err err;
	int64_t t0, t1;
	/* Sources in 10/8 and the documentation ranges: a lab (docs/addresses.md). */
	addrclass_set_lab("10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24", NULL);

	if (argc < 2 || n <= 0 || batch <= 0) {
		fprintf(stderr, "usage: bench_store DB [N] [BATCH]\n");
		return 2;
	}
	bench_lab();
	unlink(argv[1]);
	s = store_open(argv[1], STORE_CREATE, &err);
	if (!s) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	evs = calloc((size_t)batch, sizeof(*evs));
	t0 = time_mono_us();
	for (long done = 0; done < n; done += batch) {
		long m = n - done < batch ? n - done : batch;

		for (long i = 0; i < m; i++)
			bench_event(&evs[i], done + i, 1000);
		if (store_insert_events(s, evs, (size_t)m, NULL, NULL, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		for (long i = 0; i < m; i++)
			event_free(&evs[i]);
	}
	t1 = time_mono_us();
	store_close(s);
	printf("store: %ld events in %.2f s = %.0f events/s (batch %ld)\n", n, (double)(t1 - t0) / 1e6,
	       (double)n * 1e6 / (double)(t1 - t0), batch);
	free(evs);
	return 0;
}
