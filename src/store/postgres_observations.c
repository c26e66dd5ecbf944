/* postgres_observations.c - the PostgreSQL store's observations: queries (by
 * day or by IP), the detail join for feeds, merges, imports, enrichment.
 * Orders are those of the SQLite store: days, then addresses as text in
 * byte order, unenriched (NULL) networks first. */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "obs_detail.h"
#include "postgres_internal.h"

/* Text parameters of an observation in PG_OBS_COLUMNS order ("" optional
 * text and ASN 0 are NULL, as the SQLite store binds them). */
struct obs_params {
	char ip[IPADDR_STRLEN], day[24], first[24], last[24], kinds[24], events[24], asn[24], enriched[24];
	const char *v[13];
};

static void obs_params(struct obs_params *p, const struct observation *o)
{
	ipaddr_format(&o->ip, p->ip);
	p->v[0] = p->ip;
	p->v[1] = pg_itoa(o->day, p->day);
	p->v[2] = pg_itoa(o->first_us, p->first);
	p->v[3] = pg_itoa(o->last_us, p->last);
	p->v[4] = pg_itoa(o->kinds, p->kinds);
	p->v[5] = pg_itoa(o->events, p->events);
	p->v[6] = o->family;
	p->v[7] = o->net.asn ? pg_itoa(o->net.asn, p->asn) : NULL;
	p->v[8] = o->net.as_name[0] ? o->net.as_name : NULL;
	p->v[9] = o->net.cc[0] ? o->net.cc : NULL;
	p->v[10] = o->net.asn || o->net.cc[0] ? pg_itoa(o->net.data_time_us, p->enriched) : NULL;
	p->v[11] = o->source[0] ? o->source : "sensor";
	p->v[12] = o->treatment;
}

#define OBS_VALUES "($1::inet, " PG_DATE("$2") ", $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"

