/* postgres_deliveries.c - the PostgreSQL store's feed delivery records. */
#include <stdio.h>
#include <string.h>

#include "postgres_internal.h"

static int pg_get_delivery(struct store *base, int64_t day, uint32_t asn, const char *format, const char *recipient,
			   struct delivery *d, bool *found, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char days[24], asns[24];
	const char *p[] = {pg_itoa(day, days), pg_itoa(asn, asns), format, recipient};
	PGresult *r = pg_query(s,
			       "SELECT sha256, status, attempts, last_error, updated_us FROM deliveries"
			       " WHERE day = " PG_DATE("$1") " AND asn = $2 AND format = $3 AND recipient = $4",
			       4, p, err, "read delivery");

	if (!r)
		return -1;
	memset(d, 0, sizeof(*d));
	d->day = day;
	d->asn = asn;
	snprintf(d->format, sizeof(d->format), "%s", format);
	snprintf(d->recipient, sizeof(d->recipient), "%s", recipient);
	*found = PQntuples(r) > 0;
	if (*found) {
		pg_fixed(r, 0, 0, d->sha256, sizeof(d->sha256));
		pg_fixed(r, 0, 1, d->status, sizeof(d->status));
		d->attempts = (uint32_t)pg_int(r, 0, 2);
		pg_fixed(r, 0, 3, d->last_error, sizeof(d->last_error));
		d->updated_us = pg_int(r, 0, 4);
	}
	PQclear(r);
	return 0;
}

static int pg_record_delivery(struct store *base, const struct delivery *d, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char days[24], asns[24], updated[24];
	const char *p[] = {pg_itoa(d->day, days), pg_itoa(d->asn, asns), d->format, d->recipient, d->sha256,
			   d->status, d->last_error[0] ? d->last_error : NULL, pg_itoa(d->updated_us, updated)};
	PGresult *r = pg_query(s,
			       "INSERT INTO deliveries AS x (day, asn, format, recipient, sha256, status, attempts,"
			       " last_error, updated_us) VALUES (" PG_DATE("$1") ", $2, $3, $4, $5, $6, 1, $7, $8)"
			       " ON CONFLICT (day, asn, format, recipient) DO UPDATE SET sha256 = excluded.sha256,"
			       " status = excluded.status, attempts = x.attempts + 1, last_error = excluded.last_error,"
			       " updated_us = excluded.updated_us",
			       8, p, err, "record delivery");

	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

static int pg_claim_delivery(struct store *base, const struct delivery *d, int64_t stale_us, bool *claimed,
			     struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char days[24], asns[24], updated[24], stale[24];
	const char *p[] = {pg_itoa(d->day, days), pg_itoa(d->asn, asns),	 d->format,
			   d->recipient,	  d->sha256,	pg_itoa(d->updated_us, updated),
			   pg_itoa(stale_us, stale)};
	/* One statement, so the claim is atomic between processes. */
	PGresult *r = pg_query(s,
			       "INSERT INTO deliveries AS x (day, asn, format, recipient, sha256, status, attempts,"
			       " updated_us) VALUES (" PG_DATE("$1") ", $2, $3, $4, $5, 'sending', 0, $6)"
			       " ON CONFLICT (day, asn, format, recipient) DO UPDATE SET status = 'sending',"
			       " updated_us = excluded.updated_us WHERE x.status = 'failed' OR"
			       " (x.status = 'sending' AND x.updated_us < $7)",
			       7, p, err, "claim delivery");

	*claimed = false;
	if (!r)
		return -1;
	*claimed = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	return 0;
}

const struct store_deliveries pg_deliveries = {
	.get_delivery = pg_get_delivery,
	.record_delivery = pg_record_delivery,
	.claim_delivery = pg_claim_delivery,
};
