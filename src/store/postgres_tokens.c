/* postgres_tokens.c - the PostgreSQL store's API tokens. */
#include <string.h>

#include "postgres_internal.h"
#include "token_asns.h"

#define TOKEN_COLUMNS "SELECT id, name, asns, created_us, revoked_us FROM api_tokens"

static void row_to_token(const PGresult *r, int row, struct api_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = pg_int(r, row, 0);
	pg_fixed(r, row, 1, t->name, sizeof(t->name));
	token_asns_parse(PQgetvalue(r, row, 2), t);
	t->created_us = pg_int(r, row, 3);
	t->revoked_us = pg_int(r, row, 4);
}

static int pg_add_token(struct store *base, struct api_token *t, const char *hash_hex, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char asns[TOKEN_ASNS_TEXT], created[24];
	const char *p[] = {t->name, hash_hex, asns, pg_itoa(t->created_us, created)};
	PGresult *r;

	token_asns_format(t, asns, sizeof(asns));
	r = pg_query(s, "INSERT INTO api_tokens (name, hash, asns, created_us) VALUES ($1, $2, $3, $4) RETURNING id", 4,
		     p, err, "store token");
	if (!r)
		return -1;
	t->id = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int pg_find_token(struct store *base, const char *hash_hex, struct api_token *t, bool *found,
			 struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = pg_query(s, TOKEN_COLUMNS " WHERE hash = $1", 1, &hash_hex, err, "read token");

	if (!r)
		return -1;
	*found = PQntuples(r) > 0;
	if (*found)
		row_to_token(r, 0, t);
	PQclear(r);
	return 0;
}

struct token_walk {
	int (*cb)(const struct api_token *, void *);
	void *arg;
};

static int token_row(const PGresult *r, void *arg)
{
	struct token_walk *w = arg;
	struct api_token t;

	row_to_token(r, 0, &t);
	return w->cb(&t, w->arg);
}

static int pg_list_tokens(struct store *base, int (*cb)(const struct api_token *, void *), void *arg,
			  struct err *err)
{
	struct token_walk w = {cb, arg};

	return pg_stream((struct pg_store *)base, TOKEN_COLUMNS " ORDER BY id", 0, NULL, token_row, &w, err,
			 "list tokens");
}

static int pg_revoke_token(struct store *base, int64_t id, int64_t when_us, bool *found, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char when[24], ids[24];
	const char *p[] = {pg_itoa(when_us, when), pg_itoa(id, ids)};
	/* Revoking twice keeps the first time. */
	PGresult *r = pg_query(s, "UPDATE api_tokens SET revoked_us = coalesce(revoked_us, $1) WHERE id = $2", 2, p,
			       err, "revoke token");

	if (!r)
		return -1;
	*found = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	return 0;
}

const struct store_tokens pg_tokens = {
	.add_token = pg_add_token,
	.find_token = pg_find_token,
	.list_tokens = pg_list_tokens,
	.revoke_token = pg_revoke_token,
};