static int merge_observation(struct pg_store *s, const struct observation *o, struct err *err)
{
	struct obs_params p;
	PGresult *r;

	obs_params(&p, o);
	r = pg_query(s, "INSERT INTO observations AS o (" PG_OBS_COLUMNS ") VALUES " OBS_VALUES PG_OBS_MERGE, 13, p.v,
		     err, "record observation");
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

/* An imported observation: a new row, or missing details filled into the
 * existing one; *added says which. Imports never add up counts. */
static int import_observation(struct pg_store *s, const struct observation *o, bool *added, struct err *err)
{
	struct obs_params p;
	const char *fill[8];
	PGresult *r;

	obs_params(&p, o);
	r = pg_query(s, "INSERT INTO observations (" PG_OBS_COLUMNS ") VALUES " OBS_VALUES " ON CONFLICT DO NOTHING",
		     13, p.v, err, "import observation");
	if (!r)
		return -1;
	*added = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	if (*added)
		return 0;
	fill[0] = p.v[0];
	fill[1] = p.v[1];
	memcpy(fill + 2, p.v + 6, 5 * sizeof(*fill)); /* family, asn, as_name, cc, enriched_us */
	fill[7] = p.v[12];
	r = pg_query(s,
		     "UPDATE observations SET family = CASE WHEN family = '' THEN $3 ELSE family END,"
		     " asn = coalesce(asn, $4::bigint), as_name = coalesce(as_name, $5), cc = coalesce(cc, $6),"
		     " enriched_us = coalesce(enriched_us, $7::bigint),"
		     " treatment = CASE WHEN treatment = '' THEN $8 ELSE treatment END"
		     " WHERE ip = $1::inet AND day = " PG_DATE("$2"),
		     8, fill, err, "import observation");
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

static int pg_upsert_observation(struct store *base, const struct observation *o, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	bool added;

	if (strcmp(o->source, "import") == 0)
		return import_observation(s, o, &added, err);
	return merge_observation(s, o, err);
}

static int pg_upsert_observations(struct store *base, const struct observation *o, size_t n, size_t *inserted,
				  struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	size_t added = 0;
	bool add;

	if (pg_begin(s, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(o[i].source, "import") == 0) {
			if (import_observation(s, &o[i], &add, err))
				goto fail;
			added += add;
		} else if (merge_observation(s, &o[i], err)) {
			goto fail;
		}
	}
	if (pg_commit(s, err))
		return -1;
	if (inserted)
		*inserted = added;
	return 0;
fail:
	pg_rollback(s);
	return -1;
}

static int pg_observation_span(struct store *base, int64_t *first_day, int64_t *last_day, bool *found,
			       struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = pg_query(s,
			       "SELECT " PG_DAYS("(SELECT min(day) FROM observations)") ", " PG_DAYS(
				       "(SELECT max(day) FROM observations)"),
			       0, NULL, err, "read observation days");

	if (!r)
		return -1;
	*found = !pg_null(r, 0, 0);
	if (*found) {
		*first_day = pg_int(r, 0, 0);
		*last_day = pg_int(r, 0, 1);
	}
	PQclear(r);
	return 0;
}

static int set_enrichment(struct pg_store *s, const struct ipaddr *ip, const struct enrichment *net,
			  struct err *err)
{
	char text[IPADDR_STRLEN], asn[24], when[24];
	const char *p[] = {net->asn ? pg_itoa(net->asn, asn) : NULL, net->as_name[0] ? net->as_name : NULL,
			   net->cc[0] ? net->cc : NULL, pg_itoa(net->data_time_us, when), text};
	PGresult *r;

	ipaddr_format(ip, text);
	r = pg_query(s, "UPDATE observations SET asn = $1, as_name = $2, cc = $3, enriched_us = $4 WHERE ip = $5::inet",
		     5, p, err, "update enrichment");
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

static int pg_set_enrichment(struct store *base, const struct ipaddr *ip, const struct enrichment *net,
			     struct err *err)
{
	return set_enrichment((struct pg_store *)base, ip, net, err);
}

static int pg_set_enrichment_many(struct store *base, const struct ipaddr *ips, const struct enrichment *nets,
				  size_t n, struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;

	if (pg_begin(s, err))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (set_enrichment(s, &ips[i], &nets[i], err)) {
			pg_rollback(s);
			return -1;
		}
	return pg_commit(s, err);
}

/* WHERE clause and parameters of an obs_filter; columns of alias a ("" or
 * "o."). Only the bounds that are set. */
struct obs_where {
	char sql[320], from[24], to[24], asn[24], ip[IPADDR_STRLEN];
	const char *v[5];
	int n;
};

static void obs_where(struct obs_where *w, const struct obs_filter *f, const char *a)
{
	size_t off = 0;

	w->n = 0;
	w->sql[0] = '\0';
#define ADD(cond, value)                                                                                        \
	do {                                                                                                    \
		w->v[w->n++] = (value);                                                                         \
		off += (size_t)snprintf(w->sql + off, sizeof(w->sql) - off, " %s %s" cond, w->n == 1 ? "WHERE" : "AND", \
					a, w->n);                                                               \
	} while (0)
	if (f->day_from != INT64_MIN)
		ADD("day >= " PG_DATE("$%d"), pg_itoa(f->day_from, w->from));
	if (f->day_to != INT64_MAX)
		ADD("day <= " PG_DATE("$%d"), pg_itoa(f->day_to, w->to));
	if (f->has_asn)
		ADD("asn = $%d", pg_itoa(f->asn, w->asn));
	if (f->cc)
		ADD("cc = $%d", f->cc);
	if (f->has_ip) {
		ipaddr_format(&f->ip, w->ip);
		ADD("ip = $%d::inet", w->ip);
	}
#undef ADD
}

struct obs_walk {
	const struct obs_filter *f;
	int (*cb)(const struct observation *, void *);
	int (*detail)(const struct observation_detail *, void *);
	void *arg;
};

/* Columns 0-12: an observation in PG_OBS_COLUMNS order. */
static void row_to_observation(const PGresult *r, struct observation *o, bool episode_fields)
{
	memset(o, 0, sizeof(*o));
	pg_ip(r, 0, 0, &o->ip);
	o->day = pg_int(r, 0, 1);
	pg_fixed(r, 0, 6, o->family, sizeof(o->family));
	o->net.asn = (uint32_t)pg_int(r, 0, 7);
	pg_fixed(r, 0, 9, o->net.cc, sizeof(o->net.cc));
	pg_fixed(r, 0, 12, o->treatment, sizeof(o->treatment));
	if (episode_fields)
		return;
	o->first_us = pg_int(r, 0, 2);
	o->last_us = pg_int(r, 0, 3);
	o->kinds = (uint32_t)pg_int(r, 0, 4);
	o->events = (uint32_t)pg_int(r, 0, 5);
	pg_fixed(r, 0, 8, o->net.as_name, sizeof(o->net.as_name));
	o->net.data_time_us = pg_int(r, 0, 10);
	pg_fixed(r, 0, 11, o->source, sizeof(o->source));
}

#define SELECT_OBS(a)                                                                                          \
	"SELECT host(" a "ip), " PG_DAYS(a "day") ", " a "first_us, " a "last_us, " a "kinds, " a "events, " a \
	"family, " a "asn, " a "as_name, " a "cc, " a "enriched_us, " a "source, " a "treatment"

static int observation_row(const PGresult *r, void *arg)
{
	struct obs_walk *w = arg;
	struct observation o;

	row_to_observation(r, &o, w->f->episode_fields);
	return w->cb(&o, w->arg);
}

static int pg_query_observations(struct store *base, const struct obs_filter *f,
				 int (*cb)(const struct observation *, void *), void *arg, struct err *err)
{
	struct obs_walk walk = {.f = f, .cb = cb, .arg = arg};
	struct obs_where w;
	char sql[1024];

	obs_where(&w, f, "");
	snprintf(sql, sizeof(sql), SELECT_OBS("") " FROM observations%s ORDER BY %s", w.sql,
		 f->by_ip ? PG_IP_ORDER("ip") ", day" : "day, " PG_IP_ORDER("ip"));
	return pg_stream((struct pg_store *)base, sql, w.n, w.v, observation_row, &walk, err, "query observations");
}

static bool pg_flag_at(const void *row, int col)
{
	return strcmp(PQgetvalue(row, 0, col), "t") == 0;
}

static int64_t pg_int_at(const void *row, int col)
{
	return pg_int(row, 0, col);
}

static void pg_text_at(const void *row, int col, char *dst, size_t size)
{
	pg_fixed(row, 0, col, dst, size);
}

static const struct column_reader pg_columns = {pg_flag_at, pg_int_at, pg_text_at};

static int detail_row(const PGresult *r, void *arg)
{
	struct obs_walk *w = arg;
	struct observation o;
	struct device dev;
	struct network net;
	struct observation_detail d = {.obs = &o};

	row_to_observation(r, &o, false);
	obs_detail_read(&pg_columns, r, 13, &d, &dev, &net);
	return w->detail(&d, w->arg);
}

static int pg_query_observation_details(struct store *base, const struct obs_filter *f,
					int (*cb)(const struct observation_detail *, void *), void *arg,
					struct err *err)
{
	struct obs_walk walk = {.f = f, .detail = cb, .arg = arg};
	struct obs_where w;
	char sql[1536];

	obs_where(&w, f, "o.");
	snprintf(sql, sizeof(sql),
		 SELECT_OBS("o.") ", d.ip IS NOT NULL, d.vendor, d.type, d.model, d.firmware, d.rule, d.probed_us,"
				  " d.expires_us, n.asn IS NOT NULL, n.name, n.cc, n.abuse_contact"
				  " FROM observations o LEFT JOIN devices d ON d.ip = o.ip"
				  " LEFT JOIN networks n ON n.asn = o.asn%s"
				  " ORDER BY o.day, o.asn NULLS FIRST, " PG_IP_ORDER("o.ip"),
		 w.sql);
	return pg_stream((struct pg_store *)base, sql, w.n, w.v, detail_row, &walk, err,
			 "query observation details");
}

const struct store_observations pg_observations = {
	.query_observations = pg_query_observations,
	.query_observation_details = pg_query_observation_details,
	.upsert_observation = pg_upsert_observation,
	.upsert_observations = pg_upsert_observations,
	.set_enrichment = pg_set_enrichment,
	.set_enrichment_many = pg_set_enrichment_many,
	.observation_span = pg_observation_span,
};
