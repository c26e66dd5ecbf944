/* bench_remediation.c - the remediation report over N synthetic
 * observations (default 10 M).
 *
 *   bench_remediation DB [N]
 *
 * Creates DB through the store (schema and indexes as iotmon makes them),
 * fills observations with a fast raw SQLite loop (the generator is not what
 * is measured), then times remediation_compute() by treatment on one core:
 * the streaming (ip, day) scan, episodes, per-group Kaplan-Meier with
 * Greenwood bounds and the log-rank test. Synthetic data: 1 IP per 10
 * observations, 3 treatment groups with different exponential clean-up
 * rates, 200 networks, one year, sightings on most days of an episode,
 * some reinfections. An existing DB with the same N is reused. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/addrclass.h"
#include "analysis/remediation.h"
#include "analysis/treatment.h"
#include "core/timeutil.h"

static double now(void)
{
	return (double)time_mono_us() / 1e6;
}

/* CPU time of this process: the machine is shared, so wall time alone
 * would measure the neighbours too. */
static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double uniform(uint64_t *rng)
{
	return ((double)(treatment_rng_next(rng) >> 11) + 0.5) / 9007199254740992.0;
}

static int generate(const char *path, long long n)
{
	static const char *const groups[] = {"walled", "email", "control"};
	static const double rates[] = {1 / 5.0, 1 / 12.0, 1 / 15.0};
	const int64_t start = time_days_from_civil(2025, 1, 1), span = 365;
	struct err err;
	struct store *s = store_open(path, STORE_CREATE, &err);
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t rng = 1;
	long long made = 0;

	if (!s) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	store_close(s);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	/* No journal while generating (a throwaway file); WAL again afterwards,
	 * as iotmon keeps it. */
	sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN", NULL,
		     NULL, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT OR IGNORE INTO observations (ip, day, first_us, last_us, kinds, events, family, asn,"
			   " cc, source, treatment) VALUES (?, ?, ?, ?, 2, 3, 'mirai', ?, 'NL', 'sensor', ?)",
			   -1, &st, NULL);
	for (uint32_t ip = 0; made < n; ip++) {
		char text[16], day[11];
		int g = (int)(ip % 3);
		uint32_t asn = 64500 + (ip / 3) % 200;
		int64_t d = start + (int64_t)(uniform(&rng) * (double)span);
		int budget = 10;

		snprintf(text, sizeof(text), "10.%u.%u.%u", (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
		while (budget > 0 && d < start + span && made < n) {
			int64_t len = 1 + (int64_t)(-log(uniform(&rng)) / rates[g]);

			for (int64_t e = d; e < d + len && e < start + span && budget > 0 && made < n; e++) {
				if (uniform(&rng) < 0.2)
					continue; /* a day the sensors missed it */
				time_format_day(e, day);
				sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 3, e * US_PER_DAY);
				sqlite3_bind_int64(st, 4, e * US_PER_DAY + 3600 * US_PER_SEC);
				sqlite3_bind_int64(st, 5, asn);
				sqlite3_bind_text(st, 6, groups[g], -1, SQLITE_STATIC);
				if (sqlite3_step(st) != SQLITE_DONE)
					return -1;
				sqlite3_reset(st);
				budget--;
				made++;
			}
			d += len + 10 + (int64_t)(uniform(&rng) * 60); /* then maybe reinfected */
		}
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT; PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	sqlite3_close(db);
	return 0;
}

static long long count(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long c = -1;

	if (access(path, F_OK) != 0 || sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM observations", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		c = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return c;
}

int main(int argc, char **argv)
{
	long long n = argc > 2 ? atoll(argv[2]) : 10000000;
	struct remed_opts o;
	struct remediation r;
	struct store *s;
	struct err err;
	double t0, c0;
	/* Sources in 10/8 and the documentation ranges: a lab (docs/addresses.md). */
	addrclass_set_lab("10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24", NULL);

	if (argc < 2) {
		fprintf(stderr, "usage: bench_remediation DB [N]\n");
		return 2;
	}
	if (count(argv[1]) != n) {
		unlink(argv[1]);
		t0 = now();
		if (generate(argv[1], n)) {
			fprintf(stderr, "generation failed\n");
			return 1;
		}
		printf("generated %lld observations in %.1f s\n", n, now() - t0);
	}
	s = store_open(argv[1], 0, &err);
	if (!s) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	remed_opts_init(&o);
	o.by = REMED_BY_TREATMENT;
	t0 = now();
	c0 = cpu();
	if (remediation_compute(s, &o, &r, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("remediation by treatment: %llu observations, %llu episodes, %zu groups: %.2f s wall, %.2f s CPU"
	       " (%.0f obs/s of CPU)\n",
	       (unsigned long long)r.observations, (unsigned long long)r.episodes, r.ngroups, now() - t0, cpu() - c0,
	       (double)r.observations / (cpu() - c0));
	for (size_t i = 0; i < r.ngroups; i++)
		printf("  %-10s episodes %llu cleaned %llu median %d d cleaned<=14d %.3f\n", r.groups[i].name,
		       (unsigned long long)r.groups[i].episodes, (unsigned long long)r.groups[i].cleaned,
		       r.groups[i].median, r.groups[i].cleaned_within_horizon);
	if (r.has_logrank)
		printf("  log-rank chi2 %.1f df %d p %.3g\n", r.logrank.chi2, r.logrank.df, r.logrank.p);
	remediation_free(&r);
	store_close(s);
	return 0;
}
