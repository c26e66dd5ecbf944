/* jetstream.h - what the publisher sink and the collector share about NATS
 * JetStream: connecting (retrying for ever, so a sensor starts while its
 * leaf node is still coming up), the subject and message id of an event, and
 * creating the stream a side needs when it is missing.
 *
 * The event identity (time_us, event_uid) is the JetStream message id
 * (Nats-Msg-Id): a re-sent event inside the stream's duplicate window is
 * dropped by the server, and the store's UNIQUE(time_us, uid) drops any that
 * get past it. */
#ifndef IOTMON_JETSTREAM_H
#define IOTMON_JETSTREAM_H

#include <nats/nats.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "core/event.h"

/* "<time_us>-<uid>" fits easily. */
#define JS_MSG_ID_MAX 48
#define JS_SUBJECT_MAX 160
/* A message larger than this is not one of our events (a canonical event
 * line is below 64 KiB: every text field is cut at EVENT_TEXT_MAX). */
#define JS_EVENT_MAX_BYTES (256 * 1024)

/* The [transport] section. */
struct js_settings {
	const char *url; /* nats://HOST:PORT[,nats://...] */
	const char *stream; /* stream name */
	const char *subject_prefix; /* events go to PREFIX.<sensor> */
	int replicas; /* of a stream this side creates */
	int64_t max_age_s; /* of a stream this side creates; 0 keeps for ever */
	int64_t duplicate_window_s;
};

void js_settings_from(const struct config *cfg, struct js_settings *out);

/* Connects to url; a server that is not up yet is retried in the background
 * (the connection is returned at once). The connection reconnects for ever. */
int js_connect(const char *url, const char *name, natsConnection **nc, jsCtx **js, const jsOptions *jo,
	       struct err *err);
void js_disconnect(natsConnection *nc, jsCtx *js);

void js_event_msg_id(const struct event *ev, char out[JS_MSG_ID_MAX]);
/* PREFIX.<sensor>, with the characters a subject token cannot hold ('.',
 * '*', '>', blanks) replaced by '_'. */
void js_event_subject(const char *prefix, const char *sensor, char out[JS_SUBJECT_MAX]);

/* Creates the stream when missing: capturing PREFIX.> when nsources is 0,
 * else sourcing the stream of the same name from each JetStream domain in
 * sources (a hub sourcing its leaf nodes). An existing stream is kept as it
 * is, except that sources missing from it are added. */
int js_ensure_stream(jsCtx *js, const struct js_settings *set, const char *const *sources, size_t nsources,
		     struct err *err);

/* "nats: <text of status>" for messages. */
int js_err(struct err *err, const char *what, natsStatus s, jsErrCode code);

#endif
