/* cowrie_importer.c - Cowrie JSON logs (jsonlog output) into events.
 *
 * A session's events are held until the session is over, so that every
 * event carries the family the whole dialogue points to (family.h, the
 * same attribution as our honeypot). "Over" means its session.closed line
 * was followed by LATE_WINDOW more lines (Cowrie writes `late` events
 * after the close), or the file ended. A late event of a session already
 * handed on gets that session's family and the next sequence number.
 *
 * Schemas handled: endpoint fields only on session.connect (<= v3.0.5),
 * duration (float or string seconds) vs duration_ms, message lists, no
 * uuid, timestamps with Z or +HHMM. Everything is derived from the line
 * alone plus the session's earlier lines, so importing the same file again
 * yields identical events (the store drops them as duplicates). */
#include "cowrie_importer.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/family.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "json_scan.h"

#define LATE_WINDOW 1000 /* lines after session.closed that may still belong to it */
#define BUCKETS 8192
#define DONE_MAX 65536 /* finished sessions remembered for late events */

struct csession {
	char key[EVENT_SENSOR_MAX + EVENT_SESSION_MAX + 2]; /* sensor \x1f session */
	struct csession *hnext; /* hash chain */
	struct csession *qnext; /* closed queue */
	struct event *evs;
	size_t nev, cap;
	uint32_t seq;
	struct family_tracker fam;
	struct ipaddr src, dst;
	uint16_t sport, dport;
	char protocol[16];
	int64_t duration_ms; /* -1 unknown */
	uint64_t closed_line; /* 0 while open */
	int has_session_event;
	/* Once handed on, the session stays as a small record for late
	 * events (its events freed), oldest forgotten first. */
	int finished;
	char family[EVENT_FAMILY_MAX];
};

