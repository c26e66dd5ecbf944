/* sqlite_inventory.c - the SQLite store's devices and networks. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "sqlite_internal.h"

static int sqlite_upsert_device(struct store *base, const struct device *d, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char ip[IPADDR_STRLEN];
	sqlite3_stmt *st;

	if (sqlite_prepare(s,
		    "INSERT INTO devices (ip, vendor, type, model, firmware, rule, evidence, probed_us, expires_us)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ip) DO UPDATE SET vendor = excluded.vendor,"
		    " type = excluded.type, model = excluded.model, firmware = excluded.firmware,"
		    " rule = excluded.rule, evidence = excluded.evidence, probed_us = excluded.probed_us,"
		    " expires_us = excluded.expires_us",
		    &st, err))
		return -1;
	ipaddr_format(&d->ip, ip);
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite_bind_text_or_null(st, 2, d->vendor);
	sqlite_bind_text_or_null(st, 3, d->type);
	sqlite_bind_text_or_null(st, 4, d->model);
	sqlite_bind_text_or_null(st, 5, d->firmware);
	sqlite_bind_text_or_null(st, 6, d->rule);
	sqlite_bind_text_or_null(st, 7, d->evidence);
	sqlite3_bind_int64(st, 8, d->probed_us);
	sqlite3_bind_int64(st, 9, d->expires_us);
	int rc = sqlite_step_done(s, st, err, "store device");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_get_device(struct store *base, const struct ipaddr *ip, struct device *d, bool *found,
			     struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[IPADDR_STRLEN];
	sqlite3_stmt *st;
	int step;

	if (sqlite_prepare(s,
		    "SELECT vendor, type, model, firmware, rule, evidence, probed_us, expires_us FROM devices"
		    " WHERE ip = ?",
		    &st, err))
		return -1;
	ipaddr_format(ip, text);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	memset(d, 0, sizeof(*d));
	d->ip = *ip;
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found) {
		sqlite_column_fixed(st, 0, d->vendor, sizeof(d->vendor));
		sqlite_column_fixed(st, 1, d->type, sizeof(d->type));
		sqlite_column_fixed(st, 2, d->model, sizeof(d->model));
		sqlite_column_fixed(st, 3, d->firmware, sizeof(d->firmware));
		sqlite_column_fixed(st, 4, d->rule, sizeof(d->rule));
		d->evidence = sqlite_column_dup(st, 5);
		d->probed_us = sqlite3_column_int64(st, 6);
		d->expires_us = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sqlite_db_error(s, err, "read device");
	return 0;
}

static int sqlite_upsert_network(struct store *base, const struct network *n, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;

	if (sqlite_prepare(s,
		    "INSERT INTO networks (asn, name, cc, abuse_contact) VALUES (?, ?, ?, ?) ON CONFLICT(asn) DO"
		    " UPDATE SET name = coalesce(excluded.name, name), cc = coalesce(excluded.cc, cc),"
		    " abuse_contact = coalesce(excluded.abuse_contact, abuse_contact)",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, n->asn);
	sqlite_bind_text_or_null(st, 2, n->name);
	sqlite_bind_text_or_null(st, 3, n->cc);
	sqlite_bind_text_or_null(st, 4, n->abuse_contact);
	int rc = sqlite_step_done(s, st, err, "store network");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_get_network(struct store *base, uint32_t asn, struct network *n, bool *found,
			      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int step;

	if (sqlite_prepare(s, "SELECT name, cc, abuse_contact FROM networks WHERE asn = ?", &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, asn);
	memset(n, 0, sizeof(*n));
	n->asn = asn;
	step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found) {
		sqlite_column_fixed(st, 0, n->name, sizeof(n->name));
		sqlite_column_fixed(st, 1, n->cc, sizeof(n->cc));
		sqlite_column_fixed(st, 2, n->abuse_contact, sizeof(n->abuse_contact));
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sqlite_db_error(s, err, "read network");
	return 0;
}


const struct store_inventory sqlite_inventory = {
	.upsert_device = sqlite_upsert_device,
	.get_device = sqlite_get_device,
	.upsert_network = sqlite_upsert_network,
	.get_network = sqlite_get_network,
};
