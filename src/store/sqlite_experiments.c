/* sqlite_experiments.c - the SQLite store's notification experiments:
 * treatment assignments and notifications. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sqlite_internal.h"

static int sqlite_put_treatments(struct store *base, const struct treatment *t, size_t n, bool *added,
				 struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char day[11];
	sqlite3_stmt *st;

	if (sqlite_prepare(s,
		    "INSERT OR IGNORE INTO treatments (unit, unit_kind, grp, stratum, seed, day)"
		    " VALUES (?, ?, ?, ?, ?, ?)",
		    &st, err))
		return -1;
	if (sqlite_exec(s, "BEGIN IMMEDIATE", err)) {
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
		if (sqlite_step_done(s, st, err, "store treatment")) {
			sqlite_exec(s, "ROLLBACK", NULL);
			sqlite3_finalize(st);
			return -1;
		}
		if (added)
			added[i] = sqlite3_changes(s->db) > 0;
	}
	sqlite3_finalize(st);
	if (sqlite_exec(s, "COMMIT", err)) {
		sqlite_exec(s, "ROLLBACK", NULL);
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

	if (sqlite_prepare(s, "SELECT unit, unit_kind, grp, stratum, seed, day FROM treatments ORDER BY unit_kind, unit",
		    &st, err))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct treatment t;
		const unsigned char *day = sqlite3_column_text(st, 5);

		memset(&t, 0, sizeof(t));
		sqlite_column_fixed(st, 0, t.unit, sizeof(t.unit));
		sqlite_column_fixed(st, 1, t.unit_kind, sizeof(t.unit_kind));
		sqlite_column_fixed(st, 2, t.group, sizeof(t.group));
		sqlite_column_fixed(st, 3, t.stratum, sizeof(t.stratum));
		t.seed = (uint64_t)sqlite3_column_int64(st, 4);
		if (day)
			time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 5), &t.day);
		rc = cb(&t, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sqlite_db_error(s, err, "query treatments");
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

	if (sqlite_prepare(s, "INSERT OR IGNORE INTO notifications (ip, day, channel, recorded_us) VALUES (?, ?, ?, ?)", &st,
		    err))
		return -1;
	ipaddr_format(&n->ip, ip);
	time_format_day(n->day, day);
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, n->channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, time_now_us());
	rc = sqlite_step_done(s, st, err, "record notification");
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

	if (sqlite_prepare(s, "SELECT ip, day, channel FROM notifications ORDER BY ip, day, channel", &st, err))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct notification n;
		const unsigned char *day = sqlite3_column_text(st, 1);

		memset(&n, 0, sizeof(n));
		sqlite_column_ip(st, 0, &n.ip);
		if (day)
			time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 1), &n.day);
		sqlite_column_fixed(st, 2, n.channel, sizeof(n.channel));
		rc = cb(&n, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sqlite_db_error(s, err, "query notifications");
	sqlite3_finalize(st);
	return rc;
}


const struct store_experiments sqlite_experiments = {
	.put_treatments = sqlite_put_treatments,
	.query_treatments = sqlite_query_treatments,
	.record_notification = sqlite_record_notification,
	.query_notifications = sqlite_query_notifications,
};
