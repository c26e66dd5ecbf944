/* store.h - the evidence store, as an interface.
 *
 * Callers see only these types and the store_* wrappers. A store is a set
 * of small role interfaces (writer, event queries, observations, inventory,
 * experiments, deliveries, tokens) filled by one backend from the table
 * store_backends: SQLite (sqlite_*.c, the embedded default) or PostgreSQL
 * (postgres_*.c, the central store).
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

/* An API access token (src/web/auth.h): the secret itself is never stored,
 * only its SHA-256 (hex). */
#define TOKEN_NAME_MAX 64
#define TOKEN_ASNS_MAX 64
struct api_token {
	int64_t id;
	char name[TOKEN_NAME_MAX];
	uint32_t asns[TOKEN_ASNS_MAX]; /* the networks this token may read */
	size_t nasns;
	int64_t created_us;
	int64_t revoked_us; /* 0 while valid */
};

/* Events of one sensor and kind (sensor health, /metrics). */
struct event_count {
	const char *sensor;
	enum event_kind kind;
	uint64_t events;
	uint64_t packets; /* sum of packets (scan events) */
	int64_t last_us; /* newest event */
};

struct store;

/* The store is a set of small role interfaces; a backend fills each one.
 * Callers use the store_* wrappers below, never the tables. */

/* Writes evidence (sensors, imports, the collector). */
struct store_event_writer {
	/* Inserts n events in one transaction. Known events (same event
	 * identity: time and event_uid) are skipped; *inserted (may be NULL)
	 * gets the number of new ones. New qualifying events update the
	 * observation of (src, day); enr (may be NULL) enriches observations
	 * as they are made. */
	int (*insert_events)(struct store *s, const struct event *evs, size_t n, const struct enricher *enr,
			     size_t *inserted, struct err *err);
	/* Retention: deletes every event of a UTC day before day (whole day
	 * partitions where the backend has them); *dropped (may be NULL) gets
	 * the number of days (PostgreSQL) or events (SQLite) removed.
	 * Observations are kept: they are the figures. */
	int (*drop_events_before)(struct store *s, int64_t day, uint64_t *dropped, struct err *err);
};

/* Reads evidence. */
struct store_event_queries {
	int (*query_events)(struct store *s, const struct event_filter *f,
			    int (*cb)(const struct event *ev, void *arg), void *arg, struct err *err);
	/* Counts events at or after since_us per (sensor, kind), by sensor then kind. */
	int (*count_events)(struct store *s, int64_t since_us, int (*cb)(const struct event_count *c, void *arg),
			    void *arg, struct err *err);
};

/* Infected sources per day: what every figure is made of. */
struct store_observations {
	int (*query_observations)(struct store *s, const struct obs_filter *f,
				  int (*cb)(const struct observation *o, void *arg), void *arg, struct err *err);
	/* Observations matching f in the order (day, asn, ip) (unenriched ASN
	 * 0 first), each with its device and network rows. (Events are not
	 * indexed by source: callers that need them per IP read the day's
	 * events once, in time order, with query_events.) */
	int (*query_observation_details)(struct store *s, const struct obs_filter *f,
					 int (*cb)(const struct observation_detail *d, void *arg), void *arg,
					 struct err *err);
	/* Inserts or merges one observation (imports); kinds and counts add up,
	 * first/last widen, enrichment and treatment are set when given. */
	int (*upsert_observation)(struct store *s, const struct observation *o, struct err *err);
	/* Upserts n observations in one transaction; *inserted (may be NULL)
	 * gets the number of new (ip, day) rows. Observations with source
	 * "import" merge idempotently: an existing row keeps its times and
	 * counts and only gains missing family, enrichment and treatment, so
	 * importing the same file twice changes nothing. */
	int (*upsert_observations)(struct store *s, const struct observation *o, size_t n, size_t *inserted,
				   struct err *err);
	/* Replaces the enrichment of every observation of ip. */
	int (*set_enrichment)(struct store *s, const struct ipaddr *ip, const struct enrichment *net,
			      struct err *err);
	/* set_enrichment for n addresses in one transaction (all or none). */
	int (*set_enrichment_many)(struct store *s, const struct ipaddr *ips, const struct enrichment *nets,
				   size_t n, struct err *err);
	/* First and last day with any observation; *found = false when none. */
	int (*observation_span)(struct store *s, int64_t *first_day, int64_t *last_day, bool *found,
				struct err *err);
};