struct cstate {
	struct csession **b; /* BUCKETS chains */
	struct csession *qhead, *qtail; /* closed, in order of closing */
	struct csession *fhead, *ftail; /* finished, oldest first (via qnext) */
	size_t nfinished;
	int no_evict; /* set while walking the table at the end */
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct csession **find(struct cstate *st, const char *key)
{
	struct csession **pp = &st->b[hash(key) & (BUCKETS - 1)];

	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->hnext;
	return pp;
}

static int cowrie_begin(struct import_ctx *ctx, struct err *err)
{
	struct cstate *st = xcalloc(1, sizeof(*st));

	(void)err;
	st->b = xcalloc(BUCKETS, sizeof(*st->b));
	ctx->state = st;
	return 0;
}

static void forget(struct cstate *st, struct csession *s)
{
	*find(st, s->key) = s->hnext;
	free(s->evs);
	free(s);
}

/* Hands a session's events to the sink with its family; keeps a small
 * record of it for late events. */
static void finish(struct import_ctx *ctx, struct csession *s)
{
	struct cstate *st = ctx->state;
	const char *fam = family_name(&s->fam);

	for (size_t i = 0; i < s->nev; i++) {
		struct event *ev = &s->evs[i];

		if (ev->kind == EVENT_SESSION && i == 0 && s->has_session_event) {
			char x[256];

			snprintf(x, sizeof(x), "{\"protocol\":\"%s\",\"source\":\"cowrie\"", s->protocol);
			if (s->duration_ms >= 0)
				snprintf(x + strlen(x), sizeof(x) - strlen(x), ",\"duration_ms\":%lld",
					 (long long)s->duration_ms);
			if (family_token(&s->fam)[0])
				snprintf(x + strlen(x), sizeof(x) - strlen(x), ",\"busybox_token\":\"%s\"",
					 family_token(&s->fam));
			snprintf(x + strlen(x), sizeof(x) - strlen(x), "}");
			ev->extra = xstrdup(x);
		}
		event_set_fixed(ev->family, sizeof(ev->family), fam, strlen(fam));
		sink_emit(ctx->sink, ev);
		event_free(ev);
		ctx->records++;
	}
	free(s->evs);
	s->evs = NULL;
	s->nev = s->cap = 0;
	s->finished = 1;
	snprintf(s->family, sizeof(s->family), "%s", fam);
	s->qnext = NULL;
	if (st->ftail)
		st->ftail->qnext = s;
	else
		st->fhead = s;
	st->ftail = s;
	if (++st->nfinished > DONE_MAX && !st->no_evict) {
		struct csession *old = st->fhead;

		st->fhead = old->qnext;
		st->nfinished--;
		forget(st, old);
	}
}

static void finish_closed(struct import_ctx *ctx, uint64_t before_line)
{
	struct cstate *st = ctx->state;

	while (st->qhead && st->qhead->closed_line + LATE_WINDOW < before_line) {
		struct csession *s = st->qhead;

		st->qhead = s->qnext;
		if (!st->qhead)
			st->qtail = NULL;
		finish(ctx, s);
	}
}

static int cowrie_end(struct import_ctx *ctx, struct err *err)
{
	struct cstate *st = ctx->state;

	(void)err;
	finish_closed(ctx, UINT64_MAX);
	st->no_evict = 1;
	for (size_t i = 0; i < BUCKETS; i++)
		for (struct csession *s = st->b[i]; s; s = s->hnext)
			if (!s->finished)
				finish(ctx, s);
	for (size_t i = 0; i < BUCKETS; i++)
		while (st->b[i])
			forget(st, st->b[i]);
	free(st->b);
	free(st);
	ctx->state = NULL;
	return 0;
}

/* The keys the importer reads; everything else in a line is validated and
 * skipped (json_scan.h). */
enum {
	K_EVENTID, K_SESSION, K_TIMESTAMP, K_SENSOR, K_SRC_IP, K_SRC_PORT, K_DST_IP, K_DST_PORT, K_PROTOCOL,
	K_USERNAME, K_PASSWORD, K_INPUT, K_URL, K_SHASUM, K_DESTFILE, K_OUTFILE, K_DUPLICATE, K_LATE, K_ERROR,
	K_FINGERPRINT, K_TYPE, K_REALM, K_DURATION, K_DURATION_MS, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"eventid", "session", "timestamp", "sensor",   "src_ip",   "src_port", "dst_ip",	  "dst_port",
	"protocol", "username", "password", "input",   "url",	   "shasum",   "destfile",	  "outfile",
	"duplicate", "late",	 "error",	"fingerprint", "type", "realm",    "duration", "duration_ms",
};

struct line {
	struct json_field f[K_COUNT];
};

static const char *str(const struct line *l, int k)
{
	return l->f[k].type == JS_STRING ? l->f[k].str : NULL;
}

static int port(const struct line *l, int k)
{
	const struct json_field *f = &l->f[k];

	if (f->type == JS_NUMBER && f->is_int && f->ival > 0 && f->ival <= 65535)
		return (int)f->ival;
	return 0;
}

/* session.closed: duration_ms (int, >= v3.0.4) or duration (number or
 * string of seconds, older). */
static int64_t duration_ms(const struct line *l)
{
	const struct json_field *f = &l->f[K_DURATION_MS];

	if (f->type == JS_NUMBER && f->is_int)
		return f->ival;
	f = &l->f[K_DURATION];
	if (f->type == JS_NUMBER && isfinite(f->num))
		return (int64_t)llround(f->num * 1000.0);
	if (f->type == JS_STRING) {
		char *end;
		double d = strtod(f->str, &end);

		if (end != f->str && isfinite(d))
			return (int64_t)llround(d * 1000.0);
	}
	return -1;
}

static struct event *new_event(struct csession *s, enum event_kind kind, const struct event *base)
{
	struct event *ev;

	if (s->nev == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->evs = xrealloc(s->evs, s->cap * sizeof(*s->evs));
	}
	ev = &s->evs[s->nev++];
	*ev = *base;
	ev->kind = kind;
	ev->seq = s->seq++;
	return ev;
}

static void set_text(char **field, const char *s)
{
	if (s)
		event_set_text(field, s, strlen(s));
}

static void set_sha(struct event *ev, const char *s)
{
	if (s && strlen(s) == EVENT_SHA256_LEN && strspn(s, "0123456789abcdef") == EVENT_SHA256_LEN)
		memcpy(ev->sha256, s, EVENT_SHA256_LEN + 1);
}

/* A JSON string of attacker text: as it is when it is UTF-8, else in the
 * event model's escaped form (bytes that are not UTF-8 become \xNN). */
static json_t *json_text(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);
	char *clean = NULL;

	if (v)
		return v;
	event_set_text(&clean, s, len);
	v = json_string(clean ? clean : "");
	free(clean);
	return v;
}

