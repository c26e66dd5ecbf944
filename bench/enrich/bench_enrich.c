/* bench_enrich.c - lookups per second: our range table vs libmaxminddb on
 * the same data and the same random addresses, plus memory; then probing
 * sessions per second against a loopback fixture server, limits lifted.
 *
 *   build/release/bench/bench_enrich [N_LOOKUPS] [N_SESSIONS]
 *
 * Run from the source root after `make data bench`. The MMDB is written from
 * the very ranges the table loaded (data/ipdb/asn-ipv4.csv + asn-ipv6.csv),
 * so both answer the same questions with the same data; the real
 * geo-whois-asn-country.mmdb is timed too, as the file a user has. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "enrich/mmdb_enricher.h"
#include "enrich/mmdb_writer.h"
#include "enrich/range_table.h"
#include "probe/prober.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int to_writer(const struct ipaddr *a, const struct ipaddr *b, const struct enrichment *e, void *arg)
{
	return mmdb_writer_add_range(arg, a, b, e->asn, e->as_name, e->cc[0] ? e->cc : NULL);
}

/* Time spent on n lookups (µs); adds the answers with an AS to *hits. */
static int64_t run(const struct enricher *enr, const struct ipaddr *addrs, size_t n, size_t *hits)
{
	int64_t t0 = time_mono_us();
	size_t h = 0;

	for (size_t i = 0; i < n; i++) {
		struct enrichment e;

		e.asn = 0;
		enr->lookup(enr, &addrs[i], &e);
		h += e.asn != 0;
	}
	*hits += h;
	return time_mono_us() - t0;
}

#define CHUNK 1000000

/* Both enrichers on the same addresses, alternating chunks of CHUNK, so
 * that a busy machine slows both alike; returns lookups/s of each. */
static void run_pair(const struct enricher *a, const struct enricher *b, const struct ipaddr *addrs, size_t n,
		     double *ra, double *rb, size_t *ha, size_t *hb)
{
	int64_t ta = 0, tb = 0;

	*ha = *hb = 0;
	for (size_t i = 0; i < n; i += CHUNK) {
		size_t k = n - i < CHUNK ? n - i : CHUNK;

		ta += run(a, addrs + i, k, ha);
		tb += run(b, addrs + i, k, hb);
	}
	*ra = (double)n / ((double)ta / 1e6);
	*rb = (double)n / ((double)tb / 1e6);
}

struct table_enricher {
	struct enricher base;
	struct range_table *t;
};

static int table_lookup(const struct enricher *self, const struct ipaddr *a, struct enrichment *out)
{
	const struct table_enricher *te = (const struct table_enricher *)self;

	range_table_lookup(te->t, a, out);
	return 0;
}

/* A loopback HTTP device: accept, read the request, answer, close. */
static int server_fd;
static volatile int server_stop;
static void *serve(void *arg)
{
	static const char answer[] = "HTTP/1.0 200 OK\r\nServer: uc-httpd 1.0.0\r\nContent-Length: 0\r\n\r\n";
	char buf[1024];

	(void)arg;
	while (!server_stop) {
		int c = accept(server_fd, NULL, NULL);

		if (c < 0)
			continue;
		if (recv(c, buf, sizeof(buf), 0) > 0 && send(c, answer, sizeof(answer) - 1, MSG_NOSIGNAL) < 0)
			buf[0] = 0;
		close(c);
	}
	return NULL;
}

