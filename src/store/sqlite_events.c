/* sqlite_events.c - the SQLite store's event writer and event queries:
 * one transaction per batch, the identity index skips known events, the
 * batch's observations are folded in the same transaction. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sqlite_internal.h"

void sqlite_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
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
	sqlite_bind_text_or_null(st, 8, dst);
	bind_port(st, 9, ev->dst_port);
	sqlite3_bind_text(st, 10, transport_name(ev->transport), -1, SQLITE_STATIC);
	sqlite_bind_text_or_null(st, 11, ev->session);
	sqlite3_bind_int64(st, 12, ev->seq);
	sqlite_bind_text_or_null(st, 13, ev->username);
	/* An empty password is a real attempt, so keep "" apart from NULL. */
	if (ev->password)
		sqlite3_bind_text(st, 14, ev->password, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 14);
	if (ev->success >= 0)
		sqlite3_bind_int(st, 15, ev->success);
	else
		sqlite3_bind_null(st, 15);
	sqlite_bind_text_or_null(st, 16, ev->input);
	sqlite_bind_text_or_null(st, 17, ev->url);
	sqlite_bind_text_or_null(st, 18, ev->sha256);
	sqlite_bind_text_or_null(st, 19, ev->cve);
	if (ev->kind == EVENT_SCAN || ev->packets)
		sqlite3_bind_int64(st, 20, (sqlite3_int64)ev->packets);
	else
		sqlite3_bind_null(st, 20);
	sqlite_bind_text_or_null(st, 21, ev->extra);
	return 0;
}
static int sqlite_insert_events(struct store *base, const struct event *evs, size_t n,
				const struct enricher *enr, size_t *inserted, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	size_t added = 0;

	if (sqlite_exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	obs_batch_reset(&s->batch);
	for (size_t i = 0; i < n; i++) {
		bind_event(s->insert_event, &evs[i]);
		if (sqlite_step_done(s, s->insert_event, err, "insert event"))
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
		sqlite_bind_observation(s->upsert_obs, o);
		if (sqlite_step_done(s, s->upsert_obs, err, "record observation"))
			goto fail;
	}
	if (sqlite_exec(s, "COMMIT", err))
		goto fail;
	if (inserted)
		*inserted = added;
	return 0;
fail:
	sqlite_exec(s, "ROLLBACK", NULL);
	return -1;
}

static void row_to_event(sqlite3_stmt *st, struct event *ev)
{
	const unsigned char *t;

	event_init(ev);
	ev->time_us = sqlite3_column_int64(st, 0);
	sqlite_column_fixed(st, 1, ev->sensor, sizeof(ev->sensor));
	t = sqlite3_column_text(st, 2);
	if (t)
		event_kind_parse((const char *)t, &ev->kind);
	sqlite_column_fixed(st, 3, ev->family, sizeof(ev->family));
	sqlite_column_ip(st, 4, &ev->src);
	ev->src_port = (uint16_t)sqlite3_column_int(st, 5);
	sqlite_column_ip(st, 6, &ev->dst);
	ev->dst_port = (uint16_t)sqlite3_column_int(st, 7);
	t = sqlite3_column_text(st, 8);
	if (t)
		transport_parse((const char *)t, &ev->transport);
	sqlite_column_fixed(st, 9, ev->session, sizeof(ev->session));
	ev->seq = (uint32_t)sqlite3_column_int64(st, 10);
	ev->username = sqlite_column_dup(st, 11);
	ev->password = sqlite_column_dup(st, 12);
	ev->success = sqlite3_column_type(st, 13) == SQLITE_NULL ? -1 : (int8_t)sqlite3_column_int(st, 13);
	ev->input = sqlite_column_dup(st, 14);
	ev->url = sqlite_column_dup(st, 15);
	sqlite_column_fixed(st, 16, ev->sha256, sizeof(ev->sha256));
	ev->cve = sqlite_column_dup(st, 17);
	ev->packets = (uint64_t)sqlite3_column_int64(st, 18);
	ev->extra = sqlite_column_dup(st, 19);
}

static int sqlite_query_events(struct store *base, const struct event_filter *f,
			       int (*cb)(const struct event *, void *), void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char sql[1024], src[IPADDR_STRLEN];
	sqlite3_stmt *st;
	int rc = 0, step, i = 1;

	snprintf(sql, sizeof(sql),
		 "SELECT time_us, sensor, kind, family, src_ip, src_port, dst_ip, dst_port, transport, session, seq,"
		 " username, password, success, input, url, sha256, cve, packets, extra FROM events"
		 " WHERE time_us >= ? AND time_us < ?%s%s%s%s ORDER BY time_us, id%s",
		 f->kind >= 0 ? " AND kind = ?" : "", f->has_src ? " AND src_ip = ?" : "",
		 f->family ? " AND family = ?" : "", f->session ? " AND session = ?" : "",
		 f->limit ? " LIMIT ?" : "");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(s, err, "query events");
	sqlite3_bind_int64(st, i++, f->since_us);
	sqlite3_bind_int64(st, i++, f->until_us);
	if (f->kind >= 0)
		sqlite3_bind_text(st, i++, event_kind_name((enum event_kind)f->kind), -1, SQLITE_STATIC);
	if (f->has_src) {
		ipaddr_format(&f->src, src);
		sqlite3_bind_text(st, i++, src, -1, SQLITE_TRANSIENT);
	}
	if (f->family)
		sqlite3_bind_text(st, i++, strcmp(f->family, "unknown") == 0 ? "" : f->family, -1,
				  SQLITE_TRANSIENT);
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
		rc = sqlite_db_error(s, err, "query events");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_count_events(struct store *base, int64_t since_us, int (*cb)(const struct event_count *, void *),
			       void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (sqlite_prepare(s,
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
		rc = sqlite_db_error(s, err, "count events");
	sqlite3_finalize(st);
	return rc;
}

/* Retention: events of days before day go; a day's events are one range of
 * the identity index (time_us, uid). */
static int sqlite_drop_events_before(struct store *base, int64_t day, uint64_t *dropped, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;

	if (sqlite_prepare(s, "DELETE FROM events WHERE time_us < ?", &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, day * US_PER_DAY);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return sqlite_db_error(s, err, "drop old events");
	}
	sqlite3_finalize(st);
	if (dropped)
		*dropped = (uint64_t)sqlite3_changes64(s->db);
	return 0;
}

const struct store_event_writer sqlite_event_writer = {
	.insert_events = sqlite_insert_events,
	.drop_events_before = sqlite_drop_events_before,
};

const struct store_event_queries sqlite_event_queries = {
	.query_events = sqlite_query_events,
	.count_events = sqlite_count_events,
};
