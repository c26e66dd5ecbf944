/* postgres_audits.c - the audit role (audit_store.h) on PostgreSQL.
 *
 * As on SQLite, its tables are its own migration, made by the first writer
 * under an advisory lock (two first writers never race on CREATE); a
 * reader of a store without them sees no audits. Verdicts come back in the
 * SQLite store's order (vendor and test as bytes). */
#include <stdio.h>
#include <string.h>

#include "audit_store.h"
#include "postgres_internal.h"

/* Arbitrary, constant: serialises the creation of the audit tables. */
#define AUDIT_SCHEMA_LOCK "7304212611"

static const char audit_schema[] =
	"SELECT pg_advisory_xact_lock(" AUDIT_SCHEMA_LOCK ");"
	"CREATE TABLE IF NOT EXISTS audit_runs (id bigserial PRIMARY KEY, at_us bigint NOT NULL);"
	"CREATE TABLE IF NOT EXISTS audit_results ("
	" id bigserial PRIMARY KEY, run bigint NOT NULL REFERENCES audit_runs(id), ip text NOT NULL,"
	" name text NOT NULL, vendor text NOT NULL, model text NOT NULL, firmware text NOT NULL, test text NOT NULL,"
	" service text NOT NULL, verdict text NOT NULL, evidence text NOT NULL, at_us bigint NOT NULL);"
	"CREATE INDEX IF NOT EXISTS audit_results_ip ON audit_results(ip, run);";

static int pg_record_audit(struct store *base, const struct audit_record *r, size_t n, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char at[24], run[24];
	const char *p1[] = {pg_itoa(n ? r[0].at_us : 0, at)};
	PGresult *res;

	if (pg_begin(s, err))
		return -1;
	if (pg_exec(s, audit_schema, err))
		goto fail;
	res = pg_query(s, "INSERT INTO audit_runs (at_us) VALUES ($1) RETURNING id", 1, p1, err, "audit run");
	if (!res)
		goto fail;
	snprintf(run, sizeof(run), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	for (size_t i = 0; i < n; i++) {
		char ip[IPADDR_STRLEN], when[24];
		const char *p[] = {run,		  ip,	       r[i].name,    r[i].vendor,   r[i].model, r[i].firmware,
				   r[i].test,	  r[i].service, r[i].verdict, r[i].evidence, pg_itoa(r[i].at_us, when)};

		ipaddr_format(&r[i].ip, ip);
		res = pg_query(s,
			       "INSERT INTO audit_results (run, ip, name, vendor, model, firmware, test, service, verdict,"
			       " evidence, at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			       11, p, err, "audit result");
		if (!res)
			goto fail;
		PQclear(res);
	}
	return pg_commit(s, err);
fail:
	pg_rollback(s);
	return -1;
}

struct latest_walk {
	int (*cb)(const struct audit_latest *, void *);
	void *arg;
};

static int latest_row(const PGresult *r, void *arg)
{
	static const char *const verdicts[] = {"not-applicable", "pass", "inconclusive", "fail"};
	struct latest_walk *w = arg;
	int64_t v = pg_int(r, 0, 3);
	struct audit_latest l = {
		.vendor = PQgetvalue(r, 0, 0),
		.device = (uint64_t)pg_int(r, 0, 1),
		.test = PQgetvalue(r, 0, 2),
		.verdict = verdicts[v >= 0 && v <= 3 ? v : 0],
	};

	return w->cb(&l, w->arg);
}

static int pg_latest_results(struct store *base, int (*cb)(const struct audit_latest *v, void *arg), void *arg,
			     struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	struct latest_walk w = {cb, arg};
	PGresult *r = pg_query(s, "SELECT to_regclass('audit_results') IS NOT NULL", 0, NULL, err, "audit results");
	bool exists;

	if (!r)
		return -1;
	exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!exists)
		return 0; /* no audit ever recorded */
	return pg_stream(s,
			 "WITH latest AS (SELECT ip, max(run) AS run, min(id) AS device FROM audit_results GROUP BY ip) "
			 "SELECT v, device, test, w FROM ("
			 "SELECT CASE WHEN r.vendor = '' THEN 'unknown' ELSE r.vendor END AS v, l.device, r.test,"
			 " max(CASE r.verdict WHEN 'fail' THEN 3 WHEN 'inconclusive' THEN 2 WHEN 'pass' THEN 1 ELSE 0 END) AS w "
			 "FROM audit_results r JOIN latest l ON r.ip = l.ip AND r.run = l.run "
			 "GROUP BY 1, l.device, r.test) q ORDER BY v COLLATE \"C\", device, test COLLATE \"C\"",
			 0, NULL, latest_row, &w, err, "audit results");
}

const struct store_audits pg_audits = {
	.record_audit = pg_record_audit,
	.latest_results = pg_latest_results,
};
