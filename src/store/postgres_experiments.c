/* postgres_experiments.c - the PostgreSQL store's notification experiments:
 * treatment assignments and notifications. */
#include <string.h>

#include "core/timeutil.h"
#include "postgres_internal.h"

static int pg_put_treatments(struct store *base, const struct treatment *t, size_t n, bool *added,
			     struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;

	if (pg_begin(s, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char seed[24], day[24];
		const char *p[] = {t[i].unit,  t[i].unit_kind, t[i].group, t[i].stratum, pg_itoa((int64_t)t[i].seed, seed),
				   pg_itoa(t[i].day, day)};
		PGresult *r = pg_query(s,
				       "INSERT INTO treatments (unit, unit_kind, grp, stratum, seed, day)"
				       " VALUES ($1, $2, $3, $4, $5, " PG_DATE("$6") ") ON CONFLICT DO NOTHING",
				       6, p, err, "store treatment");

		if (!r) {
			pg_rollback(s);
			return -1;
		}
		if (added)
			added[i] = strcmp(PQcmdTuples(r), "0") != 0;
		PQclear(r);
	}
	return pg_commit(s, err);
}

struct walk {
	int (*treatment)(const struct treatment *, void *);
	int (*notification)(const struct notification *, void *);
	void *arg;
};

static int treatment_row(const PGresult *r, void *arg)
{
	struct walk *w = arg;
	struct treatment t;

	memset(&t, 0, sizeof(t));
	pg_fixed(r, 0, 0, t.unit, sizeof(t.unit));
	pg_fixed(r, 0, 1, t.unit_kind, sizeof(t.unit_kind));
	pg_fixed(r, 0, 2, t.group, sizeof(t.group));
	pg_fixed(r, 0, 3, t.stratum, sizeof(t.stratum));
	t.seed = (uint64_t)pg_int(r, 0, 4);
	t.day = pg_int(r, 0, 5);
	return w->treatment(&t, w->arg);
}

static int pg_query_treatments(struct store *base, int (*cb)(const struct treatment *, void *), void *arg,
			       struct err *err)
{
	struct walk w = {.treatment = cb, .arg = arg};

	return pg_stream((struct pg_store *)base,
			 "SELECT unit, unit_kind, grp, stratum, seed, " PG_DAYS("day") " FROM treatments"
			 " ORDER BY unit_kind COLLATE \"C\", unit COLLATE \"C\"",
			 0, NULL, treatment_row, &w, err, "query treatments");
}

static int pg_record_notification(struct store *base, const struct notification *n, bool *added,
				  struct err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	char ip[IPADDR_STRLEN], day[24], now[24];
	const char *p[] = {ip, pg_itoa(n->day, day), n->channel, pg_itoa(time_now_us(), now)};
	PGresult *r;

	ipaddr_format(&n->ip, ip);
	r = pg_query(s,
		     "INSERT INTO notifications (ip, day, channel, recorded_us) VALUES ($1, " PG_DATE("$2") ", $3, $4)"
		     " ON CONFLICT DO NOTHING",
		     4, p, err, "record notification");
	if (!r)
		return -1;
	if (added)
		*added = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	return 0;
}

static int notification_row(const PGresult *r, void *arg)
{
	struct walk *w = arg;
	struct notification n;

	memset(&n, 0, sizeof(n));
	pg_ip(r, 0, 0, &n.ip);
	n.day = pg_int(r, 0, 1);
	pg_fixed(r, 0, 2, n.channel, sizeof(n.channel));
	return w->notification(&n, w->arg);
}

static int pg_query_notifications(struct store *base, int (*cb)(const struct notification *, void *), void *arg,
				  struct err *err)
{
	struct walk w = {.notification = cb, .arg = arg};

	return pg_stream((struct pg_store *)base,
			 "SELECT host(ip), " PG_DAYS("day") ", channel FROM notifications"
			 " ORDER BY " PG_IP_ORDER("ip") ", day, channel COLLATE \"C\"",
			 0, NULL, notification_row, &w, err, "query notifications");
}

const struct store_experiments pg_experiments = {
	.put_treatments = pg_put_treatments,
	.query_treatments = pg_query_treatments,
	.record_notification = pg_record_notification,
	.query_notifications = pg_query_notifications,
};
