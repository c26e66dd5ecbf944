/* postgres_inventory.c - the PostgreSQL store's devices and networks. */
#include <string.h>

#include "postgres_internal.h"

static const char *text_or_null(const char *v)
{
	return v && *v ? v : NULL;
}

static int pg_upsert_device(struct store *base, const struct device *d, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char ip[IPADDR_STRLEN], probed[24], expires[24];
	const char *p[] = {ip,
			   text_or_null(d->vendor),
			   text_or_null(d->type),
			   text_or_null(d->model),
			   text_or_null(d->firmware),
			   text_or_null(d->rule),
			   text_or_null(d->evidence),
			   pg_itoa(d->probed_us, probed),
			   pg_itoa(d->expires_us, expires)};
	PGresult *r;

	ipaddr_format(&d->ip, ip);
	r = pg_query(s,
		     "INSERT INTO devices (ip, vendor, type, model, firmware, rule, evidence, probed_us, expires_us)"
		     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ip) DO UPDATE SET"
		     " vendor = excluded.vendor, type = excluded.type, model = excluded.model,"
		     " firmware = excluded.firmware, rule = excluded.rule, evidence = excluded.evidence,"
		     " probed_us = excluded.probed_us, expires_us = excluded.expires_us",
		     9, p, err, "store device");
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

static int pg_get_device(struct store *base, const struct ipaddr *ip, struct device *d, bool *found,
			 struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char text[IPADDR_STRLEN];
	const char *p[] = {text};
	PGresult *r;

	ipaddr_format(ip, text);
	r = pg_query(s,
		     "SELECT vendor, type, model, firmware, rule, evidence, probed_us, expires_us FROM devices"
		     " WHERE ip = $1",
		     1, p, err, "read device");
	if (!r)
		return -1;
	memset(d, 0, sizeof(*d));
	d->ip = *ip;
	*found = PQntuples(r) > 0;
	if (*found) {
		pg_fixed(r, 0, 0, d->vendor, sizeof(d->vendor));
		pg_fixed(r, 0, 1, d->type, sizeof(d->type));
		pg_fixed(r, 0, 2, d->model, sizeof(d->model));
		pg_fixed(r, 0, 3, d->firmware, sizeof(d->firmware));
		pg_fixed(r, 0, 4, d->rule, sizeof(d->rule));
		d->evidence = pg_dup(r, 0, 5);
		d->probed_us = pg_int(r, 0, 6);
		d->expires_us = pg_int(r, 0, 7);
	}
	PQclear(r);
	return 0;
}

static int pg_upsert_network(struct store *base, const struct network *n, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char asn[24];
	const char *p[] = {pg_itoa(n->asn, asn), text_or_null(n->name), text_or_null(n->cc),
			   text_or_null(n->abuse_contact)};
	PGresult *r = pg_query(s,
			       "INSERT INTO networks AS x (asn, name, cc, abuse_contact) VALUES ($1, $2, $3, $4)"
			       " ON CONFLICT (asn) DO UPDATE SET name = coalesce(excluded.name, x.name),"
			       " cc = coalesce(excluded.cc, x.cc),"
			       " abuse_contact = coalesce(excluded.abuse_contact, x.abuse_contact)",
			       4, p, err, "store network");

	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

static int pg_get_network(struct store *base, uint32_t asn, struct network *n, bool *found, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char asns[24];
	const char *p[] = {pg_itoa(asn, asns)};
	PGresult *r = pg_query(s, "SELECT name, cc, abuse_contact FROM networks WHERE asn = $1", 1, p, err,
			       "read network");

	if (!r)
		return -1;
	memset(n, 0, sizeof(*n));
	n->asn = asn;
	*found = PQntuples(r) > 0;
	if (*found) {
		pg_fixed(r, 0, 0, n->name, sizeof(n->name));
		pg_fixed(r, 0, 1, n->cc, sizeof(n->cc));
		pg_fixed(r, 0, 2, n->abuse_contact, sizeof(n->abuse_contact));
	}
	PQclear(r);
	return 0;
}

const struct store_inventory pg_inventory = {
	.upsert_device = pg_upsert_device,
	.get_device = pg_get_device,
	.upsert_network = pg_upsert_network,
	.get_network = pg_get_network,
};
