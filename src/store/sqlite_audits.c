/* sqlite_audits.c - the audit role (audit_store.h) on SQLite.
 *
 * Its tables are its own migration, applied by the first writer
 * (CREATE ... IF NOT EXISTS), so the numbered migrations of sqlite_store.c
 * stay the store's; a reader of a store without them sees no audits. */
#include <stdio.h>
#include <string.h>

#include "audit_store.h"
#include "sqlite_internal.h"

static const char audit_schema[] =
	"CREATE TABLE IF NOT EXISTS audit_runs (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS audit_results ("
	" run INTEGER NOT NULL REFERENCES audit_runs(id), ip TEXT NOT NULL, name TEXT NOT NULL,"
	" vendor TEXT NOT NULL, model TEXT NOT NULL, firmware TEXT NOT NULL, test TEXT NOT NULL,"
	" service TEXT NOT NULL, verdict TEXT NOT NULL, evidence TEXT NOT NULL, at_us INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS audit_results_ip ON audit_results(ip, run);";

static int record_audit(struct store *base, const struct audit_record *r, size_t n, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 run;

	if (sqlite_exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	if (sqlite_exec(s, audit_schema, err) || sqlite_prepare(s, "INSERT INTO audit_runs(at_us) VALUES (?1)", &st, err))
		goto fail;
	sqlite3_bind_int64(st, 1, n ? r[0].at_us : 0);
	if (sqlite_step_done(s, st, err, "audit run"))
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	run = sqlite3_last_insert_rowid(s->db);
	if (sqlite_prepare(s,
			   "INSERT INTO audit_results(run, ip, name, vendor, model, firmware, test, service, verdict, "
			   "evidence, at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			   &st, err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		char ip[IPADDR_STRLEN];

		ipaddr_format(&r[i].ip, ip);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, ip, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, r[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r[i].vendor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r[i].model, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r[i].firmware, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, r[i].test, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, r[i].service, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, r[i].verdict, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, r[i].evidence, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 11, r[i].at_us);
		if (sqlite_step_done(s, st, err, "audit result"))
			goto fail;
	}
	sqlite3_finalize(st);
	return sqlite_exec(s, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	sqlite_exec(s, "ROLLBACK", NULL);
	return -1;
}

static int latest_results(struct store *base, int (*cb)(const struct audit_latest *v, void *arg), void *arg,
			  struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (sqlite_prepare(s, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_results'", &st, err))
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return 0; /* no audit ever recorded */
	if (sqlite_prepare(s,
			   /* The worst verdict per test: fail > inconclusive > pass > not-applicable. */
			   "WITH latest AS (SELECT ip, MAX(run) AS run, MIN(rowid) AS device FROM audit_results GROUP BY ip) "
			   "SELECT CASE WHEN r.vendor = '' THEN 'unknown' ELSE r.vendor END AS v, l.device, r.test,"
			   " MAX(CASE r.verdict WHEN 'fail' THEN 3 WHEN 'inconclusive' THEN 2 WHEN 'pass' THEN 1 ELSE 0 END) "
			   "FROM audit_results r JOIN latest l ON r.ip = l.ip AND r.run = l.run "
			   "GROUP BY v, l.device, r.test ORDER BY v, l.device, r.test",
			   &st, err))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		static const char *const verdicts[] = {"not-applicable", "pass", "inconclusive", "fail"};
		int w = sqlite3_column_int(st, 3);
		struct audit_latest v = {
			.vendor = (const char *)sqlite3_column_text(st, 0),
			.device = (uint64_t)sqlite3_column_int64(st, 1),
			.test = (const char *)sqlite3_column_text(st, 2),
			.verdict = verdicts[w >= 0 && w <= 3 ? w : 0],
		};

		if ((stop = cb(&v, arg)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_db_error(s, err, "audit results");
		stop = -1;
	}
	sqlite3_finalize(st);
	return stop;
}

const struct store_audits sqlite_audits = {
	.record_audit = record_audit,
	.latest_results = latest_results,
};
