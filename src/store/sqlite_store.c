/* sqlite_store.c - the embedded store: one SQLite file in WAL mode.
 *
 * Schema changes are numbered migrations applied in order inside a
 * transaction; the version reached is kept in schema_version. A database
 * from a newer build is refused rather than guessed at. Inserts use cached
 * prepared statements inside one transaction per batch. */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "obs_batch.h"
#include "store.h"

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

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *insert_event, *upsert_obs;
	struct obs_batch batch; /* observations of the batch being inserted */
	sqlite3_stmt *import_obs, *import_obs_fill; /* idempotent imports */
};

static int db_error(struct sqlite_store *s, struct err *err, const char *what)
{
	return err_set(err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(struct sqlite_store *s, const char *sql, struct err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **st, struct err *err)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return db_error(s, err, "prepare");
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
		return db_error(s, err, "not a usable database");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		has_table = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_error(s, err, "not a usable database");
	*version = 0;
	if (!has_table) {
		/* Tables without our version table: somebody else's database. */
		if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
			return db_error(s, err, "read");
		rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sqlite3_finalize(st);
		if (rc != 0)
			return err_set(err, "%s: not an iotmon database (it has tables but no schema_version)",
				       s->path);
		return 0;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "read schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(struct sqlite_store *s, int from, struct err *err)
{
	char sql[64];

	if (from == 0 && exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
				 " applied_us INTEGER NOT NULL)",
			      err))
		return -1;
	for (int v = from + 1; v <= SCHEMA_VERSION; v++) {
		if (exec(s, "BEGIN IMMEDIATE", err))
			return -1;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d, %lld)", v,
			 (long long)time_now_us());
		if (exec(s, migrations[v - 1], err) || exec(s, sql, err)) {
			exec(s, "ROLLBACK", NULL);
			return err_prefix(err, "migration to schema %d", v);
		}
		if (exec(s, "COMMIT", err))
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

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_port(sqlite3_stmt *st, int i, uint16_t port)
{
	if (port)
		sqlite3_bind_int(st, i, port);
	else
		sqlite3_bind_null(st, i);
}

static int bind_event(sqlite3_stmt *st, const struct event *ev)
{
	char src[IPADDR_STRLEN], dst[IPADDR_STRLEN];

	ipaddr_format(&ev->src, src);
	ipaddr_format(&ev->dst, dst);
	sqlite3_bind_int64(st, 1, event_uid(ev));
	sqlite3_bind_int64(st, 2, ev->time_us);
	sqlite3_bind_text(st, 3, ev->sensor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, event_kind_name(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->family, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, src, -1, SQLITE_TRANSIENT);
	bind_port(st, 7, ev->src_port);
	bind_text_or_null(st, 8, dst);
	bind_port(st, 9, ev->dst_port);
	sqlite3_bind_text(st, 10, transport_name(ev->transport), -1, SQLITE_STATIC);
	bind_text_or_null(st, 11, ev->session);
	sqlite3_bind_int64(st, 12, ev->seq);
	bind_text_or_null(st, 13, ev->username);
	/* An empty password is a real attempt, so keep "" apart from NULL. */
	if (ev->password)
		sqlite3_bind_text(st, 14, ev->password, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 14);
	if (ev->success >= 0)
		sqlite3_bind_int(st, 15, ev->success);
	else
		sqlite3_bind_null(st, 15);
	bind_text_or_null(st, 16, ev->input);
	bind_text_or_null(st, 17, ev->url);
	bind_text_or_null(st, 18, ev->sha256);
	bind_text_or_null(st, 19, ev->cve);
	if (ev->kind == EVENT_SCAN || ev->packets)
		sqlite3_bind_int64(st, 20, (sqlite3_int64)ev->packets);
	else
		sqlite3_bind_null(st, 20);
	bind_text_or_null(st, 21, ev->extra);
	return 0;
}

static void bind_observation(sqlite3_stmt *st, const struct observation *o)
{
	char ip[IPADDR_STRLEN], day[11];

	ipaddr_format(&o->ip, ip);
	time_format_day(o->day, day);
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, o->first_us);
	sqlite3_bind_int64(st, 4, o->last_us);
	sqlite3_bind_int64(st, 5, o->kinds);
	sqlite3_bind_int64(st, 6, o->events);
	sqlite3_bind_text(st, 7, o->family, -1, SQLITE_TRANSIENT);
	if (o->net.asn)
		sqlite3_bind_int64(st, 8, o->net.asn);
	else
		sqlite3_bind_null(st, 8);
	bind_text_or_null(st, 9, o->net.as_name);
	bind_text_or_null(st, 10, o->net.cc);
	if (o->net.asn || o->net.cc[0])
		sqlite3_bind_int64(st, 11, o->net.data_time_us);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_text(st, 12, o->source[0] ? o->source : "sensor", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, o->treatment, -1, SQLITE_TRANSIENT);
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *st, struct err *err, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return db_error(s, err, what);
	return 0;
}

static int sqlite_insert_events(struct store *base, const struct event *evs, size_t n,
				const struct enricher *enr, size_t *inserted, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	size_t added = 0;

	if (exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	obs_batch_reset(&s->batch);
	for (size_t i = 0; i < n; i++) {
		bind_event(s->insert_event, &evs[i]);
		if (step_done(s, s->insert_event, err, "insert event"))
			goto fail;
		if (sqlite3_changes(s->db) == 0)
			continue; /* already stored: an import seen before */
		added++;
		obs_batch_add(&s->batch, &evs[i]);
	}
	for (size_t i = 0; i < s->batch.n; i++) {
		struct observation *o = &s->batch.rows[i];

		if (enr)
			enr->lookup(enr, &o->ip, &o->net);
		bind_observation(s->upsert_obs, o);
		if (step_done(s, s->upsert_obs, err, "record observation"))
			goto fail;
	}
	if (exec(s, "COMMIT", err))
		goto fail;
	if (inserted)
		*inserted = added;
	return 0;
fail:
	exec(s, "ROLLBACK", NULL);
	return -1;
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static void column_fixed(sqlite3_stmt *st, int i, char *dst, size_t size)
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

static void column_ip(sqlite3_stmt *st, int i, struct ipaddr *a)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	memset(a, 0, sizeof(*a));
	if (t)
		ipaddr_parse((const char *)t, (size_t)sqlite3_column_bytes(st, i), a);
}

static void row_to_event(sqlite3_stmt *st, struct event *ev)
{
	const unsigned char *t;

	event_init(ev);
	ev->time_us = sqlite3_column_int64(st, 0);
	column_fixed(st, 1, ev->sensor, sizeof(ev->sensor));
	t = sqlite3_column_text(st, 2);
	if (t)
		event_kind_parse((const char *)t, &ev->kind);
	column_fixed(st, 3, ev->family, sizeof(ev->family));
	column_ip(st, 4, &ev->src);
	ev->src_port = (uint16_t)sqlite3_column_int(st, 5);
	column_ip(st, 6, &ev->dst);
	ev->dst_port = (uint16_t)sqlite3_column_int(st, 7);
	t = sqlite3_column_text(st, 8);
	if (t)
		transport_parse((const char *)t, &ev->transport);
	column_fixed(st, 9, ev->session, sizeof(ev->session));
	ev->seq = (uint32_t)sqlite3_column_int64(st, 10);
	ev->username = column_dup(st, 11);
	ev->password = column_dup(st, 12);
	ev->success = sqlite3_column_type(st, 13) == SQLITE_NULL ? -1 : (int8_t)sqlite3_column_int(st, 13);
	ev->input = column_dup(st, 14);
	ev->url = column_dup(st, 15);
	column_fixed(st, 16, ev->sha256, sizeof(ev->sha256));
	ev->cve = column_dup(st, 17);
	ev->packets = (uint64_t)sqlite3_column_int64(st, 18);
	ev->extra = column_dup(st, 19);
}

static int sqlite_query_events(struct store *base, const struct event_filter *f,
			       int (*cb)(const struct event *, void *), void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char sql[2048], src[IPADDR_STRLEN];
	sqlite3_stmt *st;
	int rc = 0, step, i = 1;

	snprintf(sql, sizeof(sql),
		 "SELECT time_us, sensor, kind, family, src_ip, src_port, dst_ip, dst_port, transport, session, seq,"
		 " username, password, success, input, url, sha256, cve, packets, extra FROM events"
		 " WHERE time_us >= ? AND time_us < ?%s%s%s%s ORDER BY time_us, id%s",
		 f->kind >= 0 ? " AND kind = ?" : "", f->has_src ? " AND src_ip = ?" : "",
		 !f->family ? ""
		 /* The honeypot hands a session's events over as they happen, with
		  * the family known so far; its session event, written last, has
		  * the family of the whole dialogue and speaks for the others. */
		 : strcmp(f->family, "unknown") == 0
			 ? " AND family = '' AND (session = '' OR (sensor, session) NOT IN (SELECT sensor, session FROM"
			   " events WHERE kind = 'session' AND session <> '' AND family <> ''))"
			 : " AND (family = ? OR (session <> '' AND (sensor, session) IN (SELECT sensor, session FROM"
			   " events WHERE kind = 'session' AND family = ?)))",
		 f->session ? " AND session = ?" : "",
		 f->limit ? " LIMIT ?" : "");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "query events");
	sqlite3_bind_int64(st, i++, f->since_us);
	sqlite3_bind_int64(st, i++, f->until_us);
	if (f->kind >= 0)
		sqlite3_bind_text(st, i++, event_kind_name((enum event_kind)f->kind), -1, SQLITE_STATIC);
	if (f->has_src) {
		ipaddr_format(&f->src, src);
		sqlite3_bind_text(st, i++, src, -1, SQLITE_TRANSIENT);
	}
	if (f->family && strcmp(f->family, "unknown") != 0) {
		sqlite3_bind_text(st, i++, f->family, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, i++, f->family, -1, SQLITE_TRANSIENT);
	}
	if (f->session)
		sqlite3_bind_text(st, i++, f->session, -1, SQLITE_TRANSIENT);
	if (f->limit)
		sqlite3_bind_int64(st, i++, f->limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)f->limit);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct event ev;

		row_to_event(st, &ev);
		rc = cb(&ev, arg);
		event_free(&ev);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "query events");
	sqlite3_finalize(st);
	return rc;
}