/* Extra JSON from a few members (attacker text: escaped by jansson). */
static char *extra_of(const struct line *l, const int *keys, const char *kv_key, const char *kv_val)
{
	json_t *x = json_object();
	char *out;

	for (; *keys >= 0; keys++) {
		const struct json_field *f = &l->f[*keys];

		if (f->type == JS_STRING)
			json_object_set_new(x, key_names[*keys], json_text(f->str, f->len));
		else if (f->type == JS_TRUE || f->type == JS_FALSE)
			json_object_set_new(x, key_names[*keys], json_boolean(f->type == JS_TRUE));
		else if (f->type == JS_NUMBER && f->is_int)
			json_object_set_new(x, key_names[*keys], json_integer(f->ival));
	}
	if (kv_key)
		json_object_set_new(x, kv_key, json_string(kv_val));
	out = json_object_size(x) ? json_dumps(x, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(x);
	return out;
}

static int handle(struct import_ctx *ctx, const struct line *o, struct err *err)
{
	static const int dl_keys[] = {K_DESTFILE, K_OUTFILE, K_DUPLICATE, K_LATE, -1};
	static const int fail_keys[] = {K_ERROR, K_LATE, -1};
	static const int login_keys[] = {K_FINGERPRINT, K_TYPE, -1};
	static const int realm_keys[] = {K_REALM, -1};
	struct cstate *st = ctx->state;
	const char *eventid = str(o, K_EVENTID), *sid = str(o, K_SESSION), *ts = str(o, K_TIMESTAMP);
	const char *sensor = str(o, K_SENSOR), *ip = str(o, K_SRC_IP);
	struct csession **pp, *s;
	struct event base, *ev;
	char key[sizeof(s->key)];
	enum event_kind kind;
	int is_connect;

	if (!eventid)
		return err_set(err, "no \"eventid\"");
	if (strncmp(eventid, "cowrie.", 7) != 0)
		return 0;
	if (strcmp(eventid, "cowrie.login.success") == 0 || strcmp(eventid, "cowrie.login.failed") == 0)
		kind = EVENT_LOGIN;
	else if (strcmp(eventid, "cowrie.command.input") == 0)
		kind = EVENT_COMMAND;
	else if (strncmp(eventid, "cowrie.session.file_download", 28) == 0 ||
		 strcmp(eventid, "cowrie.session.file_upload") == 0)
		kind = EVENT_DOWNLOAD;
	else if (strcmp(eventid, "cowrie.session.connect") == 0 || strcmp(eventid, "cowrie.session.closed") == 0)
		kind = EVENT_SESSION;
	else
		return 0; /* kex, tty logs, tunnels ...: not evidence we keep */
	if (!sid)
		return err_set(err, "%s without \"session\"", eventid);
	event_init(&base);
	if (!ts || time_parse(ts, strlen(ts), &base.time_us))
		return err_set(err, "\"timestamp\" missing or not ISO 8601");
	if (!sensor || !sensor[0])
		sensor = "cowrie";
	event_set_fixed(base.sensor, sizeof(base.sensor), sensor, strlen(sensor));
	event_set_fixed(base.session, sizeof(base.session), sid, strlen(sid));
	snprintf(key, sizeof(key), "%s\x1f%s", base.sensor, base.session);
	is_connect = strcmp(eventid, "cowrie.session.connect") == 0;

	pp = find(st, key);
	s = *pp;
	if (s && s->finished && is_connect) { /* the id is reused: a new session */
		struct csession **fp = &st->fhead, *prev = NULL;

		while (*fp != s)
			prev = *fp, fp = &(*fp)->qnext;
		*fp = s->qnext;
		if (st->ftail == s)
			st->ftail = prev;
		st->nfinished--;
		forget(st, s);
		s = NULL;
		pp = find(st, key);
	}
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		memcpy(s->key, key, sizeof(s->key));
		s->duration_ms = -1;
		family_init(&s->fam);
		*pp = s;
	}
	base.transport = TRANSPORT_TCP;
	if (!ip || ipaddr_parse(ip, strlen(ip), &base.src)) {
		if (s->src.af)
			base.src = s->src;
		else
			return err_set(err, "\"src_ip\" missing or not an IP address");
	}
	/* Endpoint fields: on this line (>= v3.0.6) or from session.connect. */
	base.src_port = (uint16_t)port(o, K_SRC_PORT);
	base.dst_port = (uint16_t)port(o, K_DST_PORT);
	if (str(o, K_DST_IP))
		ipaddr_parse(str(o, K_DST_IP), strlen(str(o, K_DST_IP)), &base.dst); /* "x.x.x.x" stays unknown */
	if (is_connect) {
		s->src = base.src;
		s->dst = base.dst;
		s->sport = base.src_port;
		s->dport = base.dst_port;
		snprintf(s->protocol, sizeof(s->protocol), "%s", str(o, K_PROTOCOL) ? str(o, K_PROTOCOL) : "");
	}
	if (!base.src_port)
		base.src_port = s->sport;
	if (!base.dst_port)
		base.dst_port = s->dport;
	if (!base.dst.af)
		base.dst = s->dst;

	if (kind == EVENT_SESSION) {
		if (s->finished)
			return 0; /* a second close of a finished session */
		if (is_connect) {
			if (s->nev == 0) { /* the session event comes first */
				new_event(s, EVENT_SESSION, &base);
				s->has_session_event = 1;
			}
		} else {
			s->duration_ms = duration_ms(o);
			if (!s->closed_line) {
				s->closed_line = ctx->lineno ? ctx->lineno : 1;
				if (st->qtail)
					st->qtail->qnext = s;
				else
					st->qhead = s;
				st->qtail = s;
			}
		}
		return 0;
	}

	if (!s->finished) {
		ev = new_event(s, kind, &base);
	} else { /* late, after the session was handed on */
		ev = &base;
		ev->kind = kind;
		ev->seq = s->seq++;
		event_set_fixed(ev->family, sizeof(ev->family), s->family, strlen(s->family));
	}
	switch (kind) {
	case EVENT_LOGIN:
		set_text(&ev->username, str(o, K_USERNAME));
		set_text(&ev->password, str(o, K_PASSWORD));
		ev->success = strcmp(eventid, "cowrie.login.success") == 0;
		ev->extra = extra_of(o, login_keys, NULL, NULL);
		break;
	case EVENT_COMMAND:
		set_text(&ev->input, str(o, K_INPUT));
		ev->extra = extra_of(o, realm_keys, NULL, NULL);
		if (!s->finished && str(o, K_INPUT))
			family_feed_command(&s->fam, str(o, K_INPUT), strlen(str(o, K_INPUT)));
		break;
	case EVENT_DOWNLOAD:
		set_text(&ev->url, str(o, K_URL));
		set_sha(ev, str(o, K_SHASUM));
		if (strcmp(eventid, "cowrie.session.file_download.failed") == 0)
			ev->extra = extra_of(o, fail_keys, "status", "failed");
		else if (strcmp(eventid, "cowrie.session.file_upload") == 0)
			ev->extra = extra_of(o, dl_keys, "method", "upload");
		else
			ev->extra = extra_of(o, dl_keys, NULL, NULL);
		if (!s->finished && ev->url)
			family_feed_url(&s->fam, ev->url, strlen(ev->url));
		if (!s->finished && str(o, K_DESTFILE))
			family_feed_url(&s->fam, str(o, K_DESTFILE), strlen(str(o, K_DESTFILE)));
		break;
	default:
		break;
	}
	if (s->finished) {
		sink_emit(ctx->sink, ev);
		event_free(ev);
		ctx->records++;
	}
	return 0;
}

static int cowrie_line(struct import_ctx *ctx, const char *line, size_t len, struct err *err)
{
	struct line l;
	char stack[4096], *arena = len < sizeof(stack) ? stack : xmalloc(len + 1);
	int rc;

	finish_closed(ctx, ctx->lineno);
	for (int k = 0; k < K_COUNT; k++)
		l.f[k].name = key_names[k];
	rc = json_scan_object(line, len, l.f, K_COUNT, arena, err);
	if (rc == 0)
		rc = handle(ctx, &l, err);
	if (arena != stack)
		free(arena);
	return rc;
}

const struct importer cowrie_importer = {
	.name = "cowrie",
	.help = "Cowrie honeypot JSON logs (cowrie.json), any version; families attributed per session",
	.what = "a Cowrie JSON log",
	.sniff = import_sniff_json_line,
	.begin = cowrie_begin,
	.line = cowrie_line,
	.end = cowrie_end,
};
