/* sqlite_deliveries.c - the SQLite store's feed delivery records. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sqlite_internal.h"

/* Binds a delivery's key (day, asn, format, recipient) to ?1..?4. */
static void bind_delivery_key(sqlite3_stmt *st, int64_t day, uint32_t asn, const char *format, const char *recipient)
{
	char text[11];

	time_format_day(day, text);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, asn);
	sqlite3_bind_text(st, 3, format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, recipient, -1, SQLITE_TRANSIENT);
}

static int sqlite_get_delivery(struct store *base, int64_t day, uint32_t asn, const char *format,
			       const char *recipient, struct delivery *d, bool *found, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int step;

	if (sqlite_prepare(s,
		    "SELECT sha256, status, attempts, last_error, updated_us FROM deliveries WHERE day = ? AND"
		    " asn = ? AND format = ? AND recipient = ?",
		    &st, err))
		return -1;
	bind_delivery_key(st, day, asn, format, recipient);
	memset(d, 0, sizeof(*d));
	d->day = day;
	d->asn = asn;
	snprintf(d->format, sizeof(d->format), "%s", format);
	snprintf(d->recipient, sizeof(d->recipient), "%s", recipient);
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found) {
		sqlite_column_fixed(st, 0, d->sha256, sizeof(d->sha256));
		sqlite_column_fixed(st, 1, d->status, sizeof(d->status));
		d->attempts = (uint32_t)sqlite3_column_int64(st, 2);
		sqlite_column_fixed(st, 3, d->last_error, sizeof(d->last_error));
		d->updated_us = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sqlite_db_error(s, err, "read delivery");
	return 0;
}

static int sqlite_record_delivery(struct store *base, const struct delivery *d, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;

	if (sqlite_prepare(s,
		    "INSERT INTO deliveries (day, asn, format, recipient, sha256, status, attempts, last_error,"
		    " updated_us) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(day, asn, format, recipient) DO"
		    " UPDATE SET sha256 = excluded.sha256, status = excluded.status, attempts = attempts + 1,"
		    " last_error = excluded.last_error, updated_us = excluded.updated_us",
		    &st, err))
		return -1;
	bind_delivery_key(st, d->day, d->asn, d->format, d->recipient);
	sqlite3_bind_text(st, 5, d->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, d->status, -1, SQLITE_TRANSIENT);
	sqlite_bind_text_or_null(st, 7, d->last_error);
	sqlite3_bind_int64(st, 8, d->updated_us);
	int rc = sqlite_step_done(s, st, err, "record delivery");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_claim_delivery(struct store *base, const struct delivery *d, int64_t stale_us, bool *claimed,
				 struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc;

	/* One statement, so the claim is atomic between processes. */
	if (sqlite_prepare(s,
		    "INSERT INTO deliveries (day, asn, format, recipient, sha256, status, attempts, updated_us)"
		    " VALUES (?, ?, ?, ?, ?, 'sending', 0, ?) ON CONFLICT(day, asn, format, recipient) DO UPDATE"
		    " SET status = 'sending', updated_us = excluded.updated_us WHERE status = 'failed' OR"
		    " (status = 'sending' AND updated_us < ?)",
		    &st, err))
		return -1;
	bind_delivery_key(st, d->day, d->asn, d->format, d->recipient);
	sqlite3_bind_text(st, 5, d->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, d->updated_us);
	sqlite3_bind_int64(st, 7, stale_us);
	rc = sqlite_step_done(s, st, err, "claim delivery");
	*claimed = rc == 0 && sqlite3_changes(s->db) == 1;
	sqlite3_finalize(st);
	return rc;
}

const struct store_deliveries sqlite_deliveries = {
	.get_delivery = sqlite_get_delivery,
	.record_delivery = sqlite_record_delivery,
	.claim_delivery = sqlite_claim_delivery,
};
