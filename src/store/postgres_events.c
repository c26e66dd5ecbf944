/* postgres_events.c - the PostgreSQL store's event writer and event queries.
 *
 * A batch is one transaction: its days' partitions are made if missing, the
 * events go by COPY into a session-local staging table, and one
 * INSERT ... SELECT ... ON CONFLICT DO NOTHING moves them into the
 * partitioned table in batch order, skipping known identities. The rows it
 * returns say which events were new; those are folded into observations
 * exactly as the SQLite store folds them (obs_batch, same merge rule), and
 * the observations go the same way (COPY, then one upsert). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "postgres_internal.h"

/* Arbitrary, constant: the advisory lock serialising partition changes. */
#define PARTITION_LOCK "7245618"

#define EVENT_COLUMNS                                                                                           \
	"uid, time_us, sensor, kind, family, src_ip, src_port, dst_ip, dst_port, transport, session, seq, username," \
	" password, success, input, url, sha256, cve, packets, extra"

/* The staging tables live as long as the connection; ON COMMIT DELETE ROWS
 * empties them after every batch. */
static const char staging_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS events_stage (ord integer NOT NULL, uid bigint, time_us bigint,"
	" sensor text, kind text, family text, src_ip inet, src_port integer, dst_ip inet, dst_port integer,"
	" transport text, session text, seq bigint, username text, password text, success smallint, input text,"
	" url text, sha256 text, cve text, packets bigint, extra text) ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS obs_stage (ip inet, day date, first_us bigint, last_us bigint,"
	" kinds integer, events bigint, family text, asn bigint, as_name text, cc text, enriched_us bigint,"
	" source text, treatment text) ON COMMIT DELETE ROWS";

static const char merge_obs_sql[] = "INSERT INTO observations AS o (" PG_OBS_COLUMNS ") SELECT " PG_OBS_COLUMNS
				     " FROM obs_stage" PG_OBS_MERGE;

/* --- COPY text ---------------------------------------------------------- */

static void put(struct pg_store *s, const char *p, size_t n)
{
	if (s->copylen + n + 1 > s->copycap) {
		s->copycap = (s->copylen + n + 1) * 2;
		s->copy = xrealloc(s->copy, s->copycap);
	}
	memcpy(s->copy + s->copylen, p, n);
	s->copylen += n;
}

/* A text field, escaped for COPY's text format; NULL is \N. Runs of plain
 * bytes are copied at once: this is the hot loop of every batch. */
static void put_text(struct pg_store *s, const char *v, char sep)
{
	if (!v) {
		put(s, "\\N", 2);
	} else {
		for (;;) {
			size_t plain = strcspn(v, "\\\t\n\r");

			put(s, v, plain);
			v += plain;
			if (!*v)
				break;
			put(s, *v == '\\' ? "\\\\" : *v == '\t' ? "\\t" : *v == '\n' ? "\\n" : "\\r", 2);
			v++;
		}
	}
	put(s, &sep, 1);
}

static void put_int(struct pg_store *s, int64_t v, char sep)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRId64 "%c", v, sep);

	put(s, buf, (size_t)n);
}

static void put_null(struct pg_store *s, char sep)
{
	put_text(s, NULL, sep);
}

/* As the SQLite store binds: "" is NULL for optional text. */
static const char *opt(const char *v)
{
	return v && *v ? v : NULL;
}

/* One COPY row of EVENT_COLUMNS, preceded by ord unless it is negative. */
static void put_event(struct pg_store *s, const struct event *ev, long ord)
{
	char src[IPADDR_STRLEN], dst[IPADDR_STRLEN];

	ipaddr_format(&ev->src, src);
	ipaddr_format(&ev->dst, dst);
	if (ord >= 0)
		put_int(s, ord, '\t');
	put_int(s, event_uid(ev), '\t');
	put_int(s, ev->time_us, '\t');
	put_text(s, ev->sensor, '\t');
	put_text(s, event_kind_name(ev->kind), '\t');
	put_text(s, ev->family, '\t');
	put_text(s, src, '\t');
	ev->src_port ? put_int(s, ev->src_port, '\t') : put_null(s, '\t');
	put_text(s, opt(dst), '\t');
	ev->dst_port ? put_int(s, ev->dst_port, '\t') : put_null(s, '\t');
	put_text(s, transport_name(ev->transport), '\t');
	put_text(s, opt(ev->session), '\t');
	put_int(s, ev->seq, '\t');
	put_text(s, opt(ev->username), '\t');
	put_text(s, ev->password, '\t'); /* an empty password is a real attempt */
	ev->success >= 0 ? put_int(s, ev->success, '\t') : put_null(s, '\t');
	put_text(s, opt(ev->input), '\t');
	put_text(s, opt(ev->url), '\t');
	put_text(s, opt(ev->sha256), '\t');
	put_text(s, opt(ev->cve), '\t');
	ev->kind == EVENT_SCAN || ev->packets ? put_int(s, (int64_t)ev->packets, '\t') : put_null(s, '\t');
	put_text(s, opt(ev->extra), '\n');
}

