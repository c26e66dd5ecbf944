/* sqlite_store.c - the embedded store: one SQLite file in WAL mode.
 *
 * Schema changes are numbered migrations applied in order inside a
 * transaction; the version reached is kept in schema_version. A database
 * from a newer build is refused rather than guessed at. Inserts use cached
 * prepared statements inside one transaction per batch. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sqlite_internal.h"

static const char *const migrations[] = {
	/* 1: the evidence, what it says per IP and day, devices and networks. */
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" uid INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL,"
	" sensor TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" family TEXT NOT NULL DEFAULT '',"
	" src_ip TEXT NOT NULL,"
	" src_port INTEGER,"
	" dst_ip TEXT,"
	" dst_port INTEGER,"
	" transport TEXT NOT NULL,"
	" session TEXT,"
	" seq INTEGER NOT NULL DEFAULT 0,"
	" username TEXT, password TEXT, success INTEGER,"
	" input TEXT, url TEXT, sha256 TEXT, cve TEXT, packets INTEGER,"
	" extra TEXT);"
	/* The identity is unique per instant: evidence arrives roughly in time
	 * order, so this index grows at its end (fast inserts), and it is also
	 * the index for time-range queries. Per-IP questions go to the
	 * observations table, so events carry no IP index. */
	"CREATE UNIQUE INDEX events_identity ON events(time_us, uid);"
	"CREATE TABLE observations ("
	" ip TEXT NOT NULL,"
	" day TEXT NOT NULL," /* YYYY-MM-DD, UTC */
	" first_us INTEGER NOT NULL,"
	" last_us INTEGER NOT NULL,"
	" kinds INTEGER NOT NULL DEFAULT 0,"
	" events INTEGER NOT NULL DEFAULT 0,"
	" family TEXT NOT NULL DEFAULT '',"
	" asn INTEGER, as_name TEXT, cc TEXT, enriched_us INTEGER,"
	" source TEXT NOT NULL DEFAULT 'sensor',"
	" treatment TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (ip, day)) WITHOUT ROWID;"
	"CREATE INDEX observations_day ON observations(day, asn);"
	"CREATE TABLE devices ("
	" ip TEXT PRIMARY KEY,"
	" vendor TEXT, type TEXT, model TEXT, firmware TEXT, rule TEXT, evidence TEXT,"
	" probed_us INTEGER NOT NULL, expires_us INTEGER NOT NULL);"
	"CREATE TABLE networks ("
	" asn INTEGER PRIMARY KEY,"
	" name TEXT, cc TEXT, abuse_contact TEXT);",
	/* 2: notification experiments: who is in which group, who was told when. */
	"CREATE TABLE treatments ("
	" unit TEXT PRIMARY KEY," /* an IP, or "AS<n>" for a network */
	" unit_kind TEXT NOT NULL,"
	" grp TEXT NOT NULL,"
	" stratum TEXT NOT NULL DEFAULT '',"
	" seed INTEGER NOT NULL,"
	" day TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE notifications ("
	" ip TEXT NOT NULL,"
	" day TEXT NOT NULL,"
	" channel TEXT NOT NULL,"
	" recorded_us INTEGER NOT NULL,"
	" PRIMARY KEY (ip, day, channel)) WITHOUT ROWID;",
	/* 3: feed deliveries, so a failed one is retried and a sent one never
	 * sent again. */
	"CREATE TABLE deliveries ("
	" day TEXT NOT NULL,"
	" asn INTEGER NOT NULL,"
	" format TEXT NOT NULL,"
	" recipient TEXT NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" updated_us INTEGER NOT NULL,"
	" PRIMARY KEY (day, asn, format, recipient)) WITHOUT ROWID;",
	/* API tokens of the per-network API: only the SHA-256 of the secret;
	 * asns is the comma-separated list of networks the token may read. */
	"CREATE TABLE api_tokens ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" hash TEXT NOT NULL UNIQUE,"
	" asns TEXT NOT NULL,"
	" created_us INTEGER NOT NULL,"
	" revoked_us INTEGER);"
	/* The API pages through one network's observations in (day, ip) order. */
	"CREATE INDEX observations_asn ON observations(asn, day, ip);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

