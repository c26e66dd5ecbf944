/* event.h - one piece of evidence, normalized.
 *
 * Sensors (honeypot, telescope, importers) produce events and hand them to a
 * sink; nothing else creates them. The canonical JSON form (docs/events.md)
 * is what `iotmon events` prints and `iotmon import events` reads.
 *
 * Ownership: the string members marked "owned" are heap copies that belong
 * to the event; event_free() releases them and event_copy() duplicates them.
 * Every string is valid UTF-8 without NUL bytes: event_set_text() turns any
 * other byte into a \xNN escape, so attacker bytes never break JSON, CSV or
 * SQL text handling downstream. */
#ifndef IOTMON_EVENT_H
#define IOTMON_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ipaddr.h"

enum event_kind {
	EVENT_SCAN,	/* telescope: a source probed unused addresses */
	EVENT_LOGIN,	/* a credential pair was tried */
	EVENT_COMMAND,	/* a shell command line was sent */
	EVENT_DOWNLOAD, /* a payload was fetched or dropped (URL and/or hash) */
	EVENT_EXPLOIT,	/* a known exploit request (CVE or name) */
	EVENT_SESSION,	/* a connection opened or closed */
	EVENT_KIND_COUNT
};

enum transport { TRANSPORT_TCP, TRANSPORT_UDP, TRANSPORT_ICMP, TRANSPORT_ICMPV6, TRANSPORT_COUNT };

#define EVENT_SENSOR_MAX 64
#define EVENT_FAMILY_MAX 32
#define EVENT_SESSION_MAX 48
#define EVENT_SHA256_LEN 64
/* Longest string any event field keeps; longer input is cut (and marked). */
#define EVENT_TEXT_MAX 8192

struct event {
	int64_t time_us; /* UTC µs since the epoch */
	enum event_kind kind;
	enum transport transport;
	struct ipaddr src, dst; /* dst.af == 0 when unknown */
	uint16_t src_port, dst_port; /* 0 when unknown */
	uint32_t seq; /* order within a session; part of the identity */
	char sensor[EVENT_SENSOR_MAX];
	char family[EVENT_FAMILY_MAX]; /* "" means unknown */
	char session[EVENT_SESSION_MAX];

	/* Kind-specific detail; NULL / -1 / "" when absent. */
	char *username, *password; /* owned; login */
	int8_t success; /* login: 1 accepted, 0 refused, -1 unknown */
	char *input; /* owned; command line */
	char *url; /* owned; download, exploit */
	char sha256[EVENT_SHA256_LEN + 1]; /* download: lowercase hex */
	char *cve; /* owned; exploit: "CVE-2017-17215" or a name */
	uint64_t packets; /* scan: packets seen */
	char *extra; /* owned; JSON object text with further keys, or NULL */
};

/* A zeroed event with success = -1. */
void event_init(struct event *ev);
void event_free(struct event *ev);
/* Deep copy: dst becomes an independent event (free it with event_free). */
void event_copy(struct event *dst, const struct event *src);

/* Stores a sanitized, bounded copy of (s, len) in *field (freeing the old
 * value). Valid UTF-8 is kept as it was typed; invalid bytes and control
 * bytes other than tab become the text \xNN (as Cowrie renders them). */
void event_set_text(char **field, const char *s, size_t len);
/* Bounded copy into a fixed buffer (sensor, family, session), sanitized. */
void event_set_fixed(char *dst, size_t size, const char *s, size_t len);

const char *event_kind_name(enum event_kind k);
int event_kind_parse(const char *s, enum event_kind *out);
const char *transport_name(enum transport t);
int transport_parse(const char *s, enum transport *out);
/* The family text for output: "unknown" when empty. */
const char *event_family(const struct event *ev);

/* A stable 63-bit identity of the event's content, used to make imports
 * idempotent: the same evidence gives the same id. */
int64_t event_uid(const struct event *ev);

/* Canonical JSON (one line, no newline). The returned string is malloc'ed. */
char *event_to_json(const struct event *ev);
/* Parses one canonical JSON line; on failure sets err. ev is initialised by
 * this function and must be freed by the caller only on success. */
int event_from_json(const char *line, size_t len, struct event *ev, struct err *err);

#endif