static void put_observation(struct pg_store *s, const struct observation *o)
{
	char ip[IPADDR_STRLEN], day[11];

	ipaddr_format(&o->ip, ip);
	time_format_day(o->day, day);
	put_text(s, ip, '\t');
	put_text(s, day, '\t');
	put_int(s, o->first_us, '\t');
	put_int(s, o->last_us, '\t');
	put_int(s, o->kinds, '\t');
	put_int(s, o->events, '\t');
	put_text(s, o->family, '\t');
	o->net.asn ? put_int(s, o->net.asn, '\t') : put_null(s, '\t');
	put_text(s, opt(o->net.as_name), '\t');
	put_text(s, opt(o->net.cc), '\t');
	o->net.asn || o->net.cc[0] ? put_int(s, o->net.data_time_us, '\t') : put_null(s, '\t');
	put_text(s, o->source[0] ? o->source : "sensor", '\t');
	put_text(s, o->treatment, '\n');
}

/* Sends the buffered rows with COPY sql FROM STDIN. *duplicate (may be
 * NULL) says whether it failed on a unique key. */
static int copy_in(struct pg_store *s, const char *sql, bool *duplicate, struct err *err, const char *what)
{
	PGresult *r = PQexec(s->conn, sql);
	const char *state;
	int ok;

	if (duplicate)
		*duplicate = false;
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		PQclear(r);
		return pg_error(s, err, what);
	}
	PQclear(r);
	ok = PQputCopyData(s->conn, s->copy, (int)s->copylen) == 1;
	ok = PQputCopyEnd(s->conn, ok ? NULL : "client error") == 1 && ok;
	r = PQgetResult(s->conn);
	ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (duplicate && state && strcmp(state, "23505") == 0)
		*duplicate = true;
	PQclear(r);
	while ((r = PQgetResult(s->conn)))
		PQclear(r);
	s->copylen = 0;
	return ok ? 0 : pg_error(s, err, what);
}

/* --- partitions ------------------------------------------------------- */

static bool day_known(const struct pg_store *s, int64_t day)
{
	for (size_t i = 0; i < s->ndays; i++)
		if (s->days[i] == day)
			return true;
	return false;
}

static void partition_name(int64_t day, char *buf)
{
	char text[11];

	time_format_day(day, text); /* YYYY-MM-DD */
	snprintf(buf, 32, "events_p%.4s%.2s%.2s", text, text + 5, text + 8);
}

/* Makes the partition of day unless it exists. Rows of that day that went
 * to the default partition meanwhile move into it, so attaching never
 * fails. Inside the caller's transaction. */
static int ensure_partition(struct pg_store *s, int64_t day, struct err *err)
{
	char name[32], sql[768], lo[24], hi[24];
	const char *p[] = {name};
	PGresult *r;
	bool exists;

	if (day_known(s, day))
		return 0;
	partition_name(day, name);
	r = pg_query(s, "SELECT to_regclass($1) IS NOT NULL", 1, p, err, "look up partition");
	if (!r)
		return -1;
	exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!exists) {
		pg_itoa(day * US_PER_DAY, lo);
		pg_itoa((day + 1) * US_PER_DAY, hi);
		snprintf(sql, sizeof(sql),
			 "SELECT pg_advisory_xact_lock(" PARTITION_LOCK ");"
			 "CREATE TABLE IF NOT EXISTS %s (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
			 "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = '%s'::regclass) THEN"
			 " WITH moved AS (DELETE FROM events_default WHERE time_us >= %s AND time_us < %s RETURNING *)"
			 " INSERT INTO %s SELECT * FROM moved;"
			 " ALTER TABLE events ATTACH PARTITION %s FOR VALUES FROM (%s) TO (%s);"
			 " END IF; END$$",
			 name, name, lo, hi, name, name, lo, hi);
		if (pg_exec(s, sql, err))
			return err_prefix(err, "partition %s", name);
	}
	if (s->ndays == s->capdays) {
		s->capdays = s->capdays ? s->capdays * 2 : 64;
		s->days = xrealloc(s->days, s->capdays * sizeof(*s->days));
	}
	s->days[s->ndays++] = day;
	return 0;
}