/* Binds an obs_filter to the placeholders its WHERE clause has, in this
 * order: day from, day to, then asn, cc and ip when the filter sets them. */
static void bind_obs_filter(sqlite3_stmt *st, const struct obs_filter *f)
{
	char from[11] = "0000-00-00", to[11] = "9999-99-99", ip[IPADDR_STRLEN];
	int i = 1;

	if (f->day_from != INT64_MIN)
		time_format_day(f->day_from, from);
	if (f->day_to != INT64_MAX)
		time_format_day(f->day_to, to);
	sqlite3_bind_text(st, i++, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, to, -1, SQLITE_TRANSIENT);
	if (f->has_asn)
		sqlite3_bind_int64(st, i++, f->asn);
	if (f->cc)
		sqlite3_bind_text(st, i++, f->cc, -1, SQLITE_TRANSIENT);
	if (f->has_ip) {
		ipaddr_format(&f->ip, ip);
		sqlite3_bind_text(st, i++, ip, -1, SQLITE_TRANSIENT);
	}
}

static int sqlite_query_observations(struct store *base, const struct obs_filter *f,
				     int (*cb)(const struct observation *, void *), void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char sql[1024], prev_text[IPADDR_STRLEN];
	struct ipaddr prev_ip = {0};
	sqlite3_stmt *st;
	int rc = 0, step, prev_len = -1;

	/* By IP, "+day" keeps the planner on the primary key (ip, day), which
	 * yields rows in order without sorting millions of them. */
	snprintf(sql, sizeof(sql),
		 "SELECT ip, day, family, asn, cc, treatment%s FROM observations WHERE %s >= ? AND %s <= ?%s%s%s"
		 " ORDER BY %s",
		 f->episode_fields ? "" : ", first_us, last_us, kinds, events, as_name, enriched_us, source",
		 f->by_ip ? "+day" : "day", f->by_ip ? "+day" : "day", f->has_asn ? " AND asn = ?" : "",
		 f->cc ? " AND cc = ?" : "", f->has_ip ? " AND ip = ?" : "", f->by_ip ? "ip, day" : "day, ip");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "query observations");
	bind_obs_filter(st, f);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct observation o;
		const unsigned char *day = sqlite3_column_text(st, 1);
		const unsigned char *iptext = sqlite3_column_text(st, 0);
		int iplen = sqlite3_column_bytes(st, 0);

		memset(&o, 0, sizeof(o));
		/* Rows by IP come in runs of one address: parse it once per run. */
		if (iptext && iplen == prev_len && memcmp(iptext, prev_text, (size_t)iplen) == 0) {
			o.ip = prev_ip;
		} else {
			column_ip(st, 0, &o.ip);
			prev_ip = o.ip;
			prev_len = iplen < (int)sizeof(prev_text) ? iplen : -1;
			if (prev_len > 0)
				memcpy(prev_text, iptext, (size_t)prev_len);
		}
		if (day)
			time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 1), &o.day);
		column_fixed(st, 2, o.family, sizeof(o.family));
		o.net.asn = (uint32_t)sqlite3_column_int64(st, 3);
		column_fixed(st, 4, o.net.cc, sizeof(o.net.cc));
		column_fixed(st, 5, o.treatment, sizeof(o.treatment));
		if (!f->episode_fields) {
			o.first_us = sqlite3_column_int64(st, 6);
			o.last_us = sqlite3_column_int64(st, 7);
			o.kinds = (uint32_t)sqlite3_column_int64(st, 8);
			o.events = (uint32_t)sqlite3_column_int64(st, 9);
			column_fixed(st, 10, o.net.as_name, sizeof(o.net.as_name));
			o.net.data_time_us = sqlite3_column_int64(st, 11);
			column_fixed(st, 12, o.source, sizeof(o.source));
		}
		rc = cb(&o, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "query observations");
	sqlite3_finalize(st);
	return rc;
}

