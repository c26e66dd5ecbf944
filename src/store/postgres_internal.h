/* postgres_internal.h - what the PostgreSQL store's files share
 * (postgres_*.c only).
 *
 * One libpq connection per struct store (a store is used by one thread at a
 * time, as the SQLite one is). Every value crosses as text, so the C side
 * formats addresses, days and numbers exactly as the SQLite store does:
 * that is what keeps outputs byte-identical between the backends. */
#ifndef IOTMON_POSTGRES_INTERNAL_H
#define IOTMON_POSTGRES_INTERNAL_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "obs_batch.h"
#include "store.h"

struct pg_store {
	struct store base;
	PGconn *conn;
	char *name; /* the target without its password, for messages */
	bool readonly;
	int64_t *days; /* days whose event partition is known to exist */
	size_t ndays, capdays;
	struct obs_batch batch; /* observations of the batch being inserted */
	bool staged; /* the session's staging tables exist */
	char *copy; /* COPY text of the batch being inserted */
	size_t copylen, copycap;
};

/* After the server dropped the connection: connects again (0), or -1 with
 * err. A live connection is left alone. */
int pg_reconnect_if_lost(struct pg_store *s, struct err *err);
/* Sets err to "NAME: what: the server's first line"; returns -1. */
int pg_error(struct pg_store *s, struct err *err, const char *what);
/* Runs SQL without parameters that returns no rows. */
int pg_exec(struct pg_store *s, const char *sql, struct err *err);
/* Runs SQL with n text parameters (NULL = SQL NULL); the result (rows or
 * none) or NULL with err set. PQclear() it. */
PGresult *pg_query(struct pg_store *s, const char *sql, int n, const char *const *params, struct err *err,
		   const char *what);
/* Runs SQL and calls row(res, arg) for each row as it arrives (single-row
 * mode: a day of events never sits in memory whole). A non-zero return of
 * row stops the query and is returned. */
int pg_stream(struct pg_store *s, const char *sql, int n, const char *const *params,
	      int (*row)(const PGresult *res, void *arg), void *arg, struct err *err, const char *what);
/* BEGIN / COMMIT / ROLLBACK (the last never fails visibly). */
int pg_begin(struct pg_store *s, struct err *err);
int pg_commit(struct pg_store *s, struct err *err);
void pg_rollback(struct pg_store *s);

/* Column readers: NULL reads as 0 / "" / unknown address. */
int64_t pg_int(const PGresult *r, int row, int col);
bool pg_null(const PGresult *r, int row, int col);
void pg_fixed(const PGresult *r, int row, int col, char *dst, size_t size);
char *pg_dup(const PGresult *r, int row, int col); /* NULL for SQL NULL */
void pg_ip(const PGresult *r, int row, int col, struct ipaddr *a);

/* Parameter text of an integer; buf needs 24 bytes. */
const char *pg_itoa(int64_t v, char *buf);

/* SQL that turns a date column into UTC days since the epoch, and back. */
#define PG_DAYS(col) "(" col " - DATE '1970-01-01')"
#define PG_DATE(param) "(DATE '1970-01-01' + " param "::integer)"
/* Addresses order as their text does in the SQLite store (byte order). */
#define PG_IP_ORDER(col) "host(" col ") COLLATE \"C\""

/* The observation columns in the order both stores bind them, and the
 * merging rule for an observation seen again (as the SQLite store's): widen
 * the time span, add the evidence, keep a known family over unknown and the
 * first enrichment; the table is aliased o. */
#define PG_OBS_COLUMNS \
	"ip, day, first_us, last_us, kinds, events, family, asn, as_name, cc, enriched_us, source, treatment"
#define PG_OBS_MERGE                                                                                        \
	" ON CONFLICT (ip, day) DO UPDATE SET first_us = least(o.first_us, excluded.first_us),"               \
	" last_us = greatest(o.last_us, excluded.last_us), kinds = o.kinds | excluded.kinds,"                  \
	" events = o.events + excluded.events,"                                                                \
	" family = CASE WHEN excluded.family <> '' THEN excluded.family ELSE o.family END,"                    \
	" asn = coalesce(o.asn, excluded.asn), as_name = coalesce(o.as_name, excluded.as_name),"               \
	" cc = coalesce(o.cc, excluded.cc), enriched_us = coalesce(o.enriched_us, excluded.enriched_us),"       \
	" treatment = CASE WHEN excluded.treatment <> '' THEN excluded.treatment ELSE o.treatment END"

extern const struct store_event_writer pg_event_writer;
extern const struct store_event_queries pg_event_queries;
extern const struct store_observations pg_observations;
extern const struct store_inventory pg_inventory;
extern const struct store_experiments pg_experiments;
extern const struct store_deliveries pg_deliveries;
extern const struct store_tokens pg_tokens;

#endif