/* The partitions of the batch's days, and of the day after the newest (made
 * ahead, so the next day's first batch finds it). */
static int ensure_partitions(struct pg_store *s, const struct event *evs, size_t n, struct err *err)
{
	int64_t newest = INT64_MIN, last = INT64_MIN;

	for (size_t i = 0; i < n; i++) {
		int64_t day = time_day_of(evs[i].time_us);

		if (day == last)
			continue;
		last = day;
		if (day > newest)
			newest = day;
		if (ensure_partition(s, day, err))
			return -1;
	}
	return n ? ensure_partition(s, newest + 1, err) : 0;
}

/* --- the writer ------------------------------------------------------- */

struct identity {
	int64_t time_us, uid;
	bool used;
};

static int cmp_identity(const void *a, const void *b)
{
	const struct identity *x = a, *y = b;

	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* The rows INSERT ... RETURNING gave back, sorted for lookups. */
static struct identity *new_identities(const PGresult *r, size_t *n)
{
	struct identity *ids;

	*n = (size_t)PQntuples(r);
	ids = xcalloc(*n ? *n : 1, sizeof(*ids));
	for (size_t i = 0; i < *n; i++) {
		ids[i].time_us = pg_int(r, (int)i, 0);
		ids[i].uid = pg_int(r, (int)i, 1);
	}
	qsort(ids, *n, sizeof(*ids), cmp_identity);
	return ids;
}

/* True once for an event stored by this batch: a second copy of it in the
 * same batch was skipped, as in SQLite. */
static bool take_identity(struct identity *ids, size_t n, const struct event *ev)
{
	struct identity key = {ev->time_us, event_uid(ev), false};
	struct identity *hit = bsearch(&key, ids, n, sizeof(*ids), cmp_identity);

	if (!hit || hit->used)
		return false;
	hit->used = true;
	return true;
}

/* The slow path: COPY to staging, then INSERT ... ON CONFLICT DO NOTHING
 * RETURNING tells which events are new; each is taken once, in batch
 * order, as SQLite's INSERT OR IGNORE takes them. */
static int insert_new_only(struct pg_store *s, const struct event *evs, size_t n, size_t *added, struct err *err)
{
	struct identity *ids;
	size_t nids;
	PGresult *r;

	s->copylen = 0;
	for (size_t i = 0; i < n; i++)
		put_event(s, &evs[i], (long)i);
	if (copy_in(s, "COPY events_stage (ord, " EVENT_COLUMNS ") FROM STDIN", NULL, err, "insert events"))
		return -1;
	r = pg_query(s,
		     "INSERT INTO events (" EVENT_COLUMNS ") SELECT " EVENT_COLUMNS " FROM events_stage ORDER BY ord"
		     " ON CONFLICT DO NOTHING RETURNING time_us, uid",
		     0, NULL, err, "insert events");
	if (!r)
		return -1;
	ids = new_identities(r, &nids);
	PQclear(r);
	for (size_t i = 0; i < n && *added < nids; i++)
		if (take_identity(ids, nids, &evs[i])) {
			(*added)++;
			obs_batch_add(&s->batch, &evs[i]);
		}
	free(ids);
	return 0;
}

static int pg_insert_events(struct store *base, const struct event *evs, size_t n, const struct enricher *enr,
			    size_t *inserted, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	size_t added = 0;
	bool duplicate;

	if (inserted)
		*inserted = 0;
	if (n == 0)
		return 0;
	if (pg_reconnect_if_lost(s, err))
		return -1;
	if (!s->staged) {
		if (pg_exec(s, staging_sql, err))
			return -1;
		s->staged = true;
	}
	if (pg_begin(s, err))
		return -1;
	if (ensure_partitions(s, evs, n, err))
		goto fail;
	obs_batch_reset(&s->batch);
	/* The fast path: a batch of new events (the usual case) is one bare
	 * COPY into the partitioned table. A known event makes it fail on the
	 * identity; the batch then takes the slow path, event by event. */
	s->copylen = 0;
	for (size_t i = 0; i < n; i++)
		put_event(s, &evs[i], -1);
	if (pg_exec(s, "SAVEPOINT batch", err))
		goto fail;
	if (copy_in(s, "COPY events (" EVENT_COLUMNS ") FROM STDIN", &duplicate, err, "insert events") == 0) {
		if (pg_exec(s, "RELEASE SAVEPOINT batch", err))
			goto fail;
		added = n;
		for (size_t i = 0; i < n; i++)
			obs_batch_add(&s->batch, &evs[i]);
	} else if (!duplicate || pg_exec(s, "ROLLBACK TO SAVEPOINT batch", err) ||
		   insert_new_only(s, evs, n, &added, err)) {
		goto fail;
	}
	for (size_t i = 0; i < s->batch.n; i++) {
		struct observation *o = &s->batch.rows[i];

		if (enr)
			enr->lookup(enr, &o->ip, &o->net);
		put_observation(s, o);
	}
	if (s->batch.n && (copy_in(s, "COPY obs_stage (" PG_OBS_COLUMNS ") FROM STDIN", NULL, err,
				   "record observations") ||
			   pg_exec(s, merge_obs_sql, err)))
		goto fail;
	if (pg_commit(s, err)) {
		s->ndays = 0; /* partitions made in it are gone too */
		return -1;
	}
	if (inserted)
		*inserted = added;
	return 0;
fail:
	pg_rollback(s);
	s->ndays = 0;
	return -1;
}

/* Retention: whole day partitions before day are dropped; stray rows of
 * those days in the default partition are deleted. */
static int pg_drop_events_before(struct store *base, int64_t day, uint64_t *dropped, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char cutoff[24], sql[128];
	const char *p[] = {pg_itoa(day * US_PER_DAY, cutoff)};
	uint64_t count = 0;
	PGresult *r;

	if (pg_begin(s, err) || pg_exec(s, "SELECT pg_advisory_xact_lock(" PARTITION_LOCK ")", err))
		goto fail;
	r = pg_query(s,
		     "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
		     " WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{8}$' ORDER BY 1",
		     0, NULL, err, "list partitions");
	if (!r)
		goto fail;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0);
		char text[11];
		int64_t d;

		snprintf(text, sizeof(text), "%.4s-%.2s-%.2s", name + 8, name + 12, name + 14);
		if (time_parse_day(text, 10, &d) || d >= day)
			continue;
		snprintf(sql, sizeof(sql), "DROP TABLE %s", name);
		if (pg_exec(s, sql, err)) {
			PQclear(r);
			goto fail;
		}
		count++;
	}
	PQclear(r);
	r = pg_query(s, "DELETE FROM events_default WHERE time_us < $1", 1, p, err, "drop old events");
	if (!r)
		goto fail;
	PQclear(r);
	s->ndays = 0;
	if (pg_commit(s, err))
		return -1;
	if (dropped)
		*dropped = count;
	return 0;
