/* sqlite_observations.c - the SQLite store's observations: queries (by
 * day or by IP), the detail join for feeds, merges, imports, enrichment. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "obs_detail.h"
#include "sqlite_internal.h"

void sqlite_bind_observation(sqlite3_stmt *st, const struct observation *o)
{
	char ip[IPADDR_STRLEN], day[11];

	ipaddr_format(&o->ip, ip);
	time_format_day(o->day, day);
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, o->first_us);
	sqlite3_bind_int64(st, 4, o->last_us);
	sqlite3_bind_int64(st, 5, o->kinds);
	sqlite3_bind_int64(st, 6, o->events);
	sqlite3_bind_text(st, 7, o->family, -1, SQLITE_TRANSIENT);
	if (o->net.asn)
		sqlite3_bind_int64(st, 8, o->net.asn);
	else
		sqlite3_bind_null(st, 8);
	sqlite_bind_text_or_null(st, 9, o->net.as_name);
	sqlite_bind_text_or_null(st, 10, o->net.cc);
	if (o->net.asn || o->net.cc[0])
		sqlite3_bind_int64(st, 11, o->net.data_time_us);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_text(st, 12, o->source[0] ? o->source : "sensor", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, o->treatment, -1, SQLITE_TRANSIENT);
}

/* Binds an obs_filter to the placeholders its WHERE clause has, in this
 * order: day from, day to, then asn, cc and ip when the filter sets them. */
static void sqlite_bind_obs_filter(sqlite3_stmt *st, const struct obs_filter *f)
{
	char from[11] = "0000-00-00", to[11] = "9999-99-99", ip[IPADDR_STRLEN];
	int i = 1;

	if (f->day_from != INT64_MIN)
		time_format_day(f->day_from, from);
	if (f->day_to != INT64_MAX)
		time_format_day(f->day_to, to);
	sqlite3_bind_text(st, i++, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, to, -1, SQLITE_TRANSIENT);
	if (f->has_asn)
		sqlite3_bind_int64(st, i++, f->asn);
	if (f->cc)
		sqlite3_bind_text(st, i++, f->cc, -1, SQLITE_TRANSIENT);
	if (f->has_ip) {
		ipaddr_format(&f->ip, ip);
		sqlite3_bind_text(st, i++, ip, -1, SQLITE_TRANSIENT);
	}
}

static int sqlite_query_observations(struct store *base, const struct obs_filter *f,
				     int (*cb)(const struct observation *, void *), void *arg, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char sql[1024], prev_text[IPADDR_STRLEN];
	struct ipaddr prev_ip = {0};
	sqlite3_stmt *st;
	int rc = 0, step, prev_len = -1;

	/* By IP, "+day" keeps the planner on the primary key (ip, day), which
	 * yields rows in order without sorting millions of them. */
	snprintf(sql, sizeof(sql),
		 "SELECT ip, day, family, asn, cc, treatment%s FROM observations WHERE %s >= ? AND %s <= ?%s%s%s"
		 " ORDER BY %s",
		 f->episode_fields ? "" : ", first_us, last_us, kinds, events, as_name, enriched_us, source",
		 f->by_ip ? "+day" : "day", f->by_ip ? "+day" : "day", f->has_asn ? " AND asn = ?" : "",
		 f->cc ? " AND cc = ?" : "", f->has_ip ? " AND ip = ?" : "", f->by_ip ? "ip, day" : "day, ip");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(s, err, "query observations");
	sqlite_bind_obs_filter(st, f);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct observation o;
		const unsigned char *day = sqlite3_column_text(st, 1);
		const unsigned char *iptext = sqlite3_column_text(st, 0);
		int iplen = sqlite3_column_bytes(st, 0);

		memset(&o, 0, sizeof(o));
		/* Rows by IP come in runs of one address: parse it once per run. */
		if (iptext && iplen == prev_len && memcmp(iptext, prev_text, (size_t)iplen) == 0) {
			o.ip = prev_ip;
		} else {
			sqlite_column_ip(st, 0, &o.ip);
			prev_ip = o.ip;
			prev_len = iplen < (int)sizeof(prev_text) ? iplen : -1;
			if (prev_len > 0)
				memcpy(prev_text, iptext, (size_t)prev_len);
		}
		if (day)
			time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 1), &o.day);
		sqlite_column_fixed(st, 2, o.family, sizeof(o.family));
		o.net.asn = (uint32_t)sqlite3_column_int64(st, 3);
		sqlite_column_fixed(st, 4, o.net.cc, sizeof(o.net.cc));
		sqlite_column_fixed(st, 5, o.treatment, sizeof(o.treatment));
		if (!f->episode_fields) {
			o.first_us = sqlite3_column_int64(st, 6);
			o.last_us = sqlite3_column_int64(st, 7);
			o.kinds = (uint32_t)sqlite3_column_int64(st, 8);
			o.events = (uint32_t)sqlite3_column_int64(st, 9);
			sqlite_column_fixed(st, 10, o.net.as_name, sizeof(o.net.as_name));
			o.net.data_time_us = sqlite3_column_int64(st, 11);
			sqlite_column_fixed(st, 12, o.source, sizeof(o.source));
		}
		rc = cb(&o, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sqlite_db_error(s, err, "query observations");
	sqlite3_finalize(st);
	return rc;
}

