/* bench_scale - one set of synthetic events (bench_events.h) into a store,
 * by one of two paths, printing rows/s:
 *
 *   bench_scale store TARGET N BATCH STEP_US   iotmon's store interface (any
 *                                              backend), one transaction per batch
 *   bench_scale copy URL N BATCH STEP_US       bare COPY into the PostgreSQL
 *                                              store's partitioned events table
 *                                              (its day partitions made first):
 *                                              the engine's limit
 *
 * TARGET / URL must name an empty store or database. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "store/store.h"
#include "../bench_events.h"

static int store_path(const char *target, long n, long batch, int64_t step)
{
	struct event *evs = calloc((size_t)batch, sizeof(*evs));
	struct store *s;
	struct err err;
	int64_t t0;

	s = store_open(target, STORE_CREATE, &err);
	if (!s) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	t0 = time_mono_us();
	for (long done = 0; done < n; done += batch) {
		long m = n - done < batch ? n - done : batch;

		for (long i = 0; i < m; i++)
			bench_event(&evs[i], done + i, step);
		if (store_insert_events(s, evs, (size_t)m, NULL, NULL, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		for (long i = 0; i < m; i++)
			event_free(&evs[i]);
	}
	double secs = (double)(time_mono_us() - t0) / 1e6;
	printf("%s store: %ld events in %.2f s = %.0f events/s (batch %ld)\n", s->backend->name, n, secs, n / secs,
	       batch);
	store_close(s);
	free(evs);
	return 0;
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if ((size_t)n < *cap - *len)
			break;
		*cap = *cap * 2 + (size_t)n;
		*buf = realloc(*buf, *cap);
	}
	*len += (size_t)n;
}

static int exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return ok;
}

static int copy_path(const char *url, long n, long batch, int64_t step)
{
	struct err err;
	struct store *s = store_open(url, STORE_CREATE, &err); /* the schema */
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap), sql[512];
	PGconn *c;
	int64_t t0;

	if (!s) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	store_close(s);
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "%s", PQerrorMessage(c));
		return 1;
	}
	for (int64_t d = time_day_of(BENCH_START_US); d <= time_day_of(BENCH_START_US + (n - 1) * step); d++) {
		char day[11];

		time_format_day(d, day);
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE events_p%.4s%.2s%.2s PARTITION OF events FOR VALUES FROM (%" PRId64 ") TO (%" PRId64 ")",
			 day, day + 5, day + 8, d * US_PER_DAY, (d + 1) * US_PER_DAY);
		if (!exec_ok(c, sql))
			return 1;
	}
	t0 = time_mono_us();
	for (long done = 0; done < n; done += batch) {
		long m = n - done < batch ? n - done : batch;
		PGresult *r;

		len = 0;
		for (long i = 0; i < m; i++) {
			struct event ev;
			char src[IPADDR_STRLEN], dst[IPADDR_STRLEN];

			bench_event(&ev, done + i, step);
			ipaddr_format(&ev.src, src);
			ipaddr_format(&ev.dst, dst);
			append(&buf, &len, &cap,
			       "%" PRId64 "\t%" PRId64 "\t%s\t%s\t%s\t%s\t%u\t%s\t%u\ttcp\t%s\t%u\t%s\t%s\t%s\t%s\t\\N\t\\N\t\\N\t\\N\t\\N\n",
			       event_uid(&ev), ev.time_us, ev.sensor, event_kind_name(ev.kind), ev.family, src, ev.src_port,
			       dst, ev.dst_port, ev.session, ev.seq, ev.username ? ev.username : "\\N",
			       ev.password ? ev.password : "\\N", ev.success >= 0 ? (ev.success ? "1" : "0") : "\\N",
			       ev.input ? ev.input : "\\N");
			event_free(&ev);
		}
		r = PQexec(c, "COPY events (uid, time_us, sensor, kind, family, src_ip, src_port, dst_ip, dst_port, transport,"
			      " session, seq, username, password, success, input, url, sha256, cve, packets, extra) FROM STDIN");
		PQclear(r);
		if (PQputCopyData(c, buf, (int)len) != 1 || PQputCopyEnd(c, NULL) != 1) {
			fprintf(stderr, "COPY: %s", PQerrorMessage(c));
			return 1;
		}
		r = PQgetResult(c);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "COPY: %s", PQerrorMessage(c));
			return 1;
		}
		PQclear(r);
		while ((r = PQgetResult(c)))
			PQclear(r);
	}
	double secs = (double)(time_mono_us() - t0) / 1e6;
	printf("bare COPY: %ld rows in %.2f s = %.0f rows/s (batch %ld)\n", n, secs, n / secs, batch);
	PQfinish(c);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 3 ? atol(argv[3]) : 0, batch = argc > 4 ? atol(argv[4]) : 10000;
	int64_t step = argc > 5 ? atoll(argv[5]) : 1000;

	bench_lab();
	if (argc < 4 || n <= 0 || batch <= 0 || step <= 0) {
		fprintf(stderr, "usage: bench_scale store|copy TARGET N [BATCH] [STEP_US]\n");
		return 2;
	}
	if (strcmp(argv[1], "store") == 0)
		return store_path(argv[2], n, batch, step);
	if (strcmp(argv[1], "copy") == 0)
		return copy_path(argv[2], n, batch, step);
	fprintf(stderr, "usage: bench_scale store|copy TARGET N [BATCH] [STEP_US]\n");
	return 2;
}