fail:
	pg_rollback(s);
	return -1;
}

/* --- queries ---------------------------------------------------------- */

struct event_walk {
	int (*cb)(const struct event *, void *);
	void *arg;
};

static int event_row(const PGresult *r, void *arg)
{
	struct event_walk *w = arg;
	struct event ev;
	int rc;

	event_init(&ev);
	ev.time_us = pg_int(r, 0, 0);
	pg_fixed(r, 0, 1, ev.sensor, sizeof(ev.sensor));
	event_kind_parse(PQgetvalue(r, 0, 2), &ev.kind);
	pg_fixed(r, 0, 3, ev.family, sizeof(ev.family));
	pg_ip(r, 0, 4, &ev.src);
	ev.src_port = (uint16_t)pg_int(r, 0, 5);
	pg_ip(r, 0, 6, &ev.dst);
	ev.dst_port = (uint16_t)pg_int(r, 0, 7);
	transport_parse(PQgetvalue(r, 0, 8), &ev.transport);
	pg_fixed(r, 0, 9, ev.session, sizeof(ev.session));
	ev.seq = (uint32_t)pg_int(r, 0, 10);
	ev.username = pg_dup(r, 0, 11);
	ev.password = pg_dup(r, 0, 12);
	ev.success = pg_null(r, 0, 13) ? -1 : (int8_t)pg_int(r, 0, 13);
	ev.input = pg_dup(r, 0, 14);
	ev.url = pg_dup(r, 0, 15);
	pg_fixed(r, 0, 16, ev.sha256, sizeof(ev.sha256));
	ev.cve = pg_dup(r, 0, 17);
	ev.packets = (uint64_t)pg_int(r, 0, 18);
	ev.extra = pg_dup(r, 0, 19);
	rc = w->cb(&ev, w->arg);
	event_free(&ev);
	return rc;
}