/* An imported observation: a new row, or missing details filled into the
 * existing one; *added says which. */
static int import_observation(struct sqlite_store *s, const struct observation *o, bool *added, struct err *err)
{
	sqlite_bind_observation(s->import_obs, o);
	if (sqlite_step_done(s, s->import_obs, err, "import observation"))
		return -1;
	*added = sqlite3_changes(s->db) > 0;
	if (*added)
		return 0;
	sqlite_bind_observation(s->import_obs_fill, o);
	return sqlite_step_done(s, s->import_obs_fill, err, "import observation");
}

static int sqlite_upsert_observation(struct store *base, const struct observation *o, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	bool added;

	if (strcmp(o->source, "import") == 0)
		return import_observation(s, o, &added, err);
	sqlite_bind_observation(s->upsert_obs, o);
	return sqlite_step_done(s, s->upsert_obs, err, "record observation");
}

static int sqlite_upsert_observations(struct store *base, const struct observation *o, size_t n, size_t *inserted,
				      struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	size_t added = 0;
	bool add;

	if (sqlite_exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(o[i].source, "import") == 0) {
			if (import_observation(s, &o[i], &add, err))
				goto fail;
			added += add;
		} else {
			sqlite_bind_observation(s->upsert_obs, &o[i]);
			if (sqlite_step_done(s, s->upsert_obs, err, "record observation"))
				goto fail;
		}
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

static int sqlite_observation_span(struct store *base, int64_t *first_day, int64_t *last_day, bool *found,
				   struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int step;

	/* min and max each come from one end of the day index. */
	if (sqlite_prepare(s, "SELECT (SELECT min(day) FROM observations), (SELECT max(day) FROM observations)", &st, err))
		return -1;
	*found = false;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *b = (const char *)sqlite3_column_text(st, 1);

		*found = a && b && time_parse_day(a, strlen(a), first_day) == 0 &&
			 time_parse_day(b, strlen(b), last_day) == 0;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return sqlite_db_error(s, err, "read observation days");
	return 0;
}

static int sqlite_set_enrichment(struct store *base, const struct ipaddr *ip, const struct enrichment *net,
				 struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char text[IPADDR_STRLEN];
	sqlite3_stmt *st;

	if (sqlite_prepare(s, "UPDATE observations SET asn = ?, as_name = ?, cc = ?, enriched_us = ? WHERE ip = ?", &st,
		    err))
		return -1;
	ipaddr_format(ip, text);
	if (net->asn)
		sqlite3_bind_int64(st, 1, net->asn);
	sqlite_bind_text_or_null(st, 2, net->as_name);
	sqlite_bind_text_or_null(st, 3, net->cc);
	sqlite3_bind_int64(st, 4, net->data_time_us);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_TRANSIENT);
	int rc = sqlite_step_done(s, st, err, "update enrichment");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_set_enrichment_many(struct store *base, const struct ipaddr *ips,
				      const struct enrichment *nets, size_t n, struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	/* One commit for the lot: a commit per address (synchronous=FULL)
	 * costs milliseconds each. */
	if (sqlite_exec(s, "BEGIN IMMEDIATE", err))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sqlite_set_enrichment(base, &ips[i], &nets[i], err)) {
			sqlite_exec(s, "ROLLBACK", NULL);
			return -1;
		}
	if (sqlite_exec(s, "COMMIT", err)) {
		sqlite_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static void row_to_observation(sqlite3_stmt *st, struct observation *o)
{
	const unsigned char *day = sqlite3_column_text(st, 1);

	memset(o, 0, sizeof(*o));
	sqlite_column_ip(st, 0, &o->ip);
	if (day)
		time_parse_day((const char *)day, (size_t)sqlite3_column_bytes(st, 1), &o->day);
	o->first_us = sqlite3_column_int64(st, 2);
	o->last_us = sqlite3_column_int64(st, 3);
	o->kinds = (uint32_t)sqlite3_column_int64(st, 4);
	o->events = (uint32_t)sqlite3_column_int64(st, 5);
	sqlite_column_fixed(st, 6, o->family, sizeof(o->family));
	o->net.asn = (uint32_t)sqlite3_column_int64(st, 7);
	sqlite_column_fixed(st, 8, o->net.as_name, sizeof(o->net.as_name));
	sqlite_column_fixed(st, 9, o->net.cc, sizeof(o->net.cc));
	o->net.data_time_us = sqlite3_column_int64(st, 10);
	sqlite_column_fixed(st, 11, o->source, sizeof(o->source));
	sqlite_column_fixed(st, 12, o->treatment, sizeof(o->treatment));
}

static bool sqlite_flag_at(const void *row, int col)
{
	return sqlite3_column_int((sqlite3_stmt *)row, col) != 0;
}

static int64_t sqlite_int_at(const void *row, int col)
{
	return sqlite3_column_int64((sqlite3_stmt *)row, col);
}

static void sqlite_text_at(const void *row, int col, char *dst, size_t size)
{
	sqlite_column_fixed((sqlite3_stmt *)row, col, dst, size);
}

static const struct column_reader sqlite_columns = {sqlite_flag_at, sqlite_int_at, sqlite_text_at};

static int sqlite_query_observation_details(struct store *base, const struct obs_filter *f,
					    int (*cb)(const struct observation_detail *, void *), void *arg,
					    struct err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char sql[1536];
	sqlite3_stmt *st;
	int rc = 0, step = SQLITE_DONE;

	snprintf(sql, sizeof(sql),
		 "SELECT o.ip, o.day, o.first_us, o.last_us, o.kinds, o.events, o.family, o.asn, o.as_name, o.cc,"
		 " o.enriched_us, o.source, o.treatment,"
		 " d.ip IS NOT NULL, d.vendor, d.type, d.model, d.firmware, d.rule, d.probed_us, d.expires_us,"
		 " n.asn IS NOT NULL, n.name, n.cc, n.abuse_contact"
		 " FROM observations o LEFT JOIN devices d ON d.ip = o.ip LEFT JOIN networks n ON n.asn = o.asn"
		 " WHERE o.day >= ? AND o.day <= ?%s%s%s ORDER BY o.day, o.asn, o.ip",
		 f->has_asn ? " AND o.asn = ?" : "", f->cc ? " AND o.cc = ?" : "", f->has_ip ? " AND o.ip = ?" : "");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_db_error(s, err, "query observation details");
	sqlite_bind_obs_filter(st, f);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct observation o;
		struct device dev;
		struct network net;
		struct observation_detail d = {.obs = &o};

		row_to_observation(st, &o);
		obs_detail_read(&sqlite_columns, st, 13, &d, &dev, &net);
		rc = cb(&d, arg);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sqlite_db_error(s, err, "query observation details");
	sqlite3_finalize(st);
	return rc;
}

const struct store_observations sqlite_observations = {
	.query_observations = sqlite_query_observations,
	.query_observation_details = sqlite_query_observation_details,
	.upsert_observation = sqlite_upsert_observation,
	.upsert_observations = sqlite_upsert_observations,
	.set_enrichment = sqlite_set_enrichment,
	.set_enrichment_many = sqlite_set_enrichment_many,
	.observation_span = sqlite_observation_span,
};
