/* store.h - the evidence store, as an interface.
 *
 * Callers see only these types and the store_* wrappers; the SQLite
 * implementation (sqlite_store.c) is the embedded default, and a PostgreSQL
 * one can be added as another `struct store_ops` without changing callers.
 *
 * Conventions: every function returns 0 or -1 with a message in err.
 * Query functions call back once per row in a stable order; a callback that
 * returns non-zero stops the query, which then returns that value. Row
 * structs passed to callbacks are valid only during the call. */
#ifndef IOTMON_STORE_H
#define IOTMON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enrichment.h"
#include "core/err.h"
#include "core/event.h"
#include "core/ipaddr.h"

/* Evidence kinds as bits, for observations. */
#define KIND_BIT(k) (1u << (k))
/* The kinds that make a source an infected host on a day (issue: who is
 * listed): a login attempt, an exploit, a download, or a telescope scan. A
 * bare connection or a command alone is not enough. */
#define KINDS_INFECTED (KIND_BIT(EVENT_SCAN) | KIND_BIT(EVENT_LOGIN) | KIND_BIT(EVENT_EXPLOIT) | KIND_BIT(EVENT_DOWNLOAD))

struct event_filter {
	int64_t since_us, until_us; /* [since, until); INT64_MIN / INT64_MAX for open */
	int kind; /* enum event_kind, or -1 for any */
	bool has_src;
	struct ipaddr src;
	const char *family; /* NULL for any; "unknown" matches no family */
	const char *session; /* NULL for any */
	uint64_t limit; /* 0 for no limit */
};

/* One infected source IP on one UTC day. */
struct observation {
	struct ipaddr ip;
	int64_t day; /* UTC days since the epoch */
	int64_t first_us, last_us;
	uint32_t kinds; /* KIND_BIT()s of the evidence seen that day */
	uint32_t events; /* qualifying events that day */
	char family[EVENT_FAMILY_MAX]; /* "" unknown */
	struct enrichment net; /* asn 0 / "" when not enriched */
	char source[16]; /* "sensor" or "import" */
	char treatment[32]; /* notification group, "" none */
};

struct obs_filter {
	int64_t day_from, day_to; /* inclusive; INT64_MIN / INT64_MAX for open */
	bool has_asn;
	uint32_t asn;
	const char *cc; /* NULL for any */
	bool has_ip;
	struct ipaddr ip;
	bool by_ip; /* order by (ip, day) instead of (day, ip): episodes */
	bool episode_fields; /* fill only ip, day, family, net.asn, net.cc and
				treatment (the rest zero): a faster scan */
};

/* What probing learnt about a host. */
struct device {
	struct ipaddr ip;
	char vendor[64], type[32], model[64], firmware[64];
	char rule[128]; /* the signature rule that matched, with its source */
	char *evidence; /* owned JSON text (banners, headers), may be NULL */
	int64_t probed_us, expires_us;
};

struct network {
	uint32_t asn;
	char name[128];
	char cc[3];
	char abuse_contact[256];
};

/* A unit (an IP, or a network as "AS<n>") assigned to a treatment group of
 * a notification experiment (iotmon treatment assign). */
struct treatment {
	char unit[IPADDR_STRLEN];
	char unit_kind[8]; /* "ip" or "network" */
	char group[32];
	char stratum[32]; /* what the randomization was stratified by */
	uint64_t seed;
	int64_t day; /* UTC day of the assignment; episodes ending before it are not treated */
};

/* One notification sent about an infected IP (a delivered feed row, an
 * email, a walled-garden redirect): who, on which day, by which channel. */
struct notification {
	struct ipaddr ip;
	int64_t day;
	char channel[32];
};

/* An observation with what the store knows beside it (feeds, reports). */
struct observation_detail {
	const struct observation *obs;
	const struct device *device; /* NULL when the IP was never characterized */
	const struct network *network; /* NULL when the ASN has no networks row */
};

/* One attempt to hand a day's feed of a network to its abuse contact. */
struct delivery {
	int64_t day;
	uint32_t asn;
	char format[16];
	char recipient[256];
	char sha256[65]; /* of the bytes delivered (or tried) */
	char status[16]; /* "sent" or "failed" */
	uint32_t attempts;
	char last_error[256];
	int64_t updated_us;
};

struct store;

struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	/* Inserts n events in one transaction. Known events (same event_uid)
	 * are skipped; *inserted (may be NULL) gets the number of new ones. New
	 * qualifying events update the observation of (src, day); enr (may be
	 * NULL) enriches observations as they are made. */
	int (*insert_events)(struct store *s, const struct event *evs, size_t n, const struct enricher *enr,
			     size_t *inserted, struct err *err);
	int (*query_events)(struct store *s, const struct event_filter *f,
			    int (*cb)(const struct event *ev, void *arg), void *arg, struct err *err);
	int (*query_observations)(struct store *s, const struct obs_filter *f,
				  int (*cb)(const struct observation *o, void *arg), void *arg, struct err *err);
	/* Inserts or merges one observation (imports); kinds and counts add up,
	 * first/last widen, enrichment and treatment are set when given. */
	int (*upsert_observation)(struct store *s, const struct observation *o, struct err *err);
	/* Replaces the enrichment of every observation of ip. */
	int (*set_enrichment)(struct store *s, const struct ipaddr *ip, const struct enrichment *net,
			      struct err *err);
	int (*upsert_device)(struct store *s, const struct device *d, struct err *err);
	/* *found = false when the IP has no device row; d->evidence is owned by
	 * the caller afterwards. */
	int (*get_device)(struct store *s, const struct ipaddr *ip, struct device *d, bool *found,
			  struct err *err);
	int (*upsert_network)(struct store *s, const struct network *n, struct err *err);
	int (*get_network)(struct store *s, uint32_t asn, struct network *n, bool *found, struct err *err);
	/* Upserts n observations in one transaction; *inserted (may be NULL)
	 * gets the number of new (ip, day) rows. Observations with source
	 * "import" merge idempotently: an existing row keeps its times and
	 * counts and only gains missing family, enrichment and treatment, so
	 * importing the same file twice changes nothing. */
	int (*upsert_observations)(struct store *s, const struct observation *o, size_t n, size_t *inserted,
				   struct err *err);
	/* First and last day with any observation; *found = false when none. */
	int (*observation_span)(struct store *s, int64_t *first_day, int64_t *last_day, bool *found,
				struct err *err);
	/* Records n assignments in one transaction, each unless its unit
	 * already has one (added[i], when added is not NULL, says which): an
	 * experiment's groups never change once set. */
	int (*put_treatments)(struct store *s, const struct treatment *t, size_t n, bool *added, struct err *err);
	int (*query_treatments)(struct store *s, int (*cb)(const struct treatment *t, void *arg), void *arg,
				struct err *err);
	/* Records a notification; the same (ip, day, channel) twice is one. */
	int (*record_notification)(struct store *s, const struct notification *n, bool *added, struct err *err);
	int (*query_notifications)(struct store *s, int (*cb)(const struct notification *n, void *arg), void *arg,
				   struct err *err);
	/* set_enrichment for n addresses in one transaction (all or none). */
	int (*set_enrichment_many)(struct store *s, const struct ipaddr *ips, const struct enrichment *nets,
				   size_t n, struct err *err);
	/* Observations matching f in the order (day, asn, ip) (unenriched ASN
	 * 0 first), each with its device and network rows. (Events are not
	 * indexed by source: callers that need them per IP read the day's
	 * events once, in time order, with query_events.) */
	int (*query_observation_details)(struct store *s, const struct obs_filter *f,
					 int (*cb)(const struct observation_detail *d, void *arg), void *arg,
					 struct err *err);
	/* The delivery record of (day, asn, format, recipient); *found false when
	 * none was ever attempted. */
	int (*get_delivery)(struct store *s, int64_t day, uint32_t asn, const char *format, const char *recipient,
			    struct delivery *d, bool *found, struct err *err);
	/* Records an attempt: status, sha256, last_error and updated_us are
	 * replaced, attempts goes up by one. */
	int (*record_delivery)(struct store *s, const struct delivery *d, struct err *err);
	/* Atomically marks (day, asn, format, recipient) "sending" when it has
	 * no record, a "failed" one, or a "sending" one last updated before
	 * stale_us (a sender that died); *claimed says whether this caller may
	 * send. Two senders never both get the claim. */
	int (*claim_delivery)(struct store *s, const struct delivery *d, int64_t stale_us, bool *claimed,
			      struct err *err);
};

struct store {
	const struct store_ops *ops;
};

/* Open flags. */
#define STORE_CREATE 1 /* create a missing store and migrate it (writers) */