static size_t probed, named;
static void on_host(const struct probe_host *h, void *arg)
{
	(void)arg;
	probed++;
	named += h->ports[0].state == PORT_OPEN && strcmp(h->ports[0].server, "uc-httpd 1.0.0") == 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
	size_t sessions = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
	const char *files[] = {"data/ipdb/asn-ipv4.csv", "data/ipdb/asn-ipv6.csv"};
	const char *tmp = "build/bench-enrich.mmdb";
	struct range_load_stats st;
	struct table_enricher te;
	struct mmdb_enricher *m, *real;
	struct mmdb_writer *w;
	struct ipaddr *addrs;
	struct err err;
	struct stat sb;
	size_t h1, h2, h3;
	long rss0, rss1;
	int64_t t0;

	/* Range table. */
	rss0 = rss_kib();
	t0 = time_mono_us();
	te.base.lookup = table_lookup;
	te.t = range_table_new();
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 2; i++)
		if (range_table_load_file(te.t, files[i], &st, &err)) {
			fprintf(stderr, "bench_enrich: %s (run `make data` first)\n", err.msg);
			return 1;
		}
	range_table_finish(te.t);
	rss1 = rss_kib();
	printf("range table: %zu ranges loaded in %.2f s; table %.1f MiB (RSS +%.1f MiB)\n", range_table_count(te.t),
	       (double)(time_mono_us() - t0) / 1e6, (double)range_table_memory(te.t) / 1048576.0,
	       (double)(rss1 - rss0) / 1024.0);

	/* The same ranges as an MMDB. */
	t0 = time_mono_us();
	w = mmdb_writer_new("iotmon-bench-ASN", 1781725900);
	range_table_each(te.t, to_writer, w);
	if (mmdb_writer_write(w, tmp, &err)) {
		fprintf(stderr, "bench_enrich: %s\n", err.msg);
		return 1;
	}
	mmdb_writer_free(w);
	stat(tmp, &sb);
	m = mmdb_enricher_open(tmp, "autonomous_system_number", "autonomous_system_organization", "country_code", &err);
	if (!m) {
		fprintf(stderr, "bench_enrich: %s\n", err.msg);
		return 1;
	}
	printf("same data as MMDB: %.1f MiB file (mmap), written in %.2f s\n", (double)sb.st_size / 1048576.0,
	       (double)(time_mono_us() - t0) / 1e6);

	/* 10 M random IPv4 addresses, 1 in 10 an IPv6 address in 2000::/4. */
	addrs = malloc(n * sizeof(*addrs));
	for (size_t i = 0; i < n; i++) {
		if (i % 10 == 9) {
			uint8_t b[16];
			uint64_t x = next(), y = next();

			memcpy(b, &x, 8);
			memcpy(b + 8, &y, 8);
			b[0] = (uint8_t)(0x20 | (b[0] & 0x0f));
			ipaddr_from_v6(b, &addrs[i]);
		} else {
			ipaddr_from_v4((uint32_t)next(), &addrs[i]);
		}
	}
	double r_mmdb, r_table;
	run_pair(&te.base, mmdb_enricher_get(m), addrs, n, &r_table, &r_mmdb, &h1, &h2);
	printf("lookups of %zu random addresses (90%% IPv4, 10%% IPv6), one run, alternating chunks of %d:\n", n,
	       CHUNK);
	printf("  range table        %12.0f lookups/s  (%zu with an AS)\n", r_table, h1);
	printf("  libmaxminddb       %12.0f lookups/s  (%zu with an AS)  -> table %.1fx\n", r_mmdb, h2,
	       r_table / r_mmdb);
	if (h1 != h2)
		printf("  MISMATCH: the two answered differently\n");
	real = mmdb_enricher_open("data/ipdb/geo-whois-asn-country.mmdb", "", "", "country_code", &err);
	if (real) {
		double r_real, r_table2;
		size_t h4;

		run_pair(&te.base, mmdb_enricher_get(real), addrs, n, &r_table2, &r_real, &h4, &h3);

		stat("data/ipdb/geo-whois-asn-country.mmdb", &sb);
		printf("  libmaxminddb, real geo-whois-asn-country.mmdb (%.1f MiB, country): %.0f lookups/s"
		       " (range table beside it: %.0f)\n",
		       (double)sb.st_size / 1048576.0, r_real, r_table2);
		mmdb_enricher_close(real);
	}
	mmdb_enricher_close(m);
	unlink(tmp);
	range_table_free(te.t);
	free(addrs);

	/* Probing sessions per second. */
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);
	pthread_t th[2];
	int one = 1;

	server_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(server_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(server_fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(server_fd, 4096) ||
	    getsockname(server_fd, (struct sockaddr *)&sin, &sl)) {
		perror("bench_enrich: fixture server");
		return 1;
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, serve, NULL);
	uint16_t port = ntohs(sin.sin_port);
	struct ipaddr *targets = malloc(sessions * sizeof(*targets));
	for (size_t i = 0; i < sessions; i++)
		ipaddr_from_v4(0x7f000001, &targets[i]);
	struct prober_options po = {.ports = &port,
				    .nports = 1,
				    .connect_timeout_ms = 2000,
				    .read_timeout_ms = 2000,
				    .max_parallel = 256,
				    .rate_global = 0,
				    .rate_per_ip = 0,
				    .user_agent = "iotmon-bench"};
	t0 = time_mono_us();
	prober_run(&po, targets, sessions, on_host, NULL, &err);
	double secs = (double)(time_mono_us() - t0) / 1e6;
	printf("probing: %zu HTTP sessions to a loopback fixture in %.2f s = %.0f sessions/s (%zu answered and parsed)\n",
	       probed, secs, (double)probed / secs, named);
	server_stop = 1;
	shutdown(server_fd, SHUT_RDWR);
	close(server_fd);
	for (int i = 0; i < 2; i++)
		pthread_cancel(th[i]);
	free(targets);
	return 0;
}
