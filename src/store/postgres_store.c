/* postgres_store.c - the central store on PostgreSQL (libpq): connecting,
 * numbered migrations, the helpers the postgres_*.c role files share.
 *
 * Schema changes are numbered migrations applied in order, each in its own
 * transaction under an advisory lock (two writers starting at once migrate
 * once); the version reached is kept in schema_version, and a database from
 * a newer build is refused. Read-only opens set default_transaction_read_only
 * and never migrate. docs/internals/store.md describes the schema. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "postgres_internal.h"

/* Arbitrary, constant: the advisory lock serialising migrations. */
#define MIGRATION_LOCK "7245617"

static const char *const migrations[] = {
	/* 1: the whole store of SQLite schema 4, in PostgreSQL types. Events
	 * are partitioned by UTC day on time_us; the identity (time_us, uid)
	 * includes the partition key, so it is one unique index per day. */
	"CREATE SEQUENCE events_id_seq;"
	"CREATE TABLE events ("
	" id bigint NOT NULL DEFAULT nextval('events_id_seq'),"
	" uid bigint NOT NULL,"
	" time_us bigint NOT NULL,"
	" sensor text NOT NULL,"
	" kind text NOT NULL,"
	" family text NOT NULL DEFAULT '',"
	" src_ip inet NOT NULL,"
	" src_port integer CHECK (src_port BETWEEN 0 AND 65535),"
	" dst_ip inet,"
	" dst_port integer CHECK (dst_port BETWEEN 0 AND 65535),"
	" transport text NOT NULL,"
	" session text,"
	" seq bigint NOT NULL DEFAULT 0,"
	" username text, password text, success smallint,"
	" input text, url text, sha256 text, cve text, packets bigint,"
	" extra text,"
	" PRIMARY KEY (time_us, uid)"
	") PARTITION BY RANGE (time_us);"
	/* Rows of a day without its partition land here and move out when the
	 * partition is made: an unexpected day never fails a batch. */
	"CREATE TABLE events_default PARTITION OF events DEFAULT;"
	"CREATE TABLE observations ("
	" ip inet NOT NULL,"
	" day date NOT NULL,"
	" first_us bigint NOT NULL,"
	" last_us bigint NOT NULL,"
	" kinds integer NOT NULL DEFAULT 0,"
	" events bigint NOT NULL DEFAULT 0,"
	" family text NOT NULL DEFAULT '',"
	" asn bigint, as_name text, cc text, enriched_us bigint,"
	" source text NOT NULL DEFAULT 'sensor',"
	" treatment text NOT NULL DEFAULT '',"
	" PRIMARY KEY (ip, day));"
	"CREATE INDEX observations_day ON observations (day, asn);"
	"CREATE INDEX observations_asn ON observations (asn, day);"
	"CREATE TABLE devices ("
	" ip inet PRIMARY KEY,"
	" vendor text, type text, model text, firmware text, rule text, evidence text,"
	" probed_us bigint NOT NULL, expires_us bigint NOT NULL);"
	"CREATE TABLE networks ("
	" asn bigint PRIMARY KEY,"
	" name text, cc text, abuse_contact text);"
	"CREATE TABLE treatments ("
	" unit text PRIMARY KEY,"
	" unit_kind text NOT NULL,"
	" grp text NOT NULL,"
	" stratum text NOT NULL DEFAULT '',"
	" seed bigint NOT NULL,"
	" day date NOT NULL);"
	"CREATE TABLE notifications ("
	" ip inet NOT NULL,"
	" day date NOT NULL,"
	" channel text NOT NULL,"
	" recorded_us bigint NOT NULL,"
	" PRIMARY KEY (ip, day, channel));"
	"CREATE TABLE deliveries ("
	" day date NOT NULL,"
	" asn bigint NOT NULL,"
	" format text NOT NULL,"
	" recipient text NOT NULL,"
	" sha256 text NOT NULL,"
	" status text NOT NULL,"
	" attempts integer NOT NULL DEFAULT 0,"
	" last_error text,"
	" updated_us bigint NOT NULL,"
	" PRIMARY KEY (day, asn, format, recipient));"
	"CREATE TABLE api_tokens ("
	" id bigserial PRIMARY KEY,"
	" name text NOT NULL,"
	" hash text NOT NULL UNIQUE,"
	" asns text NOT NULL,"
	" created_us bigint NOT NULL,"
	" revoked_us bigint);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* The first line of libpq's message, without its "ERROR:  " and newline. */
static void first_line(const char *msg, char *out, size_t size)
{
	size_t n;

	if (!msg || !*msg)
		msg = "unknown error";
	if (strncmp(msg, "ERROR:  ", 8) == 0)
		msg += 8;
	n = strcspn(msg, "\n");
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
		n--;
	snprintf(out, size, "%.*s", (int)n, msg);
}

int pg_error(struct pg_store *s, struct err *err, const char *what)
{
	char line[512];

	first_line(PQerrorMessage(s->conn), line, sizeof(line));
	return err_set(err, "%s: %s: %s", s->name, what, line);
}

static int result_error(struct pg_store *s, PGresult *r, struct err *err, const char *what)
{
	char line[512];
	const char *msg = r ? PQresultErrorMessage(r) : NULL;

	first_line(msg && *msg ? msg : PQerrorMessage(s->conn), line, sizeof(line));
	PQclear(r);
	return err_set(err, "%s: %s: %s", s->name, what, line);
}

int pg_exec(struct pg_store *s, const char *sql, struct err *err)
{
	PGresult *r = PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return result_error(s, r, err, "query");
	PQclear(r);
	return 0;
}

PGresult *pg_query(struct pg_store *s, const char *sql, int n, const char *const *params, struct err *err,
		   const char *what)
{
	PGresult *r = PQexecParams(s->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		result_error(s, r, err, what);
		return NULL;
	}
	return r;
}

/* Drops what is left of a query the caller stopped early. */
static void abandon(struct pg_store *s)
{
	PGcancel *c = PQgetCancel(s->conn);
	char buf[256];
	PGresult *r;

	if (c) {
		PQcancel(c, buf, sizeof(buf));
		PQfreeCancel(c);
	}
	while ((r = PQgetResult(s->conn)))
		PQclear(r);
}

int pg_stream(struct pg_store *s, const char *sql, int n, const char *const *params,
	      int (*row)(const PGresult *res, void *arg), void *arg, struct err *err, const char *what)
{
	PGresult *r;
	int rc = 0;

	if (!PQsendQueryParams(s->conn, sql, n, NULL, params, NULL, NULL, 0))
		return pg_error(s, err, what);
	PQsetSingleRowMode(s->conn);
	while ((r = PQgetResult(s->conn))) {
		ExecStatusType st = PQresultStatus(r);

		if (st == PGRES_SINGLE_TUPLE) {
			rc = row(r, arg);
			PQclear(r);
			if (rc) {
				abandon(s);
				return rc;
			}
		} else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			PQclear(r);
		} else {
			rc = result_error(s, r, err, what);
			while ((r = PQgetResult(s->conn)))
				PQclear(r);
			return rc;
		}
	}
	return 0;
}

