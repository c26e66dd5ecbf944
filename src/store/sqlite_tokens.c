/* sqlite_tokens.c - the SQLite store's API tokens. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sqlite_internal.h"
#include "token_asns.h"

static void row_to_token(sqlite3_stmt *st, struct api_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	sqlite_column_fixed(st, 1, t->name, sizeof(t->name));
	token_asns_parse((const char *)sqlite3_column_text(st, 2), t);
	t->created_us = sqlite3_column_int64(st, 3);
	t->revoked_us = sqlite3_column_int64(st, 4);
}

static int sqlite_add_token(struct store *base, struct api_token *t, const char *hash_hex, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char asns[TOKEN_ASNS_TEXT];
	sqlite3_stmt *st;

	if (sqlite_prepare(s, "INSERT INTO api_tokens (name, hash, asns, created_us) VALUES (?, ?, ?, ?)", &st, err))
		return -1;
	token_asns_format(t, asns, sizeof(asns));
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hash_hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, asns, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, t->created_us);
	int rc = sqlite_step_done(s, st, err, "store token");
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

	if (sqlite_prepare(s, "SELECT id, name, asns, created_us, revoked_us FROM api_tokens WHERE hash = ?", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, hash_hex, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found)
		row_to_token(st, t);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sqlite_db_error(s, err, "read token");
	return 0;
}

static int sqlite_list_tokens(struct store *base, int (*cb)(const struct api_token *, void *), void *arg,
			      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc = 0, step;

	if (sqlite_prepare(s, "SELECT id, name, asns, created_us, revoked_us FROM api_tokens ORDER BY id", &st, err))
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct api_token t;

		row_to_token(st, &t);
		if ((rc = cb(&t, arg)) != 0)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sqlite_db_error(s, err, "list tokens");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_revoke_token(struct store *base, int64_t id, int64_t when_us, bool *found, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;

	/* Revoking twice keeps the first time. */
	if (sqlite_prepare(s, "UPDATE api_tokens SET revoked_us = coalesce(revoked_us, ?) WHERE id = ?", &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, when_us);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite_step_done(s, st, err, "revoke token");
	sqlite3_finalize(st);
	*found = rc == 0 && sqlite3_changes(s->db) > 0;
	return rc;
}


const struct store_tokens sqlite_tokens = {
	.add_token = sqlite_add_token,
	.find_token = sqlite_find_token,
	.list_tokens = sqlite_list_tokens,
	.revoke_token = sqlite_revoke_token,
};
