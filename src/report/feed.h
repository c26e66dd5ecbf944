/* feed.h - the daily per-network feed: who is listed, in the formats abuse
 * desks consume.
 *
 * A feed lists, for one UTC day and one network (ASN), every observation of
 * that day (an IP that made a login attempt, an exploit attempt or a
 * download on a honeypot, or that the telescope labelled a scanner): first
 * and last seen, evidence, family, ports, credentials tried, CVEs, payload
 * URLs and hashes, the device when characterized, and the enrichment.
 *
 * Formats are `struct feed_format`s (begin/row/end per network):
 *   csv        Shadowserver-like columns (formats.md §9) plus ours, header once;
 *              one time format (RFC 3339), credentials as a JSON array
 *   shadowserver  exactly the columns of Shadowserver's Honeypot-Brute-Force-
 *              Events report, one row per credential pair
 *   json       IntelMQ events, flat dotted keys, one JSON object a line
 *   xarf       XARF v4 JSON, one report (one incident = one IP) a line
 *   xarf-mail  X-ARF 0.2: one MIME mail per row (one report, one source),
 *              an mbox per network: text, YAML report, CSV evidence
 *              (base64); CRLF; To: the network's abuse contact
 *
 * Output is deterministic: networks by ASN, rows by IP text, and every time
 * or id derived from the data (time.observation, mail Date and the report
 * ids come from the day), so the same store gives the same bytes. */
#ifndef IOTMON_FEED_H
#define IOTMON_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "report/contacts.h"
#include "store/store.h"

/* Events of one IP and day looked at for a row (counts come from the
 * observation, so a busy scanner is still counted in full). */
#define FEED_MAX_EVENTS 1000
/* Items kept per list column (ports, credentials, CVEs, URLs, hashes). */
#define FEED_MAX_ITEMS 8

struct feed_options {
	const char *feed_name; /* feed.name; NULL: "iotmon-infected-iot" */
	const char *provider; /* reporter organisation; NULL: "iotmon" */
	const char *reporter_email; /* From / reporter contact; NULL: "abuse-reports@localhost" */
	const char *reporter_domain; /* NULL: the domain of reporter_email */
	const struct contacts *contacts; /* abuse contacts by ASN, may be NULL */
	size_t *rows; /* feed_write*(): the rows written are added here; may be NULL */
};

struct feed_network {
	int64_t day;
	uint32_t asn;
	char as_name[128];
	char cc[3];
	char contact[256]; /* contacts file first, else the networks table; "" none */
	size_t rows;
	bool in_focus; /* some row has a cc in feed_query.focus (always true without focus) */
};

/* One listed (IP, family), derived from its observation, device and events:
 * an IP whose events name several families that day is one row each. */
struct feed_row {
	const struct observation *obs; /* &view */
	struct observation view; /* the observation; family, kinds, events and times of the row's family */
	const struct device *device; /* NULL when not characterized */
	char ip[46];
	const char *transport; /* "tcp", ... */
	const char *application; /* "telnet", "ssh", "http", ... or "" */
	uint16_t src_port, dst_port; /* of the first qualifying event; 0 unknown */
	uint16_t login_port; /* destination port of the first login; 0 none */
	uint16_t ports[FEED_MAX_ITEMS]; /* destination ports, ascending */
	size_t nports;
	const char *users[FEED_MAX_ITEMS], *passwords[FEED_MAX_ITEMS]; /* distinct pairs, first seen first */
	size_t ncreds;
	const char *cves[FEED_MAX_ITEMS], *urls[FEED_MAX_ITEMS], *hashes[FEED_MAX_ITEMS];
	size_t ncves, nurls, nhashes;
	uint32_t logins; /* login events seen (of at most FEED_MAX_EVENTS) */
	const char *taxonomy, *type, *identifier; /* IntelMQ classification */
	const char *severity; /* Shadowserver severity */
};

struct feed_writer;

struct feed_format {
	const char *name; /* as given to --format */
	const char *ext; /* outbox file extension */
	/* Called once per network; first is true for the first network of an
	 * output (CSV writes its header only then). */
	int (*begin)(struct feed_writer *w, bool first);
	int (*row)(struct feed_writer *w, const struct feed_row *r);
	int (*end)(struct feed_writer *w);
};

/* What a format writes into; formats keep their own state in state/aux. */
struct feed_writer {
	const struct feed_format *fmt;
	const struct feed_options *opt;
	const struct feed_network *net;
	struct strbuf *out;
	struct strbuf aux, aux2; /* xarf-mail: the CSV evidence and the YAML report being built */
	size_t rows; /* rows of this network so far */
};

extern const struct feed_format feed_csv, feed_json, feed_xarf, feed_xarf_mail, feed_shadowserver;
/* The format called name, or NULL. */
const struct feed_format *feed_format_find(const char *name);
/* "csv|json|xarf|xarf-mail|shadowserver", for usage texts. */
const char *feed_format_names(void);

struct feed_query {
	int64_t day;
	const uint32_t *asns; /* networks to list; NULL/0 means every enriched network (ASN 0 is left out) */
	size_t nasns;
	const char *const *focus; /* country codes marking networks in_focus; NULL: all in focus */
	size_t nfocus;
};

/* Called after each network with its complete text in one format. */
typedef int (*feed_network_fn)(const struct feed_network *net, const struct feed_format *fmt, const char *text,
			       size_t len, void *arg);

/* Builds the feed of every network of q in each of the nfmts formats, in one
 * pass over the store. standalone: each network's text is a complete
 * document (the outbox: one file per network); else texts concatenate into
 * one output (CSV header once). fn returning non-zero stops (that value is
 * returned). */
int feed_generate(struct store *s, const struct feed_query *q, const struct feed_format *const *fmts, size_t nfmts,
		  const struct feed_options *opt, bool standalone, feed_network_fn fn, void *arg, struct err *err);

/* The one call other modules use (the web API serves `/api/v1/feed` with it
 * and gets the same bytes as `iotmon feed`): the feed of day for the given
 * networks (nasns 0: all) in the named format, appended to out (bounded by
 * its ceiling: overflow is an error). opt may be NULL for defaults; pass
 * the `feed` member of outbox_config_load()'s result ([feeds] provider,
 * reporter, contacts) to get exactly what `iotmon feed` prints. */
int feed_write(struct store *s, int64_t day, const uint32_t *asns, size_t nasns, const char *format,
	       const struct feed_options *opt, struct strbuf *out, struct err *err);
/* The same, streamed to fp network by network (no size ceiling). */
int feed_write_file(struct store *s, int64_t day, const uint32_t *asns, size_t nasns, const char *format,
		    const struct feed_options *opt, FILE *fp, struct err *err);

#endif
