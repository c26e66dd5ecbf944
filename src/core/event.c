#include "event.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "xalloc.h"

static const char *const kind_names[EVENT_KIND_COUNT] = {"scan",     "login",   "command",
							  "download", "exploit", "session"};
static const char *const transport_names[TRANSPORT_COUNT] = {"tcp", "udp", "icmp", "icmpv6"};

void event_init(struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->success = -1;
}

void event_free(struct event *ev)
{
	free(ev->username);
	free(ev->password);
	free(ev->input);
	free(ev->url);
	free(ev->cve);
	free(ev->extra);
	ev->username = ev->password = ev->input = ev->url = ev->cve = ev->extra = NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void event_copy(struct event *dst, const struct event *src)
{
	*dst = *src;
	dst->username = dup_or_null(src->username);
	dst->password = dup_or_null(src->password);
	dst->input = dup_or_null(src->input);
	dst->url = dup_or_null(src->url);
	dst->cve = dup_or_null(src->cve);
	dst->extra = dup_or_null(src->extra);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Writes the sanitized form of (s, len) into out (capacity cap, NUL added);
 * returns the number of bytes written. */
static size_t sanitize(char *out, size_t cap, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, i = 0;

	while (i < len) {
		size_t n = utf8_sequence(p + i, len - i);

		if (n == 1 && (p[i] < 0x20 && p[i] != '\t'))
			n = 0;
		if (n == 1 && p[i] == 0x7f)
			n = 0;
		if (n) {
			if (o + n >= cap)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			if (o + 4 >= cap)
				break;
			snprintf(out + o, 5, "\\x%02x", p[i]);
			o += 4;
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

void event_set_text(char **field, const char *s, size_t len)
{
	size_t cap = (len > EVENT_TEXT_MAX ? EVENT_TEXT_MAX : len) * 4 + 1;
	char *buf;

	if (cap > EVENT_TEXT_MAX + 1)
		cap = EVENT_TEXT_MAX + 1;
	buf = xmalloc(cap);
	sanitize(buf, cap, s, len);
	free(*field);
	*field = buf;
}

void event_set_fixed(char *dst, size_t size, const char *s, size_t len)
{
	sanitize(dst, size, s, len);
}

const char *event_kind_name(enum event_kind k)
{
	return (unsigned)k < EVENT_KIND_COUNT ? kind_names[k] : "unknown";
}

/* Index of s in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int event_kind_parse(const char *s, enum event_kind *out)
{
	int i = name_index(kind_names, EVENT_KIND_COUNT, s);

	if (i < 0)
		return -1;
	*out = (enum event_kind)i;
	return 0;
}

const char *transport_name(enum transport t)
{
	return (unsigned)t < TRANSPORT_COUNT ? transport_names[t] : "tcp";
}

int transport_parse(const char *s, enum transport *out)
{
	int i = name_index(transport_names, TRANSPORT_COUNT, s);

	if (i < 0)
		return -1;
	*out = (enum transport)i;
	return 0;
}

const char *event_family(const struct event *ev)
{
	return ev->family[0] ? ev->family : "unknown";
}

/* FNV-1a, 64 bit: stable across platforms and versions, which the identity
 * needs more than speed or collision resistance against an adversary (a
 * collision only merges two pieces of evidence from the same sensor). */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	/* The terminator is hashed too, so ("ab","c") differs from ("a","bc"). */
	return s ? fnv(h, s, strlen(s) + 1) : fnv(h, "", 1);
}

int64_t event_uid(const struct event *ev)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	uint8_t fixed[8 + 4 + 4 + 2 + 2 + 1 + 8];
	size_t o = 0;

	for (int i = 0; i < 8; i++)
		fixed[o++] = (uint8_t)((uint64_t)ev->time_us >> (8 * i));
	for (int i = 0; i < 4; i++)
		fixed[o++] = (uint8_t)(ev->seq >> (8 * i));
	fixed[o++] = (uint8_t)ev->kind;
	fixed[o++] = (uint8_t)ev->transport;
	fixed[o++] = ev->src.af;
	fixed[o++] = ev->dst.af;
	fixed[o++] = (uint8_t)(ev->src_port >> 8);
	fixed[o++] = (uint8_t)ev->src_port;
	fixed[o++] = (uint8_t)(ev->dst_port >> 8);
	fixed[o++] = (uint8_t)ev->dst_port;
	fixed[o++] = (uint8_t)(ev->success + 1);
	for (int i = 0; i < 8; i++)
		fixed[o++] = (uint8_t)(ev->packets >> (8 * i));
	h = fnv(h, fixed, o);
	h = fnv(h, ev->src.b, 16);
	h = fnv(h, ev->dst.b, 16);
	h = fnv_str(h, ev->sensor);
	h = fnv_str(h, ev->family);
	h = fnv_str(h, ev->session);
	h = fnv_str(h, ev->username);
	h = fnv_str(h, ev->password);
	h = fnv_str(h, ev->input);
	h = fnv_str(h, ev->url);
	h = fnv_str(h, ev->sha256);
	h = fnv_str(h, ev->cve);
	h = fnv_str(h, ev->extra);
	return (int64_t)(h >> 1);
}

/* Keys of the canonical form; extra keys may not shadow them. */
static const char *const canonical_keys[] = {
	"time",	    "sensor",	"kind",	    "src_ip",	"src_port", "dst_ip", "dst_port", "transport",
	"family",   "session",	"seq",	    "username", "password", "success", "input", "url",
	"sha256",   "cve",	"packets",  NULL};

static bool is_canonical_key(const char *k)
{
	for (int i = 0; canonical_keys[i]; i++)
		if (strcmp(k, canonical_keys[i]) == 0)
			return true;
	return false;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *event_to_json(const struct event *ev)
{
	char when[TIME_RFC3339_LEN + 1], ip[IPADDR_STRLEN];
	json_t *o = json_object();
	char *out;

	time_format_rfc3339(ev->time_us, when);
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "sensor", json_string(ev->sensor));
	json_object_set_new(o, "kind", json_string(event_kind_name(ev->kind)));
	ipaddr_format(&ev->src, ip);
	json_object_set_new(o, "src_ip", json_string(ip));
	json_object_set_new(o, "src_port", ev->src_port ? json_integer(ev->src_port) : json_null());
	ipaddr_format(&ev->dst, ip);
	json_object_set_new(o, "dst_ip", ev->dst.af ? json_string(ip) : json_null());
	json_object_set_new(o, "dst_port", ev->dst_port ? json_integer(ev->dst_port) : json_null());
	json_object_set_new(o, "transport", json_string(transport_name(ev->transport)));
	json_object_set_new(o, "family", json_string(event_family(ev)));
	json_object_set_new(o, "session", ev->session[0] ? json_string(ev->session) : json_null());
	if (ev->seq)
		json_object_set_new(o, "seq", json_integer(ev->seq));

	/* A kind's own keys always appear (null when unknown); other detail
	 * appears when present. */
	if (ev->kind == EVENT_LOGIN || ev->username)
		json_object_set_new(o, "username", str_or_null(ev->username));
	if (ev->kind == EVENT_LOGIN || ev->password)
		json_object_set_new(o, "password", str_or_null(ev->password));
	if (ev->kind == EVENT_LOGIN || ev->success >= 0)
		json_object_set_new(o, "success", ev->success < 0 ? json_null() : json_boolean(ev->success));
	if (ev->kind == EVENT_COMMAND || ev->input)
		json_object_set_new(o, "input", str_or_null(ev->input));
	if (ev->kind == EVENT_DOWNLOAD || ev->url)
		json_object_set_new(o, "url", str_or_null(ev->url));
	if (ev->kind == EVENT_DOWNLOAD || ev->sha256[0])
		json_object_set_new(o, "sha256", ev->sha256[0] ? json_string(ev->sha256) : json_null());
	if (ev->kind == EVENT_EXPLOIT || ev->cve)
		json_object_set_new(o, "cve", str_or_null(ev->cve));
	if (ev->kind == EVENT_SCAN || ev->packets)
		json_object_set_new(o, "packets", json_integer((json_int_t)ev->packets));
	if (ev->extra) {
		json_t *x = json_loads(ev->extra, 0, NULL);
		const char *k;
		json_t *v;

		if (json_is_object(x))
			json_object_foreach(x, k, v)
				if (!is_canonical_key(k))
					json_object_set(o, k, v);
		json_decref(x);
	}
	out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!out) {
		fprintf(stderr, "iotmon: out of memory in event_to_json\n");
		abort();
	}
	return out;
}

/* Reads an optional string member into a fixed buffer or an owned field. */
static int get_str(json_t *o, const char *key, const char **out, struct err *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(err, "\"%s\" must be a string", key);
	*out = json_string_value(v);
	return 0;
}

static int get_port(json_t *o, const char *key, uint16_t *out, struct err *err)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
		return err_set(err, "\"%s\" must be an integer 0-65535", key);
	*out = (uint16_t)json_integer_value(v);
	return 0;
}

static int parse_members(json_t *o, struct event *ev, struct err *err)
{
	const char *s;
	json_t *v;

	if (get_str(o, "time", &s, err))
		return -1;
	if (!s || time_parse(s, strlen(s), &ev->time_us))
		return err_set(err, "\"time\" missing or not RFC 3339");
	if (get_str(o, "kind", &s, err))
		return -1;
	if (!s || event_kind_parse(s, &ev->kind))
		return err_set(err, "\"kind\" missing or unknown");
	if (get_str(o, "src_ip", &s, err))
		return -1;
	if (!s || ipaddr_parse(s, strlen(s), &ev->src))
		return err_set(err, "\"src_ip\" missing or not an IP address");
	if (get_str(o, "dst_ip", &s, err))
		return -1;
	if (s && ipaddr_parse(s, strlen(s), &ev->dst))
		return err_set(err, "\"dst_ip\" is not an IP address");
	if (get_port(o, "src_port", &ev->src_port, err) || get_port(o, "dst_port", &ev->dst_port, err))
		return -1;
	if (get_str(o, "transport", &s, err))
		return -1;
	if (s && transport_parse(s, &ev->transport))
		return err_set(err, "\"transport\" unknown: %s", s);
	if (get_str(o, "sensor", &s, err))
		return -1;
	if (s)
		event_set_fixed(ev->sensor, sizeof(ev->sensor), s, strlen(s));
	if (get_str(o, "family", &s, err))
		return -1;
	if (s && strcmp(s, "unknown") != 0)
		event_set_fixed(ev->family, sizeof(ev->family), s, strlen(s));
	if (get_str(o, "session", &s, err))
		return -1;
	if (s)
		event_set_fixed(ev->session, sizeof(ev->session), s, strlen(s));
	v = json_object_get(o, "seq");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
			return err_set(err, "\"seq\" must be a non-negative integer");
		ev->seq = (uint32_t)json_integer_value(v);
	}

	struct {
		const char *key;
		char **field;
	} texts[] = {{"username", &ev->username}, {"password", &ev->password}, {"input", &ev->input},
		     {"url", &ev->url},		  {"cve", &ev->cve}};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (get_str(o, texts[i].key, &s, err))
			return -1;
		if (s)
			event_set_text(texts[i].field, s, strlen(s));
	}
	v = json_object_get(o, "success");
	if (v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return err_set(err, "\"success\" must be true, false or null");
		ev->success = json_is_true(v);
	}
	if (get_str(o, "sha256", &s, err))
		return -1;
	if (s) {
		size_t n = strlen(s);

		if (n != EVENT_SHA256_LEN || strspn(s, "0123456789abcdef") != n)
			return err_set(err, "\"sha256\" must be 64 lowercase hex digits");
		memcpy(ev->sha256, s, n + 1);
	}
	v = json_object_get(o, "packets");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return err_set(err, "\"packets\" must be a non-negative integer");
		ev->packets = (uint64_t)json_integer_value(v);
	}

	/* Everything else is kind-specific detail we keep verbatim. */
	json_t *extra = json_object();
	const char *k;
	json_object_foreach(o, k, v)
		if (!is_canonical_key(k))
			json_object_set(extra, k, v);
	if (json_object_size(extra))
		ev->extra = json_dumps(extra, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(extra);
	return 0;
}

int event_from_json(const char *line, size_t len, struct event *ev, struct err *err)
{
	json_error_t jerr;
	json_t *o;
	int rc;

	event_init(ev);
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return err_set(err, "column %d: %s", jerr.column, jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return err_set(err, "not a JSON object");
	}
	rc = parse_members(o, ev, err);
	json_decref(o);
	if (rc)
		event_free(ev);
	return rc;
}
