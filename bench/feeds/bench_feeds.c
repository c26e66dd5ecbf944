/* bench_feeds.c - feed generation for one day with many infected IPs.
 *
 *   build/release/bench/bench_feeds [IPS [NETWORKS [DIR]]]
 *
 * Builds a store in DIR (default: a fresh folder under /tmp) with IPS
 * infected hosts (default 1 000 000) spread over NETWORKS ASNs (default
 * 5 000) on 2025-03-01: each made a telnet login; every 10th also a
 * download, every 7th an exploit, about every 5th has a device row. Then times:
 *   1. iotmon feed --format csv, every network, to /dev/null
 *   2. all four formats in one pass (what the outbox job builds)
 *   3. the outbox: files for csv+json + clearinghouse bundle on disk
 *   4. the baseline a user would script: the sqlite3 shell exporting the
 *      observations joined with devices as CSV, in the same order (no
 *      per-host events: ports, credentials, CVEs are not in it)
 * and prints seconds, rows/s and the ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/addrclass.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/feed.h"
#include "report/outbox.h"
#include "store/store.h"

static uint32_t nnets;
static size_t nhosts;
static int interleave;

/* ASN from the address: by default each network owns one contiguous range
 * of hosts (as real networks own prefixes); with INTERLEAVE=1 in the
 * environment, host i goes to network i % NETWORKS, the worst case for
 * locality (every host of a network on a different page). */
static int lookup(const struct enricher *self, const struct ipaddr *a, struct enrichment *out)
{
	uint32_t v = ((uint32_t)a->b[0] << 24) | ((uint32_t)a->b[1] << 16) | ((uint32_t)a->b[2] << 8) |
		     a->b[3];

	uint32_t i = v - 0x0b000000u;

	(void)self;
	memset(out, 0, sizeof(*out));
	out->asn = 64512 + (interleave ? i % nnets : (uint32_t)((uint64_t)i * nnets / nhosts));
	snprintf(out->as_name, sizeof(out->as_name), "NET-%u", out->asn);
	snprintf(out->cc, sizeof(out->cc), "%s", out->asn % 3 ? "NL" : "DE");
	out->data_time_us = 1;
	return 0;
}

static double secs(int64_t t0)
{
	return (double)(time_mono_us() - t0) / 1e6;
}

static int count_bytes(const struct feed_network *net, const struct feed_format *fmt, const char *text, size_t len,
		       void *arg)
{
	(void)net;
	(void)fmt;
	(void)text;
	*(size_t *)arg += len;
	return 0;
}