/* Opens the store named by target: a file path means SQLite. A missing file
 * without STORE_CREATE, a file that is not a database, and a schema newer
 * than this build are errors; nothing is overwritten. */
struct store *store_open(const char *target, int flags, struct err *err);
void store_close(struct store *s);

static inline int store_insert_events(struct store *s, const struct event *evs, size_t n,
				      const struct enricher *enr, size_t *inserted, struct err *err)
{
	return s->ops->insert_events(s, evs, n, enr, inserted, err);
}

static inline int store_query_events(struct store *s, const struct event_filter *f,
				     int (*cb)(const struct event *, void *), void *arg, struct err *err)
{
	return s->ops->query_events(s, f, cb, arg, err);
}

static inline int store_query_observations(struct store *s, const struct obs_filter *f,
					   int (*cb)(const struct observation *, void *), void *arg,
					   struct err *err)
{
	return s->ops->query_observations(s, f, cb, arg, err);
}

static inline int store_upsert_observation(struct store *s, const struct observation *o, struct err *err)
{
	return s->ops->upsert_observation(s, o, err);
}

static inline int store_set_enrichment(struct store *s, const struct ipaddr *ip,
				       const struct enrichment *net, struct err *err)
{
	return s->ops->set_enrichment(s, ip, net, err);
}

static inline int store_upsert_device(struct store *s, const struct device *d, struct err *err)
{
	return s->ops->upsert_device(s, d, err);
}

static inline int store_get_device(struct store *s, const struct ipaddr *ip, struct device *d, bool *found,
				   struct err *err)
{
	return s->ops->get_device(s, ip, d, found, err);
}

static inline int store_upsert_network(struct store *s, const struct network *n, struct err *err)
{
	return s->ops->upsert_network(s, n, err);
}

static inline int store_get_network(struct store *s, uint32_t asn, struct network *n, bool *found,
				    struct err *err)
{
	return s->ops->get_network(s, asn, n, found, err);
}

static inline int store_upsert_observations(struct store *s, const struct observation *o, size_t n,
					    size_t *inserted, struct err *err)
{
	return s->ops->upsert_observations(s, o, n, inserted, err);
}

static inline int store_observation_span(struct store *s, int64_t *first_day, int64_t *last_day, bool *found,
					 struct err *err)
{
	return s->ops->observation_span(s, first_day, last_day, found, err);
}

static inline int store_put_treatments(struct store *s, const struct treatment *t, size_t n, bool *added,
				       struct err *err)
{
	return s->ops->put_treatments(s, t, n, added, err);
}

static inline int store_query_treatments(struct store *s, int (*cb)(const struct treatment *, void *), void *arg,
					 struct err *err)
{
	return s->ops->query_treatments(s, cb, arg, err);
}

static inline int store_record_notification(struct store *s, const struct notification *n, bool *added,
					    struct err *err)
{
	return s->ops->record_notification(s, n, added, err);
}

static inline int store_query_notifications(struct store *s, int (*cb)(const struct notification *, void *),
					    void *arg, struct err *err)
{
	return s->ops->query_notifications(s, cb, arg, err);
}

static inline int store_set_enrichment_many(struct store *s, const struct ipaddr *ips,
					    const struct enrichment *nets, size_t n, struct err *err)
{
	return s->ops->set_enrichment_many(s, ips, nets, n, err);
}

static inline int store_query_observation_details(struct store *s, const struct obs_filter *f,
						  int (*cb)(const struct observation_detail *, void *), void *arg,
						  struct err *err)
{
	return s->ops->query_observation_details(s, f, cb, arg, err);
}

static inline int store_get_delivery(struct store *s, int64_t day, uint32_t asn, const char *format,
				     const char *recipient, struct delivery *d, bool *found, struct err *err)
{
	return s->ops->get_delivery(s, day, asn, format, recipient, d, found, err);
}

static inline int store_record_delivery(struct store *s, const struct delivery *d, struct err *err)
{
	return s->ops->record_delivery(s, d, err);
}

static inline int store_claim_delivery(struct store *s, const struct delivery *d, int64_t stale_us, bool *claimed,
				       struct err *err)
{
	return s->ops->claim_delivery(s, d, stale_us, claimed, err);
}

/* Filters that match everything. */
void event_filter_init(struct event_filter *f);
void obs_filter_init(struct obs_filter *f);

/* Implementations. */
struct store *sqlite_store_open(const char *path, int flags, struct err *err);

#endif