int sqlite_db_error(struct sqlite_store *s, struct err *err, const char *what)
{
	return err_set(err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int sqlite_exec(struct sqlite_store *s, const char *sql, struct err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int sqlite_prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **st, struct err *err)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return sqlite_db_error(s, err, "prepare");
	return 0;
}

/* Reads the schema version; 0 for a new, empty database. Also proves that
 * the file is a database at all. */
static int read_version(struct sqlite_store *s, int *version, struct err *err)
{
	sqlite3_stmt *st;
	int rc, has_table = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE name='schema_version'", -1, &st,
			       NULL) != SQLITE_OK)
		return sqlite_db_error(s, err, "not a usable database");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		has_table = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sqlite_db_error(s, err, "not a usable database");
	*version = 0;
	if (!has_table) {
		/* Tables without our version table: somebody else's database. */
		if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
			return sqlite_db_error(s, err, "read");
		rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sqlite3_finalize(st);
		if (rc != 0)
			return err_set(err, "%s: not an iotmon database (it has tables but no schema_version)",
				       s->path);
		return 0;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(s, err, "read schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(struct sqlite_store *s, int from, struct err *err)
{
	char sql[64];

	if (from == 0 && sqlite_exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
				 " applied_us INTEGER NOT NULL)",
			      err))
		return -1;
	for (int v = from + 1; v <= SCHEMA_VERSION; v++) {
		if (sqlite_exec(s, "BEGIN IMMEDIATE", err))
			return -1;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d, %lld)", v,
			 (long long)time_now_us());
		if (sqlite_exec(s, migrations[v - 1], err) || sqlite_exec(s, sql, err)) {
			sqlite_exec(s, "ROLLBACK", NULL);
			return err_prefix(err, "migration to schema %d", v);
		}
		if (sqlite_exec(s, "COMMIT", err))
			return -1;
	}
	return 0;
}

static void make_parent_dirs(const char *path)
{
	char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0755);
			*p = '/';
		}
	free(copy);
}