/* An imported observation: a new row, or missing details filled into the
 * existing one; *added says which. */
static int import_observation(struct sqlite_store *s, const struct observation *o, bool *added, struct err *err)
{
	bind_observation(s->import_obs, o);
	if (step_done(s, s->import_obs, err, "import observation"))
		return -1;
	*added = sqlite3_changes(s->db) > 0;
	if (*added)
		return 0;
	bind_observation(s->import_obs_fill, o);
	return step_done(s, s->import_obs_fill, err, "import observation");
}

static int sqlite_upsert_observation(struct store *base, const struct observation *o, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	bool added;

	if (strcmp(o->source, "import") == 0)
		return import_observation(s, o, &added, err);
	bind_observation(s->upsert_obs, o);
	return step_done(s, s->upsert_obs, err, "record observation");
}

static int sqlite_upsert_observations(struct store *base, const struct observation *o, size_t n, size_t *inserted,
				      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	size_t added = 0;
	bool add;

	if (exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(o[i].source, "import") == 0) {
			if (import_observation(s, &o[i], &add, err))
				goto fail;
			added += add;
		} else {
			bind_observation(s->upsert_obs, &o[i]);
			if (step_done(s, s->upsert_obs, err, "record observation"))
				goto fail;
		}
	}
	if (exec(s, "COMMIT", err))
		goto fail;
	if (inserted)
		*inserted = added;
	return 0;