/* What probing learnt about hosts, and the networks they sit in. */
struct store_inventory {
	int (*upsert_device)(struct store *s, const struct device *d, struct err *err);
	/* *found = false when the IP has no device row; d->evidence is owned by
	 * the caller afterwards. */
	int (*get_device)(struct store *s, const struct ipaddr *ip, struct device *d, bool *found,
			  struct err *err);
	int (*upsert_network)(struct store *s, const struct network *n, struct err *err);
	int (*get_network)(struct store *s, uint32_t asn, struct network *n, bool *found, struct err *err);
};

/* Notification experiments: treatment groups and notifications sent. */
struct store_experiments {
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
};

/* Feed deliveries to abuse contacts. */
struct store_deliveries {
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

/* API tokens: add (sets t->id), find a valid or revoked token by the hash
 * of its secret, list all, revoke by id (*found false when no such token). */
struct store_tokens {
	int (*add_token)(struct store *s, struct api_token *t, const char *hash_hex, struct err *err);
	int (*find_token)(struct store *s, const char *hash_hex, struct api_token *t, bool *found,
			  struct err *err);
	int (*list_tokens)(struct store *s, int (*cb)(const struct api_token *t, void *arg), void *arg,
			   struct err *err);
	int (*revoke_token)(struct store *s, int64_t id, int64_t when_us, bool *found, struct err *err);
};

/* Open flags. */
#define STORE_CREATE 1 /* create a missing store and migrate it (writers) */
#define STORE_READONLY 2 /* read only: never created, migrated or written */

/* One kind of store, chosen by the start of the target. */
struct store_backend {
	const char *name; /* "sqlite", "postgresql" */
	const char *const *schemes; /* target prefixes, NULL-ended; the first backend also takes plain paths */
	struct store *(*open)(const char *target, int flags, struct err *err);
};

struct store {
	const struct store_backend *backend;
	const char *name; /* for messages: the file, or the URL without its password */
	void (*close)(struct store *s);
	const struct store_event_writer *writer;
	const struct store_event_queries *events;
	const struct store_observations *observations;
	const struct store_inventory *inventory;
	const struct store_experiments *experiments;
	const struct store_deliveries *deliveries;
	const struct store_tokens *tokens;
};

/* The backends built in, ended by an entry whose name is NULL. */
extern const struct store_backend store_backends[];
/* The backend a target names (never NULL for a non-empty target). */
const struct store_backend *store_backend_for(const char *target);

/* Opens the store named by target: a file path or sqlite:PATH means
 * SQLite, postgresql://... or postgres://... (a libpq URI) PostgreSQL. A
 * missing or empty store without STORE_CREATE, a file that is not a
 * database, and a schema newer than this build are errors; nothing is
 * overwritten, and with STORE_READONLY nothing is written at all. */
struct store *store_open(const char *target, int flags, struct err *err);
void store_close(struct store *s);

static inline int store_insert_events(struct store *s, const struct event *evs, size_t n,
				      const struct enricher *enr, size_t *inserted, struct err *err)
{
	return s->writer->insert_events(s, evs, n, enr, inserted, err);
}

/* Retention ([store] retention_days): drops the events of UTC days more
 * than days before the day of now_us; days 0 keeps everything. Logs nothing. */
int store_apply_retention(struct store *s, int days, int64_t now_us, uint64_t *dropped, struct err *err);

static inline int store_drop_events_before(struct store *s, int64_t day, uint64_t *dropped, struct err *err)
{
	return s->writer->drop_events_before(s, day, dropped, err);
}

static inline int store_query_events(struct store *s, const struct event_filter *f,
				     int (*cb)(const struct event *, void *), void *arg, struct err *err)
{
	return s->events->query_events(s, f, cb, arg, err);
}

static inline int store_count_events(struct store *s, int64_t since_us,
				     int (*cb)(const struct event_count *, void *), void *arg, struct err *err)
{
	return s->events->count_events(s, since_us, cb, arg, err);
}

static inline int store_query_observations(struct store *s, const struct obs_filter *f,
					   int (*cb)(const struct observation *, void *), void *arg,
					   struct err *err)
{
	return s->observations->query_observations(s, f, cb, arg, err);
}

static inline int store_query_observation_details(struct store *s, const struct obs_filter *f,
						  int (*cb)(const struct observation_detail *, void *), void *arg,
						  struct err *err)
{
	return s->observations->query_observation_details(s, f, cb, arg, err);
}

static inline int store_upsert_observation(struct store *s, const struct observation *o, struct err *err)
{
	return s->observations->upsert_observation(s, o, err);
}

static inline int store_upsert_observations(struct store *s, const struct observation *o, size_t n,
					    size_t *inserted, struct err *err)
{
	return s->observations->upsert_observations(s, o, n, inserted, err);
}

static inline int store_set_enrichment(struct store *s, const struct ipaddr *ip,
				       const struct enrichment *net, struct err *err)
{
	return s->observations->set_enrichment(s, ip, net, err);
}

static inline int store_set_enrichment_many(struct store *s, const struct ipaddr *ips,
					    const struct enrichment *nets, size_t n, struct err *err)
{
	return s->observations->set_enrichment_many(s, ips, nets, n, err);
}

static inline int store_observation_span(struct store *s, int64_t *first_day, int64_t *last_day, bool *found,
					 struct err *err)
{
	return s->observations->observation_span(s, first_day, last_day, found, err);
}

static inline int store_upsert_device(struct store *s, const struct device *d, struct err *err)
{
	return s->inventory->upsert_device(s, d, err);
}

static inline int store_get_device(struct store *s, const struct ipaddr *ip, struct device *d, bool *found,
				   struct err *err)
{
	return s->inventory->get_device(s, ip, d, found, err);
}

static inline int store_upsert_network(struct store *s, const struct network *n, struct err *err)
{
	return s->inventory->upsert_network(s, n, err);
}

static inline int store_get_network(struct store *s, uint32_t asn, struct network *n, bool *found,
				    struct err *err)
{
	return s->inventory->get_network(s, asn, n, found, err);
}

static inline int store_put_treatments(struct store *s, const struct treatment *t, size_t n, bool *added,
				       struct err *err)
{
	return s->experiments->put_treatments(s, t, n, added, err);
}

static inline int store_query_treatments(struct store *s, int (*cb)(const struct treatment *, void *), void *arg,
					 struct err *err)
{
	return s->experiments->query_treatments(s, cb, arg, err);
}

static inline int store_record_notification(struct store *s, const struct notification *n, bool *added,
					    struct err *err)
{
	return s->experiments->record_notification(s, n, added, err);
}

static inline int store_query_notifications(struct store *s, int (*cb)(const struct notification *, void *),
					    void *arg, struct err *err)
{
	return s->experiments->query_notifications(s, cb, arg, err);
}

static inline int store_get_delivery(struct store *s, int64_t day, uint32_t asn, const char *format,
				     const char *recipient, struct delivery *d, bool *found, struct err *err)
{
	return s->deliveries->get_delivery(s, day, asn, format, recipient, d, found, err);
}

static inline int store_record_delivery(struct store *s, const struct delivery *d, struct err *err)
{
	return s->deliveries->record_delivery(s, d, err);
}

static inline int store_claim_delivery(struct store *s, const struct delivery *d, int64_t stale_us, bool *claimed,
				       struct err *err)
{
	return s->deliveries->claim_delivery(s, d, stale_us, claimed, err);
}

static inline int store_add_token(struct store *s, struct api_token *t, const char *hash_hex, struct err *err)
{
	return s->tokens->add_token(s, t, hash_hex, err);
}

static inline int store_find_token(struct store *s, const char *hash_hex, struct api_token *t, bool *found,
				   struct err *err)
{
	return s->tokens->find_token(s, hash_hex, t, found, err);
}

static inline int store_list_tokens(struct store *s, int (*cb)(const struct api_token *, void *), void *arg,
				    struct err *err)
{
	return s->tokens->list_tokens(s, cb, arg, err);
}

static inline int store_revoke_token(struct store *s, int64_t id, int64_t when_us, bool *found, struct err *err)
{
	return s->tokens->revoke_token(s, id, when_us, found, err);
}

/* Filters that match everything. */
void event_filter_init(struct event_filter *f);
void obs_filter_init(struct obs_filter *f);

/* Implementations (store_backends lists them). */
struct store *sqlite_store_open(const char *target, int flags, struct err *err);
struct store *postgres_store_open(const char *target, int flags, struct err *err);

#endif