int main(int argc, char **argv)
{
	size_t nips = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	char dir[256], db[300], cmd[1024];
	struct enricher enr = {.lookup = lookup};
	int64_t day = 20148, t0; /* 2025-03-01 */
	struct store *s;
	struct err err;
	struct event *evs;
	size_t batch = 20000, nev = 0;
	double t_csv, t_all, t_outbox, t_sqlite;
	FILE *devnull;
	/* Sources in 10/8 and the documentation ranges: a lab (docs/addresses.md). */
	addrclass_set_lab("10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24", NULL);

	nnets = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 5000;
	nhosts = nips;
	interleave = getenv("INTERLEAVE") && strcmp(getenv("INTERLEAVE"), "1") == 0;
	if (argc > 3)
		snprintf(dir, sizeof(dir), "%s", argv[3]);
	else
		snprintf(dir, sizeof(dir), "/tmp/iotmon-bench-feeds-%d", (int)getpid());
	mkdir(dir, 0755);
	snprintf(db, sizeof(db), "%s/bench.db", dir);
	s = store_open(db, STORE_CREATE, &err);
	if (!s) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	fprintf(stderr, "building %zu hosts over %u networks in %s ...\n", nips, nnets, db);
	t0 = time_mono_us();
	evs = xcalloc(batch * 3, sizeof(*evs));
	for (size_t i = 0; i < nips; i++) {
		uint32_t v = 0x0b000000u + (uint32_t)i; /* 11.0.0.0 onwards */
		char ip[16];
		struct event *e = &evs[nev++];

		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
		event_init(e);
		ipaddr_parse(ip, strlen(ip), &e->src);
		e->time_us = day * US_PER_DAY + (int64_t)(i % 86400) * US_PER_SEC;
		e->kind = EVENT_LOGIN;
		e->src_port = (uint16_t)(1024 + i % 60000);
		e->dst_port = 23;
		snprintf(e->sensor, sizeof(e->sensor), "bench");
		snprintf(e->session, sizeof(e->session), "s%zu", i);
		e->username = xstrdup("root");
		e->password = xstrdup(i % 2 ? "xc3511" : "vizxv");
		if (i % 10 == 0) {
			struct event *d = &evs[nev++];

			event_copy(d, e);
			free(d->username);
			free(d->password);
			d->username = d->password = NULL;
			d->kind = EVENT_DOWNLOAD;
			d->seq = 1;
			d->url = xstrdup("http://203.0.113.5/bins/mirai.arm7");
			snprintf(d->family, sizeof(d->family), "mirai");
		}
		if (i % 7 == 0) {
			struct event *x = &evs[nev++];

			event_copy(x, e);
			free(x->username);
			free(x->password);
			x->username = x->password = NULL;
			x->kind = EVENT_EXPLOIT;
			x->seq = 2;
			x->dst_port = 37215;
			x->cve = xstrdup("CVE-2017-17215");
		}
		if (nev >= batch || i + 1 == nips) {
			if (store_insert_events(s, evs, nev, &enr, NULL, &err))
				return fprintf(stderr, "%s\n", err.msg), 1;
			for (size_t k = 0; k < nev; k++)
				event_free(&evs[k]);
			nev = 0;
		}
	}
	free(evs);
	store_close(s);
	/* Devices for about every 5th host, in one statement (the store API
	 * writes one device per transaction, fine for a prober, slow here). */
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s' \"INSERT OR IGNORE INTO devices (ip, vendor, type, model, firmware, probed_us, expires_us)"
		 " SELECT ip, 'Vendor' || (first_us / 1000000 %% 13), 'router', 'M' || (first_us / 1000000 %% 101), '1.0', 1, 2"
		 " FROM observations WHERE (first_us / 1000000) %% 5 = 0\"",
		 db);
	if (system(cmd) != 0)
		return fprintf(stderr, "sqlite3 shell failed (is it installed?)\n"), 1;
	s = store_open(db, 0, &err);
	if (!s)
		return fprintf(stderr, "%s\n", err.msg), 1;
	fprintf(stderr, "built in %.1f s\n", secs(t0));

	devnull = fopen("/dev/null", "w");
	t0 = time_mono_us();
	if (feed_write_file(s, day, NULL, 0, "csv", NULL, devnull, &err))
		return fprintf(stderr, "%s\n", err.msg), 1;
	t_csv = secs(t0);
	fclose(devnull);

	{
		const struct feed_format *all[] = {&feed_csv, &feed_json, &feed_xarf, &feed_xarf_mail};
		struct feed_query q = {.day = day};
		size_t bytes = 0;

		t0 = time_mono_us();
		if (feed_generate(s, &q, all, 4, NULL, true, count_bytes, &bytes, &err))
			return fprintf(stderr, "%s\n", err.msg), 1;
		t_all = secs(t0);
		fprintf(stderr, "four formats: %.1f MB\n", (double)bytes / 1e6);
	}
	{
		struct outbox_config oc;
		struct outbox_result res;
		char box[300];

		memset(&oc, 0, sizeof(oc));
		snprintf(box, sizeof(box), "%s/outbox", dir);
		oc.dir = box;
		oc.formats[0] = &feed_csv;
		oc.formats[1] = &feed_json;
		oc.nformats = 2;
		t0 = time_mono_us();
		if (outbox_write_day(s, &oc, day, &res, &err))
			return fprintf(stderr, "%s\n", err.msg), 1;
		t_outbox = secs(t0);
		fprintf(stderr, "outbox: %zu networks, %zu rows, %zu files\n", res.networks, res.rows, res.files_written);
	}
	store_close(s);
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 -csv -header '%s' \"SELECT o.ip, o.first_us, o.last_us, o.kinds, o.events, o.family, o.asn,"
		 " o.as_name, o.cc, d.vendor, d.type, d.model, d.firmware FROM observations o LEFT JOIN devices d"
		 " ON d.ip = o.ip WHERE o.day = '2025-03-01' ORDER BY o.asn, o.ip\" > /dev/null",
		 db);
	t0 = time_mono_us();
	if (system(cmd) != 0)
		fprintf(stderr, "sqlite3 shell failed (is it installed?)\n");
	t_sqlite = secs(t0);

	printf("hosts %zu, networks %u (%s)\n", nips, nnets, interleave ? "interleaved" : "contiguous ranges");
	printf("iotmon feed csv (all networks)      %7.2f s  %9.0f rows/s\n", t_csv, (double)nips / t_csv);
	printf("four formats, one pass              %7.2f s  %9.0f rows/s\n", t_all, (double)nips / t_all);
	printf("outbox csv+json+bundle on disk      %7.2f s  %9.0f rows/s\n", t_outbox, (double)nips / t_outbox);
	printf("sqlite3 shell CSV export (baseline) %7.2f s  %9.0f rows/s\n", t_sqlite, (double)nips / t_sqlite);
	printf("ratio feed csv / sqlite3 export     %7.2f\n", t_csv / t_sqlite);
	printf("store kept in %s (delete it when done)\n", dir);
	return 0;
}