fail:
	exec(s, "ROLLBACK", NULL);
	return -1;
}

static int sqlite_observation_span(struct store *base, int64_t *first_day, int64_t *last_day, bool *found,
				   struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int step;

	/* min and max each come from one end of the day index. */
	if (prepare(s, "SELECT (SELECT min(day) FROM observations), (SELECT max(day) FROM observations)", &st, err))
		return -1;
	*found = false;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *b = (const char *)sqlite3_column_text(st, 1);

		*found = a && b && time_parse_day(a, strlen(a), first_day) == 0 &&
			 time_parse_day(b, strlen(b), last_day) == 0;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return db_error(s, err, "read observation days");
	return 0;
}

static int sqlite_put_treatments(struct store *base, const struct treatment *t, size_t n, bool *added,
				 struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char day[11];
	sqlite3_stmt *st;

	if (prepare(s,
		    "INSERT OR IGNORE INTO treatments (unit, unit_kind, grp, stratum, seed, day)"
		    " VALUES (?, ?, ?, ?, ?, ?)",
		    &st, err))
		return -1;
	if (exec(s, "BEGIN IMMEDIATE", err)) {
		sqlite3_finalize(st);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		time_format_day(t[i].day, day);
		sqlite3_bind_text(st, 1, t[i].unit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, t[i].unit_kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, t[i].group, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, t[i].stratum, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)t[i].seed);
		sqlite3_bind_text(st, 6, day, -1, SQLITE_TRANSIENT);
		if (step_done(s, st, err, "store treatment")) {
			exec(s, "ROLLBACK", NULL);
			sqlite3_finalize(st);
			return -1;
		}
		if (added)
			added[i] = sqlite3_changes(s->db) > 0;
	}
	sqlite3_finalize(st);
	if (exec(s, "COMMIT", err)) {
		exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static int sqlite_query_treatments(struct store *base, int (*cb)(const struct treatment *, void *), void *arg,
				   struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (prepare(s, "SELECT unit, unit_kind, grp, stratum, seed, day FROM treatments ORDER BY unit_kind, unit",
		    &st, err))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct treatment t;
		const unsigned char *day = sqlite3_column_text(st, 5);

		memset(&t, 0, sizeof(t));
		column_fixed(st, 0, t.unit, sizeof(t.unit));
		column_fixed(st, 1, t.unit_kind, sizeof(t.unit_kind));
		column_fixed(st, 2, t.group, sizeof(t.group));
		column_fixed(st, 3, t.stratum, sizeof(t.stratum));
		t.seed = (uint64_t)sqlite3_column_int64(st, 4);
		if (day)
			time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 5), &t.day);
		rc = cb(&t, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "query treatments");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_record_notification(struct store *base, const struct notification *n, bool *added,
				      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char ip[IPADDR_STRLEN], day[11];
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT OR IGNORE INTO notifications (ip, day, channel, recorded_us) VALUES (?, ?, ?, ?)", &st,
		    err))
		return -1;
	ipaddr_format(&n->ip, ip);
	time_format_day(n->day, day);
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, n->channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, time_now_us());
	rc = step_done(s, st, err, "record notification");
	if (!rc && added)
		*added = sqlite3_changes(s->db) > 0;
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_query_notifications(struct store *base, int (*cb)(const struct notification *, void *),
				      void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (prepare(s, "SELECT ip, day, channel FROM notifications ORDER BY ip, day, channel", &st, err))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct notification n;
		const unsigned char *day = sqlite3_column_text(st, 1);

		memset(&n, 0, sizeof(n));
		column_ip(st, 0, &n.ip);
		if (day)
			time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 1), &n.day);
		column_fixed(st, 2, n.channel, sizeof(n.channel));
		rc = cb(&n, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "query notifications");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_set_enrichment(struct store *base, const struct ipaddr *ip, const struct enrichment *net,
				 struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[IPADDR_STRLEN];
	sqlite3_stmt *st;

	if (prepare(s, "UPDATE observations SET asn = ?, as_name = ?, cc = ?, enriched_us = ? WHERE ip = ?", &st,
		    err))
		return -1;
	ipaddr_format(ip, text);
	if (net->asn)
		sqlite3_bind_int64(st, 1, net->asn);
	bind_text_or_null(st, 2, net->as_name);
	bind_text_or_null(st, 3, net->cc);
	sqlite3_bind_int64(st, 4, net->data_time_us);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_TRANSIENT);
	int rc = step_done(s, st, err, "update enrichment");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_set_enrichment_many(struct store *base, const struct ipaddr *ips,
				      const struct enrichment *nets, size_t n, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	/* One commit for the lot: a commit per address (synchronous=FULL)
	 * costs milliseconds each. */
	if (exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sqlite_set_enrichment(base, &ips[i], &nets[i], err)) {
			exec(s, "ROLLBACK", NULL);
			return -1;
		}
	if (exec(s, "COMMIT", err)) {
		exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static int sqlite_upsert_device(struct store *base, const struct device *d, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char ip[IPADDR_STRLEN];
	sqlite3_stmt *st;

	if (prepare(s,
		    "INSERT INTO devices (ip, vendor, type, model, firmware, rule, evidence, probed_us, expires_us)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ip) DO UPDATE SET vendor = excluded.vendor,"
		    " type = excluded.type, model = excluded.model, firmware = excluded.firmware,"
		    " rule = excluded.rule, evidence = excluded.evidence, probed_us = excluded.probed_us,"
		    " expires_us = excluded.expires_us",
		    &st, err))
		return -1;
	ipaddr_format(&d->ip, ip);
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, d->vendor);
	bind_text_or_null(st, 3, d->type);
	bind_text_or_null(st, 4, d->model);
	bind_text_or_null(st, 5, d->firmware);
	bind_text_or_null(st, 6, d->rule);
	bind_text_or_null(st, 7, d->evidence);
	sqlite3_bind_int64(st, 8, d->probed_us);
	sqlite3_bind_int64(st, 9, d->expires_us);
	int rc = step_done(s, st, err, "store device");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_get_device(struct store *base, const struct ipaddr *ip, struct device *d, bool *found,
			     struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[IPADDR_STRLEN];
	sqlite3_stmt *st;
	int step;

	if (prepare(s,
		    "SELECT vendor, type, model, firmware, rule, evidence, probed_us, expires_us FROM devices"
		    " WHERE ip = ?",
		    &st, err))
		return -1;
	ipaddr_format(ip, text);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	memset(d, 0, sizeof(*d));
	d->ip = *ip;
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found) {
		column_fixed(st, 0, d->vendor, sizeof(d->vendor));
		column_fixed(st, 1, d->type, sizeof(d->type));
		column_fixed(st, 2, d->model, sizeof(d->model));
		column_fixed(st, 3, d->firmware, sizeof(d->firmware));
		column_fixed(st, 4, d->rule, sizeof(d->rule));
		d->evidence = column_dup(st, 5);
		d->probed_us = sqlite3_column_int64(st, 6);
		d->expires_us = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(s, err, "read device");
	return 0;
}

static int sqlite_upsert_network(struct store *base, const struct network *n, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;

	if (prepare(s,
		    "INSERT INTO networks (asn, name, cc, abuse_contact) VALUES (?, ?, ?, ?) ON CONFLICT(asn) DO"
		    " UPDATE SET name = coalesce(excluded.name, name), cc = coalesce(excluded.cc, cc),"
		    " abuse_contact = coalesce(excluded.abuse_contact, abuse_contact)",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, n->asn);
	bind_text_or_null(st, 2, n->name);
	bind_text_or_null(st, 3, n->cc);
	bind_text_or_null(st, 4, n->abuse_contact);
	int rc = step_done(s, st, err, "store network");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_get_network(struct store *base, uint32_t asn, struct network *n, bool *found,
			      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int step;

	if (prepare(s, "SELECT name, cc, abuse_contact FROM networks WHERE asn = ?", &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, asn);
	memset(n, 0, sizeof(*n));
	n->asn = asn;
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found) {
		column_fixed(st, 0, n->name, sizeof(n->name));
		column_fixed(st, 1, n->cc, sizeof(n->cc));
		column_fixed(st, 2, n->abuse_contact, sizeof(n->abuse_contact));
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(s, err, "read network");
	return 0;
}

static void row_to_observation(sqlite3_stmt *st, struct observation *o)
{
	const unsigned char *day = sqlite3_column_text(st, 1);

	memset(o, 0, sizeof(*o));
	column_ip(st, 0, &o->ip);
	if (day)
		time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 1), &o->day);
	o->first_us = sqlite3_column_int64(st, 2);
	o->last_us = sqlite3_column_int64(st, 3);
	o->kinds = (uint32_t)sqlite3_column_int64(st, 4);
	o->events = (uint32_t)sqlite3_column_int64(st, 5);
	column_fixed(st, 6, o->family, sizeof(o->family));
	o->net.asn = (uint32_t)sqlite3_column_int64(st, 7);
	column_fixed(st, 8, o->net.as_name, sizeof(o->net.as_name));
	column_fixed(st, 9, o->net.cc, sizeof(o->net.cc));
	o->net.data_time_us = sqlite3_column_int64(st, 10);
	column_fixed(st, 11, o->source, sizeof(o->source));
	column_fixed(st, 12, o->treatment, sizeof(o->treatment));
}

static int sqlite_query_observation_details(struct store *base, const struct obs_filter *f,
					    int (*cb)(const struct observation_detail *, void *), void *arg,
					    struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char sql[1536];
	sqlite3_stmt *st;
	int rc = 0, step = SQLITE_DONE;

	snprintf(sql, sizeof(sql),
		 "SELECT o.ip, o.day, o.first_us, o.last_us, o.kinds, o.events, o.family, o.asn, o.as_name, o.cc,"
		 " o.enriched_us, o.source, o.treatment,"
		 " d.ip IS NOT NULL, d.vendor, d.type, d.model, d.firmware, d.rule, d.probed_us, d.expires_us,"
		 " n.asn IS NOT NULL, n.name, n.cc, n.abuse_contact"
		 " FROM observations o LEFT JOIN devices d ON d.ip = o.ip LEFT JOIN networks n ON n.asn = o.asn"
		 " WHERE o.day >= ? AND o.day <= ?%s%s%s ORDER BY o.day, o.asn, o.ip",
		 f->has_asn ? " AND o.asn = ?" : "", f->cc ? " AND o.cc = ?" : "", f->has_ip ? " AND o.ip = ?" : "");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, "query observation details");
	bind_obs_filter(st, f);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct observation o;
		struct device dev;
		struct network net;
		struct observation_detail d = {.obs = &o};

		row_to_observation(st, &o);
		if (sqlite3_column_int(st, 13)) {
			memset(&dev, 0, sizeof(dev));
			dev.ip = o.ip;
			column_fixed(st, 14, dev.vendor, sizeof(dev.vendor));
			column_fixed(st, 15, dev.type, sizeof(dev.type));
			column_fixed(st, 16, dev.model, sizeof(dev.model));
			column_fixed(st, 17, dev.firmware, sizeof(dev.firmware));
			column_fixed(st, 18, dev.rule, sizeof(dev.rule));
			dev.probed_us = sqlite3_column_int64(st, 19);
			dev.expires_us = sqlite3_column_int64(st, 20);
			d.device = &dev;
		}
		if (sqlite3_column_int(st, 21)) {
			memset(&net, 0, sizeof(net));
			net.asn = o.net.asn;
			column_fixed(st, 22, net.name, sizeof(net.name));
			column_fixed(st, 23, net.cc, sizeof(net.cc));
			column_fixed(st, 24, net.abuse_contact, sizeof(net.abuse_contact));
			d.network = &net;
		}
		rc = cb(&d, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "query observation details");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_get_delivery(struct store *base, int64_t day, uint32_t asn, const char *format,
			       const char *recipient, struct delivery *d, bool *found, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[11];
	sqlite3_stmt *st;
	int step;

	if (prepare(s,
		    "SELECT sha256, status, attempts, last_error, updated_us FROM deliveries WHERE day = ? AND"
		    " asn = ? AND format = ? AND recipient = ?",
		    &st, err))
		return -1;
	time_format_day(day, text);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, asn);
	sqlite3_bind_text(st, 3, format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, recipient, -1, SQLITE_TRANSIENT);
	memset(d, 0, sizeof(*d));
	d->day = day;
	d->asn = asn;
	snprintf(d->format, sizeof(d->format), "%s", format);
	snprintf(d->recipient, sizeof(d->recipient), "%s", recipient);
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found) {
		column_fixed(st, 0, d->sha256, sizeof(d->sha256));
		column_fixed(st, 1, d->status, sizeof(d->status));
		d->attempts = (uint32_t)sqlite3_column_int64(st, 2);
		column_fixed(st, 3, d->last_error, sizeof(d->last_error));
		d->updated_us = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(s, err, "read delivery");
	return 0;
}

static int sqlite_record_delivery(struct store *base, const struct delivery *d, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[11];
	sqlite3_stmt *st;

	if (prepare(s,
		    "INSERT INTO deliveries (day, asn, format, recipient, sha256, status, attempts, last_error,"
		    " updated_us) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(day, asn, format, recipient) DO"
		    " UPDATE SET sha256 = excluded.sha256, status = excluded.status, attempts = attempts + 1,"
		    " last_error = excluded.last_error, updated_us = excluded.updated_us",
		    &st, err))
		return -1;
	time_format_day(d->day, text);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, d->asn);
	sqlite3_bind_text(st, 3, d->format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, d->recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, d->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, d->status, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 7, d->last_error);
	sqlite3_bind_int64(st, 8, d->updated_us);
	int rc = step_done(s, st, err, "record delivery");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_claim_delivery(struct store *base, const struct delivery *d, int64_t stale_us, bool *claimed,
				 struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[11];
	sqlite3_stmt *st;
	int rc;

	/* One statement, so the claim is atomic between processes. */
	if (prepare(s,
		    "INSERT INTO deliveries (day, asn, format, recipient, sha256, status, attempts, updated_us)"
		    " VALUES (?, ?, ?, ?, ?, 'sending', 0, ?) ON CONFLICT(day, asn, format, recipient) DO UPDATE"
		    " SET status = 'sending', updated_us = excluded.updated_us WHERE status = 'failed' OR"
		    " (status = 'sending' AND updated_us < ?)",
		    &st, err))
		return -1;
	time_format_day(d->day, text);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, d->asn);
	sqlite3_bind_text(st, 3, d->format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, d->recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, d->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, d->updated_us);
	sqlite3_bind_int64(st, 7, stale_us);
	rc = step_done(s, st, err, "claim delivery");
	*claimed = rc == 0 && sqlite3_changes(s->db) == 1;
	sqlite3_finalize(st);
	return rc;
}

static void format_asns(const struct api_token *t, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->nasns && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%u", i ? "," : "", t->asns[i]);
}

static void parse_asns(const char *text, struct api_token *t)
{
	char *end;

	t->nasns = 0;
	while (text && *text && t->nasns < TOKEN_ASNS_MAX) {
		unsigned long v = strtoul(text, &end, 10);

		if (end == text)
			break;
		t->asns[t->nasns++] = (uint32_t)v;
		text = *end == ',' ? end + 1 : end;
	}
}

static void row_to_token(sqlite3_stmt *st, struct api_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	column_fixed(st, 1, t->name, sizeof(t->name));
	parse_asns((const char *)sqlite3_column_text(st, 2), t);
	t->created_us = sqlite3_column_int64(st, 3);
	t->revoked_us = sqlite3_column_int64(st, 4);
}

static int sqlite_add_token(struct store *base, struct api_token *t, const char *hash_hex, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char asns[TOKEN_ASNS_MAX * 11 + 1];
	sqlite3_stmt *st;

	if (prepare(s, "INSERT INTO api_tokens (name, hash, asns, created_us) VALUES (?, ?, ?, ?)", &st, err))
		return -1;
	format_asns(t, asns, sizeof(asns));
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hash_hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, asns, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, t->created_us);
	int rc = step_done(s, st, err, "store token");
	sqlite3_finalize(st);
	if (rc == 0)
		t->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sqlite_find_token(struct store *base, const char *hash_hex, struct api_token *t, bool *found,
			     struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int step;

	if (prepare(s, "SELECT id, name, asns, created_us, revoked_us FROM api_tokens WHERE hash = ?", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, hash_hex, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found)
		row_to_token(st, t);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(s, err, "read token");
	return 0;
}

static int sqlite_list_tokens(struct store *base, int (*cb)(const struct api_token *, void *), void *arg,
			      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (prepare(s, "SELECT id, name, asns, created_us, revoked_us FROM api_tokens ORDER BY id", &st, err))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct api_token t;

		row_to_token(st, &t);
		if ((rc = cb(&t, arg)) != 0)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "list tokens");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_revoke_token(struct store *base, int64_t id, int64_t when_us, bool *found, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;

	/* Revoking twice keeps the first time. */
	if (prepare(s, "UPDATE api_tokens SET revoked_us = coalesce(revoked_us, ?) WHERE id = ?", &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, when_us);
	sqlite3_bind_int64(st, 2, id);
	int rc = step_done(s, st, err, "revoke token");
	sqlite3_finalize(st);
	*found = rc == 0 && sqlite3_changes(s->db) > 0;
	return rc;
}

static int sqlite_count_events(struct store *base, int64_t since_us, int (*cb)(const struct event_count *, void *),
			       void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (prepare(s,
		    "SELECT sensor, kind, count(*), coalesce(sum(packets), 0), max(time_us) FROM events"
		    " WHERE time_us >= ? GROUP BY sensor, kind ORDER BY sensor, kind",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, since_us);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct event_count c = {0};
		const unsigned char *kind = sqlite3_column_text(st, 1);

		c.sensor = (const char *)sqlite3_column_text(st, 0);
		if (!c.sensor || !kind || event_kind_parse((const char *)kind, &c.kind))
			continue;
		c.events = (uint64_t)sqlite3_column_int64(st, 2);
		c.packets = (uint64_t)sqlite3_column_int64(st, 3);
		c.last_us = sqlite3_column_int64(st, 4);
		if ((rc = cb(&c, arg)) != 0)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(s, err, "count events");
	sqlite3_finalize(st);
	return rc;
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.insert_events = sqlite_insert_events,
	.query_events = sqlite_query_events,
	.query_observations = sqlite_query_observations,
	.upsert_observation = sqlite_upsert_observation,
	.set_enrichment = sqlite_set_enrichment,
	.upsert_device = sqlite_upsert_device,
	.get_device = sqlite_get_device,
	.upsert_network = sqlite_upsert_network,
	.get_network = sqlite_get_network,
	.upsert_observations = sqlite_upsert_observations,
	.observation_span = sqlite_observation_span,
	.put_treatments = sqlite_put_treatments,
	.query_treatments = sqlite_query_treatments,
	.record_notification = sqlite_record_notification,
	.query_notifications = sqlite_query_notifications,
	.set_enrichment_many = sqlite_set_enrichment_many,
	.query_observation_details = sqlite_query_observation_details,
	.get_delivery = sqlite_get_delivery,
	.record_delivery = sqlite_record_delivery,
	.claim_delivery = sqlite_claim_delivery,
	.add_token = sqlite_add_token,
	.find_token = sqlite_find_token,
	.list_tokens = sqlite_list_tokens,
	.revoke_token = sqlite_revoke_token,
	.count_events = sqlite_count_events,
};

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

struct store *sqlite_store_open(const char *path, int flags, struct err *err)
{
	struct sqlite_store *s;
	struct stat sb;
	int version = 0, oflags = SQLITE_OPEN_READWRITE;

	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			err_set(err, "%s: %s", path, strerror(errno));
			return NULL;
		}
		make_parent_dirs(path);
		oflags |= SQLITE_OPEN_CREATE;
	} else if (!S_ISREG(sb.st_mode)) {
		err_set(err, "%s: not a regular file", path);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		db_error(s, err, "cannot open");
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
	/* WAL lets readers (the dashboard, `iotmon events`) run beside the
	 * writer; synchronous=FULL makes a committed batch survive power loss,
	 * and costs one fsync per batch, not per event. */
	if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		    " PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000; PRAGMA mmap_size=1073741824",
		 err))
		goto fail;
	if (version < SCHEMA_VERSION && migrate(s, version, err))
		goto fail;
	if (prepare(s,
		    "INSERT OR IGNORE INTO events (uid, time_us, sensor, kind, family, src_ip, src_port, dst_ip,"
		    " dst_port, transport, session, seq, username, password, success, input, url, sha256, cve,"
		    " packets, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    &s->insert_event, err) ||
	    prepare(s, upsert_obs_sql, &s->upsert_obs, err) || prepare(s, import_obs_sql, &s->import_obs, err) ||
	    prepare(s, import_obs_fill_sql, &s->import_obs_fill, err))
		goto fail;
	return &s->base;
fail:
	sqlite_close(&s->base);
	return NULL;
}