static void sqlite_close(struct store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	sqlite3_finalize(s->insert_event);
	sqlite3_finalize(s->upsert_obs);
	obs_batch_free(&s->batch);
	sqlite3_finalize(s->import_obs);
	sqlite3_finalize(s->import_obs_fill);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int sqlite_step_done(struct sqlite_store *s, sqlite3_stmt *st, struct err *err, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sqlite_db_error(s, err, what);
	return 0;
}

char *sqlite_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

void sqlite_column_fixed(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

	/* memcpy, not snprintf: this runs for every column of millions of rows */
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

void sqlite_column_ip(sqlite3_stmt *st, int i, struct ipaddr *a)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	memset(a, 0, sizeof(*a));
	if (t)
		ipaddr_parse((const char *)t, (size_t)sqlite3_column_bytes(st, i), a);
}



/* Imports never add up counts: a new row is inserted as given, an existing
 * one only gains what it lacks. */
static const char import_obs_sql[] =
	"INSERT OR IGNORE INTO observations (ip, day, first_us, last_us, kinds, events, family, asn, as_name, cc,"
	" enriched_us, source, treatment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char import_obs_fill_sql[] =
	"UPDATE observations SET family = CASE WHEN family = '' THEN ?7 ELSE family END,"
	" asn = coalesce(asn, ?8), as_name = coalesce(as_name, ?9), cc = coalesce(cc, ?10),"
	" enriched_us = coalesce(enriched_us, ?11),"
	" treatment = CASE WHEN treatment = '' THEN ?13 ELSE treatment END"
	" WHERE ip = ?1 AND day = ?2"; /* binds like the insert; ?3-?6 and ?12 unused */

/* Merging rule for an observation seen again: widen the time span, add the
 * evidence, keep a known family over unknown and the first enrichment. */
static const char upsert_obs_sql[] =
	"INSERT INTO observations (ip, day, first_us, last_us, kinds, events, family, asn, as_name, cc,"
	" enriched_us, source, treatment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT(ip, day) DO UPDATE SET first_us = min(first_us, excluded.first_us),"
	" last_us = max(last_us, excluded.last_us), kinds = kinds | excluded.kinds,"
	" events = events + excluded.events,"
	" family = CASE WHEN excluded.family <> '' THEN excluded.family ELSE family END,"
	" asn = coalesce(asn, excluded.asn), as_name = coalesce(as_name, excluded.as_name),"
	" cc = coalesce(cc, excluded.cc), enriched_us = coalesce(enriched_us, excluded.enriched_us),"
	" treatment = CASE WHEN excluded.treatment <> '' THEN excluded.treatment ELSE treatment END";

static const struct store_backend *sqlite_backend(void)
{
	return store_backend_for("sqlite:");
}

struct store *sqlite_store_open(const char *target, int flags, struct err *err)
{
	const char *path = strncmp(target, "sqlite:", 7) == 0 ? target + 7 : target;
	bool readonly = flags & STORE_READONLY;
	struct sqlite_store *s;
	struct stat sb;
	int version = 0, oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;

	if (!*path) {
		err_set(err, "%s: no file named", target);
		return NULL;
	}
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE) || readonly) {
			err_set(err, "%s: %s", path, strerror(errno));
			return NULL;
		}
		make_parent_dirs(path);
		oflags |= SQLITE_OPEN_CREATE;
	} else if (!S_ISREG(sb.st_mode)) {
		err_set(err, "%s: not a regular file", path);
		return NULL;
	} else if (sb.st_size == 0 && !(flags & STORE_CREATE)) {
		/* Only writers make a store: a reader never turns a file into one. */
		err_set(err, "%s: empty file, not an iotmon store (a writing command such as import creates one)",
			path);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->base = (struct store){
		.backend = sqlite_backend(),
		.close = sqlite_close,
		.writer = &sqlite_event_writer,
		.events = &sqlite_event_queries,
		.observations = &sqlite_observations,
		.inventory = &sqlite_inventory,
		.experiments = &sqlite_experiments,
		.deliveries = &sqlite_deliveries,
		.tokens = &sqlite_tokens,
	};
	s->path = xstrdup(path);
	s->base.name = s->path;
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		sqlite_db_error(s, err, "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	if (read_version(s, &version, err))
		goto fail;
	if (version > SCHEMA_VERSION) {
		err_set(err, "%s: written by a newer iotmon (schema %d; this build knows up to %d); not touching it",
			path, version, SCHEMA_VERSION);
		goto fail;
	}
	if (version < SCHEMA_VERSION && !(flags & STORE_CREATE) && (version == 0 || readonly)) {
		if (version == 0)
			err_set(err, "%s: not an iotmon store (no schema; a writing command such as import creates one)",
				path);
		else
			err_set(err, "%s: schema %d is older than this build's %d; a writing command upgrades it", path,
				version, SCHEMA_VERSION);
		goto fail;
	}
	if (readonly) {
		/* A reader writes no file, not even a temporary one (sorts, DISTINCT
		 * beyond the cache): the web child's seccomp filter refuses to
		 * create files. */
		if (sqlite_exec(s,
				"PRAGMA query_only=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;"
				" PRAGMA temp_store=MEMORY",
				err))
			goto fail;
		return &s->base;
	}
	/* WAL lets readers (the dashboard, `iotmon events`) run beside the
	 * writer; synchronous=FULL makes a committed batch survive power loss,
	 * and costs one fsync per batch, not per event. */
	if (sqlite_exec(s,
			"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			" PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000; PRAGMA mmap_size=1073741824",
			err))
		goto fail;
	if (version < SCHEMA_VERSION && migrate(s, version, err))
		goto fail;
	if (sqlite_prepare(s,
			   "INSERT OR IGNORE INTO events (uid, time_us, sensor, kind, family, src_ip, src_port, dst_ip,"
			   " dst_port, transport, session, seq, username, password, success, input, url, sha256, cve,"
			   " packets, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   &s->insert_event, err) ||
	    sqlite_prepare(s, upsert_obs_sql, &s->upsert_obs, err) ||
	    sqlite_prepare(s, import_obs_sql, &s->import_obs, err) ||
	    sqlite_prepare(s, import_obs_fill_sql, &s->import_obs_fill, err))
		goto fail;
	return &s->base;
fail:
	sqlite_close(&s->base);
	return NULL;
}