int pg_begin(struct pg_store *s, struct err *err)
{
	return pg_exec(s, "BEGIN", err);
}

int pg_commit(struct pg_store *s, struct err *err)
{
	if (pg_exec(s, "COMMIT", err)) {
		pg_rollback(s);
		return -1;
	}
	return 0;
}

void pg_rollback(struct pg_store *s)
{
	PQclear(PQexec(s->conn, "ROLLBACK"));
}

int64_t pg_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool pg_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

void pg_fixed(const PGresult *r, int row, int col, char *dst, size_t size)
{
	size_t n = PQgetisnull(r, row, col) ? 0 : (size_t)PQgetlength(r, row, col);

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, PQgetvalue(r, row, col), n);
	dst[n] = '\0';
}

char *pg_dup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : xstrdup(PQgetvalue(r, row, col));
}

void pg_ip(const PGresult *r, int row, int col, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (!PQgetisnull(r, row, col))
		ipaddr_parse(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col), a);
}

const char *pg_itoa(int64_t v, char *buf)
{
	snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

/* postgresql://USER@HOST:PORT/DB for messages: never the password. */
static char *display_name(const char *target)
{
	PQconninfoOption *opts = PQconninfoParse(target, NULL);
	const char *user = "", *host = "", *port = "", *db = "";
	char buf[512];

	if (!opts)
		return xstrdup("postgresql://(unparsable URL)");
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "user") == 0)
			user = o->val;
		else if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	snprintf(buf, sizeof(buf), "postgresql://%s%s%s%s%s/%s", user, *user ? "@" : "", host, *port ? ":" : "",
		 port, db);
	PQconninfoFree(opts);
	return xstrdup(buf);
}

static void quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* low layers never log; NOTICEs carry nothing we act on */
}

