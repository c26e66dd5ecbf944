/* jetstream.c - connection, naming and stream creation shared by the
 * publisher sink and the collector. */
#include "jetstream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define NS_PER_SEC INT64_C(1000000000)

void js_settings_from(const struct config *cfg, struct js_settings *out)
{
	out->url = config_str(cfg, "transport", "nats");
	out->stream = config_str(cfg, "transport", "stream");
	out->subject_prefix = config_str(cfg, "transport", "subject_prefix");
	out->replicas = (int)config_int(cfg, "transport", "replicas");
	out->max_age_s = config_int(cfg, "transport", "max_age_h") * 3600;
	out->duplicate_window_s = config_int(cfg, "transport", "duplicate_window_s");
}

int js_err(struct err *err, const char *what, natsStatus s, jsErrCode code)
{
	const char *last = nats_GetLastError(NULL);

	if (code)
		return err_set(err, "%s: %s (JetStream error %d)", what, last && *last ? last : natsStatus_GetText(s),
			       (int)code);
	return err_set(err, "%s: %s", what, last && *last ? last : natsStatus_GetText(s));
}

/* With a callback the first connect is asynchronous: callers see
 * NATS_NOT_YET_CONNECTED and carry on (and can be stopped) meanwhile. */
static void on_connected(natsConnection *nc, void *closure)
{
	(void)nc;
	(void)closure;
}

int js_connect(const char *url, const char *name, natsConnection **nc, jsCtx **js, const jsOptions *jo,
	       struct err *err)
{
	natsOptions *o = NULL;
	natsStatus s;
	jsOptions opts;

	*nc = NULL;
	*js = NULL;
	char *copy = xstrdup(url), *servers[16], *save = NULL;
	int nservers = 0;

	for (char *tok = strtok_r(copy, ", ", &save); tok && nservers < 16; tok = strtok_r(NULL, ", ", &save))
		servers[nservers++] = tok;
	s = natsOptions_Create(&o);
	if (s == NATS_OK)
		s = nservers ? natsOptions_SetServers(o, (const char **)servers, nservers) : NATS_INVALID_ARG;
	free(copy);
	if (s == NATS_OK)
		s = natsOptions_SetName(o, name);
	/* A sensor outlives any outage of its leaf node: reconnect for ever,
	 * buffering what is published meanwhile (8 MiB, then publishes fail
	 * and the sink retries them). */
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(o, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(o, 250);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectBufSize(o, 8 * 1024 * 1024);
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(o, true, on_connected, NULL);
	if (s != NATS_OK) {
		natsOptions_Destroy(o);
		return js_err(err, url, s, 0);
	}
	s = natsConnection_Connect(nc, o);
	natsOptions_Destroy(o);
	if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED)
		return js_err(err, url, s, 0);
	if (jo)
		opts = *jo;
	else
		jsOptions_Init(&opts);
	s = natsConnection_JetStream(js, *nc, &opts);
	if (s != NATS_OK) {
		natsConnection_Destroy(*nc);
		*nc = NULL;
		return js_err(err, url, s, 0);
	}
	return 0;
}

void js_disconnect(natsConnection *nc, jsCtx *js)
{
	jsCtx_Destroy(js);
	if (nc) {
		natsConnection_Close(nc);
		natsConnection_Destroy(nc);
	}
}

void js_event_msg_id(const struct event *ev, char out[JS_MSG_ID_MAX])
{
	snprintf(out, JS_MSG_ID_MAX, "%" PRId64 "-%" PRId64, ev->time_us, event_uid(ev));
}

void js_event_subject(const char *prefix, const char *sensor, char out[JS_SUBJECT_MAX])
{
	int n = snprintf(out, JS_SUBJECT_MAX, "%s.", prefix);

	if (n < 0 || n >= JS_SUBJECT_MAX - 1)
		n = 0;
	for (const char *p = *sensor ? sensor : "unknown"; *p && n < JS_SUBJECT_MAX - 1; p++)
		out[n++] = (*p == '.' || *p == '*' || *p == '>' || (unsigned char)*p <= ' ' || *p == 0x7f) ? '_' : *p;
	out[n] = '\0';
}

