/* sqlite_internal.h - what the SQLite store's files share (sqlite_*.c only).
 *
 * The store is one SQLite file; each sqlite_ROLE.c fills one role interface
 * of store.h, sqlite_store.c opens, migrates and closes. */
#ifndef IOTMON_SQLITE_INTERNAL_H
#define IOTMON_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "obs_batch.h"
#include "store.h"

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *insert_event, *upsert_obs;
	struct obs_batch batch; /* observations of the batch being inserted */
	sqlite3_stmt *import_obs, *import_obs_fill; /* idempotent imports */
};

/* 0/-1 helpers; errors name the file. */
int sqlite_db_error(struct sqlite_store *s, struct err *err, const char *what);
int sqlite_exec(struct sqlite_store *s, const char *sql, struct err *err);
int sqlite_prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **st, struct err *err);
/* Steps a statement that returns no rows, then resets it for reuse. */
int sqlite_step_done(struct sqlite_store *s, sqlite3_stmt *st, struct err *err, const char *what);

void sqlite_bind_text_or_null(sqlite3_stmt *st, int i, const char *v);
/* Binds an observation to ?1..?13 in the column order of the table. */
void sqlite_bind_observation(sqlite3_stmt *st, const struct observation *o);
char *sqlite_column_dup(sqlite3_stmt *st, int i);
void sqlite_column_fixed(sqlite3_stmt *st, int i, char *dst, size_t size);
void sqlite_column_ip(sqlite3_stmt *st, int i, struct ipaddr *a);

extern const struct store_event_writer sqlite_event_writer;
extern const struct store_event_queries sqlite_event_queries;
extern const struct store_observations sqlite_observations;
extern const struct store_inventory sqlite_inventory;
extern const struct store_experiments sqlite_experiments;
extern const struct store_deliveries sqlite_deliveries;
extern const struct store_tokens sqlite_tokens;

#endif