static int pg_query_events(struct store *base, const struct event_filter *f,
			   int (*cb)(const struct event *, void *), void *arg, struct err *err)
{
	char sql[1024], where[512] = "", since[24], until[24], limit[24], src[IPADDR_STRLEN];
	const char *p[7];
	struct event_walk w = {cb, arg};
	size_t off = 0;
	int n = 0;

	/* Only the bounds that are set, so partition pruning sees constants. */
#define ADD(cond, value)                                                                                 \
	do {                                                                                             \
		p[n++] = (value);                                                                        \
		off += (size_t)snprintf(where + off, sizeof(where) - off, " %s " cond, n == 1 ? "WHERE" : "AND", n); \
	} while (0)
	if (f->since_us != INT64_MIN)
		ADD("time_us >= $%d", pg_itoa(f->since_us, since));
	if (f->until_us != INT64_MAX)
		ADD("time_us < $%d", pg_itoa(f->until_us, until));
	if (f->kind >= 0)
		ADD("kind = $%d", event_kind_name((enum event_kind)f->kind));
	if (f->has_src) {
		ipaddr_format(&f->src, src);
		ADD("src_ip = $%d::inet", src);
	}
	if (f->family)
		ADD("family = $%d", strcmp(f->family, "unknown") == 0 ? "" : f->family);
	if (f->session)
		ADD("session = $%d", f->session);
#undef ADD
	snprintf(sql, sizeof(sql),
		 "SELECT time_us, sensor, kind, family, host(src_ip), src_port, host(dst_ip), dst_port, transport,"
		 " session, seq, username, password, success, input, url, sha256, cve, packets, extra FROM events%s"
		 " ORDER BY time_us, id%s%s",
		 where, f->limit ? " LIMIT " : "",
		 f->limit ? pg_itoa(f->limit > INT64_MAX ? INT64_MAX : (int64_t)f->limit, limit) : "");
	return pg_stream((struct pg_store *)base, sql, n, p, event_row, &w, err, "query events");
}

struct count_walk {
	int (*cb)(const struct event_count *, void *);
	void *arg;
};

static int count_row(const PGresult *r, void *arg)
{
	struct count_walk *w = arg;
	struct event_count c = {0};

	c.sensor = PQgetvalue(r, 0, 0);
	if (event_kind_parse(PQgetvalue(r, 0, 1), &c.kind))
		return 0;
	c.events = (uint64_t)pg_int(r, 0, 2);
	c.packets = (uint64_t)pg_int(r, 0, 3);
	c.last_us = pg_int(r, 0, 4);
	return w->cb(&c, w->arg);
}

static int pg_count_events(struct store *base, int64_t since_us, int (*cb)(const struct event_count *, void *),
			   void *arg, struct err *err)
{
	struct count_walk w = {cb, arg};
	char since[24];
	const char *p[] = {pg_itoa(since_us, since)};

	return pg_stream((struct pg_store *)base,
			 "SELECT sensor, kind, count(*), coalesce(sum(packets), 0), max(time_us) FROM events"
			 " WHERE time_us >= $1 GROUP BY sensor, kind ORDER BY sensor COLLATE \"C\", kind COLLATE \"C\"",
			 1, p, count_row, &w, err, "count events");
}

const struct store_event_writer pg_event_writer = {
	.insert_events = pg_insert_events,
	.drop_events_before = pg_drop_events_before,
};

const struct store_event_queries pg_event_queries = {
	.query_events = pg_query_events,
	.count_events = pg_count_events,
};