static void pg_close(struct store *base)
{
	struct pg_store *s = (struct pg_store *)base;

	PQfinish(s->conn);
	obs_batch_free(&s->batch);
	free(s->days);
	free(s->copy);
	free(s->name);
	free(s);
}

/* The schema version; 0 for a database without our tables. */
static int read_version(struct pg_store *s, int *version, struct err *err)
{
	PGresult *r = pg_query(s,
			       "SELECT to_regclass('schema_version') IS NOT NULL, to_regclass('events') IS NOT NULL",
			       0, NULL, err, "read schema version");

	if (!r)
		return -1;
	*version = 0;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		bool foreign = strcmp(PQgetvalue(r, 0, 1), "t") == 0;

		PQclear(r);
		if (foreign)
			return err_set(err, "%s: not an iotmon database (it has an events table but no schema_version)",
				       s->name);
		return 0;
	}
	PQclear(r);
	r = pg_query(s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL, err, "read schema version");
	if (!r)
		return -1;
	*version = (int)pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int migrate(struct pg_store *s, struct err *err)
{
	int version;
	char sql[128], now[24];

	for (;;) {
		if (pg_begin(s, err))
			return -1;
		if (pg_exec(s, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")", err) ||
		    pg_exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL,"
			       " applied_us bigint NOT NULL)",
			    err) ||
		    read_version(s, &version, err))
			goto fail;
		if (version >= SCHEMA_VERSION)
			return pg_commit(s, err);
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d, %s)", version + 1,
			 pg_itoa(time_now_us(), now));
		if (pg_exec(s, migrations[version], err) || pg_exec(s, sql, err)) {
			err_prefix(err, "migration to schema %d", version + 1);
			goto fail;
		}
		if (pg_commit(s, err))
			return -1;
	}
fail:
	pg_rollback(s);
	return -1;
}

/* What every connection of the store sets first. Days and times are UTC
 * everywhere; a reader cannot write by mistake. */
static int session_setup(struct pg_store *s, struct err *err)
{
	PQsetNoticeProcessor(s->conn, quiet_notices, NULL);
	return pg_exec(s, s->readonly ? "SET TimeZone = 'UTC'; SET default_transaction_read_only = on"
				     : "SET TimeZone = 'UTC'",
		       err);
}

int pg_reconnect_if_lost(struct pg_store *s, struct err *err)
{
	if (PQstatus(s->conn) != CONNECTION_BAD)
		return 0;
	/* The server went away (restart, failover): connect again with the
	 * same parameters; the session's state is gone with the old one. */
	PQreset(s->conn);
	s->staged = false;
	s->ndays = 0;
	if (PQstatus(s->conn) != CONNECTION_OK)
		return pg_error(s, err, "connection lost; cannot connect again");
	return session_setup(s, err);
}

struct store *postgres_store_open(const char *target, int flags, struct err *err)
{
	static const char *const keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {target, "10", "iotmon", NULL};
	struct pg_store *s = xcalloc(1, sizeof(*s));
	int version;

	s->base = (struct store){
		.backend = store_backend_for(target),
		.close = pg_close,
		.writer = &pg_event_writer,
		.events = &pg_event_queries,
		.observations = &pg_observations,
		.inventory = &pg_inventory,
		.experiments = &pg_experiments,
		.deliveries = &pg_deliveries,
		.tokens = &pg_tokens,
	};
	s->name = display_name(target);
	s->base.name = s->name;
	s->readonly = flags & STORE_READONLY;
	s->conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		pg_error(s, err, "cannot connect");
		goto fail;
	}
	if (session_setup(s, err))
		goto fail;
	if (read_version(s, &version, err))
		goto fail;
	if (version > SCHEMA_VERSION) {
		err_set(err, "%s: written by a newer iotmon (schema %d; this build knows up to %d); not touching it",
			s->name, version, SCHEMA_VERSION);
		goto fail;
	}
	if (version < SCHEMA_VERSION) {
		if (!(flags & STORE_CREATE) || s->readonly) {
			if (version == 0)
				err_set(err, "%s: not an iotmon store (no schema; a writing command such as import creates one)",
					s->name);
			else
				err_set(err, "%s: schema %d is older than this build's %d; a writing command upgrades it",
					s->name, version, SCHEMA_VERSION);
			goto fail;
		}
		if (migrate(s, err))
			goto fail;
	}
	return &s->base;
fail:
	pg_close(&s->base);
	return NULL;
}
