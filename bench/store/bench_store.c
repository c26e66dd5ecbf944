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

static const char *const users[] = {"root", "admin", "support", "guest", "user"};
static const char *const passwords[] = {"xc3511", "vizxv", "admin", "888888", "default", "1234"};

static void make(struct event *ev, long i)
{
	event_init(ev);
	ev->time_us = INT64_C(1740787200000000) + i * 1000;
	ev->kind = i % 4 == 0 ? EVENT_COMMAND : EVENT_LOGIN;
	ev->transport = TRANSPORT_TCP;
	/* Sessions of 16 events from one source; 200 000 distinct sources
	 * spread over 10.0.0.0/8. */
	ipaddr_from_v4(0x0a000000u + (uint32_t)(((uint64_t)(i / 16) * 2654435761u) % 200000), &ev->src);
	ipaddr_from_v4(0xc0000205u, &ev->dst);
	ev->src_port = (uint16_t)(1024 + i % 60000);
	ev->dst_port = 23;
	ev->seq = (uint32_t)(i % 16);
	strcpy(ev->sensor, "bench");
	strcpy(ev->family, "mirai");
	snprintf(ev->session, sizeof(ev->session), "%012lx", i / 16);
	if (ev->kind == EVENT_LOGIN) {
		ev->username = strdup(users[i % 5]);
		ev->password = strdup(passwords[i % 6]);
		ev->success = (int8_t)(i % 2);
	} else {
		ev->input = strdup("/bin/busybox ECCHI");
	}
}

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
			make(&evs[i], done + i);
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