static bool has_source(const jsStreamConfig *c, const char *api)
{
	for (int i = 0; i < c->SourcesLen; i++)
		if (c->Sources[i]->External && c->Sources[i]->External->APIPrefix &&
		    strcmp(c->Sources[i]->External->APIPrefix, api) == 0)
			return true;
	return false;
}

int js_ensure_stream(jsCtx *js, const struct js_settings *set, const char *const *sources, size_t nsources,
		     struct err *err)
{
	char subject[JS_SUBJECT_MAX], api[16][96], deliver[16][96];
	const char *subjects[1] = {subject};
	jsStreamSource src[16], *srcp[64];
	jsExternalStream ext[16];
	jsStreamInfo *si = NULL;
	jsStreamConfig sc;
	jsErrCode code = 0;
	natsStatus s;
	int rc = 0;

	if (nsources > 16)
		return err_set(err, "stream %s: at most 16 sources, not %zu", set->stream, nsources);
	for (size_t i = 0; i < nsources; i++) {
		snprintf(api[i], sizeof(api[i]), "$JS.%s.API", sources[i]);
		jsStreamSource_Init(&src[i]);
		jsExternalStream_Init(&ext[i]);
		ext[i].APIPrefix = api[i];
		/* Where the leaf delivers the sourced messages: a plain subject
		 * that crosses the leafnode link. */
		snprintf(deliver[i], sizeof(deliver[i]), "iotmon.deliver.%s", sources[i]);
		ext[i].DeliverPrefix = deliver[i];
		src[i].Name = set->stream;
		src[i].External = &ext[i];
	}

	s = js_GetStreamInfo(&si, js, set->stream, NULL, &code);
	if (s == NATS_OK) {
		/* Keep what the operator made; only add leaves that are new. */
		jsStreamConfig *c = si->Config;
		int n = 0, missing = 0;

		for (int i = 0; i < c->SourcesLen && n < 48; i++)
			srcp[n++] = c->Sources[i];
		for (size_t i = 0; i < nsources && n < 64; i++)
			if (!has_source(c, api[i])) {
				srcp[n++] = &src[i];
				missing++;
			}
		if (missing) {
			jsStreamInfo *up = NULL;

			c->Sources = srcp;
			c->SourcesLen = n;
			s = js_UpdateStream(&up, js, c, NULL, &code);
			jsStreamInfo_Destroy(up);
			if (s != NATS_OK)
				rc = js_err(err, "adding sources to the stream", s, code);
			c->Sources = NULL; /* ours, on the stack: not for the destroy below */
			c->SourcesLen = 0;
		}
		jsStreamInfo_Destroy(si);
		return rc;
	}
	if (s != NATS_NOT_FOUND)
		return js_err(err, "looking up the stream", s, code);

	jsStreamConfig_Init(&sc);
	sc.Name = set->stream;
	sc.Storage = js_FileStorage;
	sc.Retention = js_LimitsPolicy;
	sc.Replicas = set->replicas;
	sc.MaxAge = set->max_age_s * NS_PER_SEC;
	sc.Duplicates = set->duplicate_window_s * NS_PER_SEC;
	if (nsources) {
		/* A hub stream: its messages come from the leaves' streams. It
		 * takes no subjects of its own, so a publish that crosses the
		 * leafnode link is not stored twice. */
		for (size_t i = 0; i < nsources; i++)
			srcp[i] = &src[i];
		sc.Sources = srcp;
		sc.SourcesLen = (int)nsources;
		/* No de-duplication here: the leaves did it, the store's identity
		 * does it again, and nats-server 2.9 stops sourcing a leaf for
		 * good at a sourced message it judges a duplicate (a leaf that
		 * was killed can hold a second copy). */
		sc.Duplicates = 100 * 1000 * 1000;
	} else {
		snprintf(subject, sizeof(subject), "%s.>", set->subject_prefix);
		sc.Subjects = subjects;
		sc.SubjectsLen = 1;
	}
	s = js_AddStream(&si, js, &sc, NULL, &code);
	jsStreamInfo_Destroy(si);
	if (s != NATS_OK && code != JSStreamNameExistErr)
		return js_err(err, "creating the stream", s, code);
	return 0;
}
