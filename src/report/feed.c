/* feed.c - the daily per-network feed and its four formats. */
#include "feed.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/event.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/strtab.h"

#ifndef IOTMON_VERSION
#define IOTMON_VERSION "0.0.0-dev"
#endif

/* Per-network text is built in memory before it is handed on; a network
 * whose feed passes this is refused rather than swapping the host. */
#define FEED_NETWORK_MAX ((size_t)1 << 31)

/* ---- options and small helpers ---- */

static const char *opt_feed_name(const struct feed_options *o)
{
	return o && o->feed_name && *o->feed_name ? o->feed_name : "iotmon-infected-iot";
}

static const char *opt_provider(const struct feed_options *o)
{
	return o && o->provider && *o->provider ? o->provider : "iotmon";
}

static const char *opt_email(const struct feed_options *o)
{
	return o && o->reporter_email && *o->reporter_email ? o->reporter_email : "abuse-reports@localhost";
}

static const char *opt_domain(const struct feed_options *o)
{
	const char *at;

	if (o && o->reporter_domain && *o->reporter_domain)
		return o->reporter_domain;
	at = strchr(opt_email(o), '@');
	return at && at[1] ? at + 1 : "localhost";
}

/* "YYYY-MM-DD HH:MM:SS" (Shadowserver timestamps). */
static void time_ss(int64_t us, char *buf)
{
	char t[TIME_RFC3339_LEN + 1];

	time_format_rfc3339(us, t);
	memcpy(buf, t, 19);
	buf[10] = ' ';
	buf[19] = '\0';
}

/* RFC 3339 with "+00:00", as IntelMQ writes DateTime. */
static void time_intelmq(int64_t us, char *buf)
{
	size_t n;

	time_format_rfc3339(us, buf);
	n = strlen(buf);
	if (n && buf[n - 1] == 'Z')
		memcpy(buf + n - 1, "+00:00", 7); /* buf holds TIME_RFC3339_LEN + 6 */
}

/* RFC 5322 date, UTC: "Sat, 01 Mar 2025 10:15:04 +0000". */
static void time_mail(int64_t us, char *buf, size_t size)
{
	static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t day = time_day_of(us), y, sec = (us - day * US_PER_DAY) / US_PER_SEC;
	unsigned m, d;

	time_civil_from_days(day, &y, &m, &d);
	snprintf(buf, size, "%s, %02u %s %04lld %02d:%02d:%02d +0000", wd[((day % 7) + 7) % 7], d, mon[m - 1],
		 (long long)y, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

/* Printable ASCII copy for mail headers and the plain-text parts: anything
 * else becomes '?', so no value can end a header line or a MIME part. */
static void ascii_copy(char *dst, size_t size, const char *s)
{
	size_t i = 0;

	for (; s && *s && i + 1 < size; s++)
		dst[i++] = (*s >= ' ' && *s < 127) ? *s : '?';
	dst[i] = '\0';
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A UUID in version-4 form derived from the content, so the same incident
 * always gets the same report_id and re-running a day changes no byte. */
static void derived_uuid(const char *seed, char out[37])
{
	char hex[65];

	sha256_hex(seed, strlen(seed), hex);
	hex[12] = '4';
	hex[16] = "89ab"[strtol((char[]){hex[16], 0}, NULL, 16) & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static int put_base64_lines(struct strbuf *b, const unsigned char *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	size_t n = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16;
		size_t k = len - i;

		if (k > 1)
			v |= (unsigned)data[i + 1] << 8;
		if (k > 2)
			v |= data[i + 2];
		line[n++] = tab[(v >> 18) & 63];
		line[n++] = tab[(v >> 12) & 63];
		line[n++] = k > 1 ? tab[(v >> 6) & 63] : '=';
		line[n++] = k > 2 ? tab[v & 63] : '=';
		if (n == 76) {
			line[n++] = '\r';
			line[n++] = '\n';
			if (strbuf_append(b, line, n))
				return -1;
			n = 0;
		}
	}
	if (n) {
		line[n++] = '\r';
		line[n++] = '\n';
		return strbuf_append(b, line, n);
	}
	return 0;
}

static char *base64_string(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* ---- rows ---- */

static const char *application_of(uint16_t port)
{
	switch (port) {
	case 23:
	case 2323:
		return "telnet";
	case 22:
	case 2222:
		return "ssh";
	case 80:
	case 81:
	case 8000:
	case 8080:
	case 8081:
	case 7547:
	case 37215:
	case 52869:
		return "http";
	case 443:
	case 8443:
		return "https";
	case 5555:
		return "adb";
	default:
		return "";
	}
}

/* ---- the day's evidence per listed IP ----
 *
 * Events are not indexed by source in the store, so the day's events are
 * read once in time order and folded into one small summary per listed IP
 * (a hash on the address); strings are interned, so a million hosts trying
 * the same few passwords cost a few bytes each. */

enum { ITEM_CRED, ITEM_CVE, ITEM_URL, ITEM_HASH, ITEM_TYPES };

struct item {
	uint32_t next; /* index + 1 of the IP's next item, 0 last */
	uint32_t a, b; /* string ids (b: the password of a credential) */
	uint8_t type;
};

/* One per (IP, family) that has events: the first of an IP is in the hash
 * (and exists for every listed IP), the others hang off it by next_family.
 * A host seen as Mirai on telnet and as Mozi by an exploit is two rows. */
struct ipsum {
	struct ipaddr ip;
	uint32_t next_family; /* index + 1 of the IP's next family, 0 last */
	uint32_t family; /* string id; valid when has_family */
	uint32_t kinds, events; /* of this family's listing events */
	int64_t first_us, last_us;
	uint32_t head, tail; /* item list, index + 1 */
	uint32_t logins;
	uint16_t src_port, dst_port, login_port;
	uint16_t ports[FEED_MAX_ITEMS];
	uint8_t transport, has_first, has_family, nports, n[ITEM_TYPES];
};

struct daysum {
	struct ipsum *v;
	size_t n, cap;
	uint32_t *slots; /* index + 1 */
	size_t nslots;
	struct item *items;
	size_t nitems, icap;
	struct strtab str;
};

/* The address's 16 bytes folded into 64 bits and mixed (splitmix64's
 * finalizer): consecutive addresses must land far apart. */
static uint64_t ip_hash(const struct ipaddr *a)
{
	uint64_t lo, hi, x;

	memcpy(&lo, a->b, 8);
	memcpy(&hi, a->b + 8, 8);
	x = lo ^ (hi * 0x9e3779b97f4a7c15ULL) ^ a->af;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static size_t slot_of(const struct daysum *ds, const struct ipaddr *ip)
{
	size_t i = ip_hash(ip) & (ds->nslots - 1);

	while (ds->slots[i] && ipaddr_compare(&ds->v[ds->slots[i] - 1].ip, ip) != 0)
		i = (i + 1) & (ds->nslots - 1);
	return i;
}

static void daysum_add(struct daysum *ds, const struct ipaddr *ip)
{
	size_t i;

	if (ds->n * 2 >= ds->nslots) {
		size_t ns = ds->nslots ? ds->nslots * 2 : 1024;

		free(ds->slots);
		ds->slots = xcalloc(ns, sizeof(*ds->slots));
		ds->nslots = ns;
		for (size_t k = 0; k < ds->n; k++)
			ds->slots[slot_of(ds, &ds->v[k].ip)] = (uint32_t)k + 1;
	}
	i = slot_of(ds, ip);
	if (ds->slots[i])
		return;
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 1024;
		ds->v = xrealloc(ds->v, ds->cap * sizeof(*ds->v));
	}
	memset(&ds->v[ds->n], 0, sizeof(ds->v[0]));
	ds->v[ds->n].ip = *ip;
	ds->slots[i] = (uint32_t)++ds->n;
}

static struct ipsum *daysum_find(const struct daysum *ds, const struct ipaddr *ip)
{
	size_t i;

	if (!ds->nslots)
		return NULL;
	i = slot_of(ds, ip);
	return ds->slots[i] ? &ds->v[ds->slots[i] - 1] : NULL;
}

static void daysum_free(struct daysum *ds)
{
	free(ds->v);
	free(ds->slots);
	free(ds->items);
	strtab_free(&ds->str);
	memset(ds, 0, sizeof(*ds));
}

/* Adds (type, a, b) to the IP's list unless it is there or the type is full. */
static void add_item(struct daysum *ds, struct ipsum *p, uint8_t type, const char *a, const char *b)
{
	uint32_t ia, ib = 0;
	struct item *it;

	if (!a || !*a || p->n[type] >= FEED_MAX_ITEMS)
		return;
	ia = strtab_intern(&ds->str, a);
	if (type == ITEM_CRED)
		ib = strtab_intern(&ds->str, b ? b : "");
	for (uint32_t k = p->head; k; k = ds->items[k - 1].next)
		if (ds->items[k - 1].type == type && ds->items[k - 1].a == ia && ds->items[k - 1].b == ib)
			return;
	if (ds->nitems == ds->icap) {
		ds->icap = ds->icap ? ds->icap * 2 : 1024;
		ds->items = xrealloc(ds->items, ds->icap * sizeof(*ds->items));
	}
	it = &ds->items[ds->nitems++];
	it->next = 0;
	it->a = ia;
	it->b = ib;
	it->type = type;
	if (p->tail)
		ds->items[p->tail - 1].next = (uint32_t)ds->nitems;
	else
		p->head = (uint32_t)ds->nitems;
	p->tail = (uint32_t)ds->nitems;
	p->n[type]++;
}

static void add_port(struct ipsum *p, uint16_t port)
{
	size_t i;

	if (!port)
		return;
	for (i = 0; i < p->nports; i++)
		if (p->ports[i] == port)
			return;
	if (p->nports == FEED_MAX_ITEMS)
		return;
	for (i = p->nports; i > 0 && p->ports[i - 1] > port; i--) /* keep ascending */
		p->ports[i] = p->ports[i - 1];
	p->ports[i] = port;
	p->nports++;
}

/* The IP's entry for family ("" when none), made when missing and make is
 * true; else NULL. Returns an index + 1 (entries move when ds->v grows). */
static uint32_t family_entry(struct daysum *ds, uint32_t base, const char *family, bool make)
{
	uint32_t id = strtab_intern(&ds->str, family), k, last = base;

	if (!ds->v[base - 1].has_family) {
		if (!make)
			return 0;
		ds->v[base - 1].has_family = 1;
		ds->v[base - 1].family = id;
		return base;
	}
	for (k = base; k; k = ds->v[k - 1].next_family) {
		if (ds->v[k - 1].family == id)
			return k;
		last = k;
	}
	if (!make)
		return 0;
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 1024;
		ds->v = xrealloc(ds->v, ds->cap * sizeof(*ds->v));
	}
	memset(&ds->v[ds->n], 0, sizeof(ds->v[0]));
	ds->v[ds->n].ip = ds->v[base - 1].ip;
	ds->v[ds->n].has_family = 1;
	ds->v[ds->n].family = id;
	ds->v[last - 1].next_family = (uint32_t)++ds->n;
	return (uint32_t)ds->n;
}

struct fold_ctx {
	struct daysum *ds;
	int64_t day;
};

static int fold_event(const struct event *ev, void *arg)
{
	struct fold_ctx *c = arg;
	struct ipsum *p;

	bool listing = KIND_BIT(ev->kind) & KINDS_INFECTED;
	const char *family = strcmp(ev->family, "unknown") == 0 ? "" : ev->family;
	uint32_t k;

	if (!listing && ev->kind != EVENT_COMMAND)
		return 0;
	p = daysum_find(c->ds, &ev->src);
	if (!p)
		return 0; /* not listed (another network, or unenriched) */
	/* A command belongs to its family's row, or the IP's first. */
	k = family_entry(c->ds, (uint32_t)(p - c->ds->v) + 1, family, listing);
	if (!k && !(k = p->has_family ? (uint32_t)(p - c->ds->v) + 1 : 0))
		return 0;
	p = &c->ds->v[k - 1];
	if (listing) {
		if (!p->events || ev->time_us < p->first_us)
			p->first_us = ev->time_us;
		if (!p->events || ev->time_us > p->last_us)
			p->last_us = ev->time_us;
		p->kinds |= KIND_BIT(ev->kind);
		if (p->events < UINT32_MAX)
			p->events++;
	}
	if (!p->has_first && listing) {
		p->has_first = 1;
		p->transport = (uint8_t)ev->transport;
		p->src_port = ev->src_port;
		p->dst_port = ev->dst_port;
	}
	add_port(p, ev->dst_port);
	switch (ev->kind) {
	case EVENT_LOGIN:
		if (!p->logins)
			p->login_port = ev->dst_port;
		if (p->logins < UINT32_MAX)
			p->logins++;
		if (ev->username)
			add_item(c->ds, p, ITEM_CRED, ev->username, ev->password);
		break;
	case EVENT_EXPLOIT:
		add_item(c->ds, p, ITEM_CVE, ev->cve, NULL);
		add_item(c->ds, p, ITEM_URL, ev->url, NULL);
		break;
	case EVENT_DOWNLOAD:
		add_item(c->ds, p, ITEM_URL, ev->url, NULL);
		add_item(c->ds, p, ITEM_HASH, ev->sha256[0] ? ev->sha256 : NULL, NULL);
		break;
	default:
		break;
	}
	return 0;
}

/* The row of observation d for family entry p (NULL: no events that day).
 * With several families the row's family, kinds, count and times are the
 * family's own; with one, the observation's (counted in full). */
static void derive_row(const struct observation_detail *d, const struct daysum *ds, const struct ipsum *p,
		       bool several, struct feed_row *r)
{
	const struct observation *o;

	memset(r, 0, sizeof(*r));
	r->view = *d->obs;
	if (p && several) {
		snprintf(r->view.family, sizeof(r->view.family), "%s", strtab_get(&ds->str, p->family));
		r->view.kinds = p->kinds;
		r->view.events = p->events;
		r->view.first_us = p->first_us;
		r->view.last_us = p->last_us;
	}
	o = r->obs = &r->view;
	r->device = d->device;
	ipaddr_format(&o->ip, r->ip);
	if (p) {
		for (uint32_t k = p->head; k; k = ds->items[k - 1].next) {
			const struct item *it = &ds->items[k - 1];
			const char *a = strtab_get(&ds->str, it->a);

			switch (it->type) {
			case ITEM_CRED:
				r->users[r->ncreds] = a;
				r->passwords[r->ncreds++] = strtab_get(&ds->str, it->b);
				break;
			case ITEM_CVE:
				r->cves[r->ncves++] = a;
				break;
			case ITEM_URL:
				r->urls[r->nurls++] = a;
				break;
			default:
				r->hashes[r->nhashes++] = a;
				break;
			}
		}
		memcpy(r->ports, p->ports, sizeof(r->ports));
		r->nports = p->nports;
		r->logins = p->logins;
		r->login_port = p->login_port;
	}
	r->transport = p && p->has_first ? transport_name((enum transport)p->transport) : "tcp";
	r->src_port = p ? p->src_port : 0;
	r->dst_port = p ? p->dst_port : 0;
	r->application = application_of(r->dst_port);
	if (o->family[0]) {
		r->taxonomy = "malicious-code";
		r->type = "infected-system";
		r->identifier = o->family;
	} else if (o->kinds & KIND_BIT(EVENT_DOWNLOAD)) {
		r->taxonomy = "malicious-code";
		r->type = "infected-system";
		r->identifier = "iot-malware-download";
	} else if (o->kinds & KIND_BIT(EVENT_EXPLOIT)) {
		r->taxonomy = "intrusion-attempts";
		r->type = "exploit";
		r->identifier = "iot-exploit";
	} else if (o->kinds & KIND_BIT(EVENT_LOGIN)) {
		r->taxonomy = "intrusion-attempts";
		r->type = "brute-force";
		r->identifier = strcmp(r->application, "ssh") == 0 ? "ssh-bruteforce" : "telnet-bruteforce";
	} else {
		r->taxonomy = "information-gathering";
		r->type = "scanner";
		r->identifier = "darknet-scanner";
	}
	r->severity = (o->kinds & (KIND_BIT(EVENT_LOGIN) | KIND_BIT(EVENT_EXPLOIT) | KIND_BIT(EVENT_DOWNLOAD)))
			      ? "critical"
			      : "high";
}

/* The evidence kinds that list a host, in the order feeds name them. */
static const enum event_kind kind_order[] = {EVENT_SCAN, EVENT_LOGIN, EVENT_EXPLOIT, EVENT_DOWNLOAD};

static int put_kinds(struct strbuf *b, uint32_t kinds, const char *sep)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(kind_order) / sizeof(kind_order[0]); i++)
		if (kinds & KIND_BIT(kind_order[i]))
			if ((n++ && strbuf_puts(b, sep)) || strbuf_puts(b, event_kind_name(kind_order[i])))
				return -1;
	return 0;
}

/* ---- csv ---- */

static const char csv_header[] =
	"timestamp,protocol,src_ip,src_port,src_asn,src_geo,src_hostname,device_vendor,device_type,device_model,"
	"severity,dst_port,infection,family,tag,application,username,count,first_seen,last_seen,"
	"password,dst_ports,vulnerability_id,payload_url,payload_sha256,device_version,as_name,evidence,credentials\r\n";

static int csv_list(struct strbuf *b, const char *const *v, size_t n)
{
	struct strbuf t;
	int rc = 0;

	strbuf_init(&t, 0);
	for (size_t i = 0; i < n && !rc; i++)
		rc = (i && strbuf_append(&t, ";", 1)) || strbuf_puts(&t, v[i]);
	rc = rc || csv_put_text(b, t.data);
	strbuf_free(&t);
	return rc ? -1 : 0;
}

/* Every pair tried, as a JSON array of [user, password] arrays: empty
 * names and passwords, ';' and ',' stay unambiguous. */
static int csv_credentials(struct strbuf *b, const struct feed_row *r)
{
	json_t *a = json_array();
	char *text;
	int rc;

	for (size_t i = 0; i < r->ncreds; i++)
		json_array_append_new(a, json_pack("[s,s]", r->users[i], r->passwords[i]));
	text = json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(a);
	rc = text ? csv_put_text(b, r->ncreds ? text : "") : -1;
	free(text);
	return rc;
}

static int csv_put_row(struct strbuf *b, const struct feed_row *r)
{
	const struct observation *o = r->obs;
	const struct device *dv = r->device;
	char ts[TIME_RFC3339_LEN + 1], first[TIME_RFC3339_LEN + 1], last[TIME_RFC3339_LEN + 1],
		ports[FEED_MAX_ITEMS * 6 + 1] = "";
	struct strbuf k;
	size_t pn = 0;
	int rc;

	/* One time format in the row: RFC 3339, UTC, microseconds. */
	time_format_rfc3339(o->first_us, ts);
	time_format_rfc3339(o->first_us, first);
	time_format_rfc3339(o->last_us, last);
	for (size_t i = 0; i < r->nports; i++)
		pn += (size_t)snprintf(ports + pn, sizeof(ports) - pn, "%s%u", i ? ";" : "", r->ports[i]);
	rc = csv_put_text(b, ts) || strbuf_append(b, ",", 1) || csv_put_text(b, r->transport) ||
	     strbuf_append(b, ",", 1) || csv_put_text(b, r->ip) || strbuf_append(b, ",", 1);
	if (!rc && r->src_port)
		rc = strbuf_printf(b, "%u", r->src_port);
	rc = rc || strbuf_append(b, ",", 1);
	if (!rc && o->net.asn)
		rc = strbuf_printf(b, "%u", o->net.asn);
	rc = rc || strbuf_append(b, ",", 1) || csv_put_text(b, o->net.cc) || strbuf_append(b, ",", 1) ||
	     csv_put_text(b, "") || strbuf_append(b, ",", 1) || csv_put_text(b, dv ? dv->vendor : "") ||
	     strbuf_append(b, ",", 1) || csv_put_text(b, dv ? dv->type : "") || strbuf_append(b, ",", 1) ||
	     csv_put_text(b, dv ? dv->model : "") || strbuf_append(b, ",", 1) || csv_put_text(b, r->severity) ||
	     strbuf_append(b, ",", 1);
	if (!rc && r->dst_port)
		rc = strbuf_printf(b, "%u", r->dst_port);
	rc = rc || strbuf_append(b, ",", 1) || csv_put_text(b, o->family) || strbuf_append(b, ",", 1) ||
	     csv_put_text(b, o->family) || strbuf_append(b, ",", 1) || csv_put_text(b, r->identifier) ||
	     strbuf_append(b, ",", 1) || csv_put_text(b, r->application) || strbuf_append(b, ",", 1) ||
	     csv_list(b, r->users, r->ncreds ? 1 : 0) || strbuf_printf(b, ",%u,", o->events) || csv_put_text(b, first) ||
	     strbuf_append(b, ",", 1) || csv_put_text(b, last) || strbuf_append(b, ",", 1) ||
	     csv_list(b, r->passwords, r->ncreds ? 1 : 0) || strbuf_append(b, ",", 1) || csv_put_text(b, ports) ||
	     strbuf_append(b, ",", 1) || csv_list(b, r->cves, r->ncves) || strbuf_append(b, ",", 1) ||
	     csv_list(b, r->urls, r->nurls) || strbuf_append(b, ",", 1) || csv_list(b, r->hashes, r->nhashes) ||
	     strbuf_append(b, ",", 1) || csv_put_text(b, dv ? dv->firmware : "") || strbuf_append(b, ",", 1) ||
	     csv_put_text(b, o->net.as_name) || strbuf_append(b, ",", 1);
	if (rc)
		return -1;
	strbuf_init(&k, 256);
	rc = put_kinds(&k, o->kinds, ";") || csv_put_text(b, k.data) || strbuf_append(b, ",", 1) ||
	     csv_credentials(b, r) || strbuf_append(b, "\r\n", 2);
	strbuf_free(&k);
	return rc ? -1 : 0;
}

static int csv_begin(struct feed_writer *w, bool first)
{
	return first ? strbuf_puts(w->out, csv_header) : 0;
}

static int csv_row(struct feed_writer *w, const struct feed_row *r)
{
	return csv_put_row(w->out, r);
}

static int no_end(struct feed_writer *w)
{
	(void)w;
	return 0;
}

static int no_begin(struct feed_writer *w, bool first)
{
	(void)w;
	(void)first;
	return 0;
}

const struct feed_format feed_csv = {"csv", "csv", csv_begin, csv_row, no_end};

/* ---- shadowserver: the Honeypot-Brute-Force-Events report's layout ----
 *
 * Exactly their columns in their order (the header of a real report, as
 * in IntelMQ's parser test data; docs/internals/feeds.md), so parsers
 * written for that report (IntelMQ's shadowserver parser) read ours. Their
 * rows are attempts: one row per credential pair tried (one when none).
 * The sensor's own address and the columns we do not know stay empty. */

static const char shadowserver_header[] =
	"timestamp,protocol,src_ip,src_port,src_asn,src_geo,src_region,src_city,src_hostname,src_naics,src_sector,"
	"device_vendor,device_type,device_model,dst_ip,dst_port,dst_asn,dst_geo,dst_region,dst_city,dst_hostname,"
	"dst_naics,dst_sector,public_source,infection,family,tag,application,version,event_id,service,start_time,"
	"end_time,client_version,username,password,payload_url,payload_md5\r\n";

static int shadowserver_begin(struct feed_writer *w, bool first)
{
	return first ? strbuf_puts(w->out, shadowserver_header) : 0;
}

static int put_fields(struct strbuf *b, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((i && strbuf_append(b, ",", 1)) || csv_put_text(b, v[i] ? v[i] : ""))
			return -1;
	return 0;
}

static int shadowserver_row(struct feed_writer *w, const struct feed_row *r)
{
	const struct observation *o = r->obs;
	const struct device *dv = r->device;
	char ts[20], start[TIME_RFC3339_LEN + 1], end[TIME_RFC3339_LEN + 1], sport[8] = "", dport[8] = "",
		asn[12] = "", infection[64];
	size_t n = r->ncreds ? r->ncreds : 1;

	time_ss(o->first_us, ts);
	time_format_rfc3339(o->first_us, start);
	time_format_rfc3339(o->last_us, end);
	if (r->src_port)
		snprintf(sport, sizeof(sport), "%u", r->src_port);
	if (r->dst_port)
		snprintf(dport, sizeof(dport), "%u", r->dst_port);
	if (o->net.asn)
		snprintf(asn, sizeof(asn), "%u", o->net.asn);
	/* Their infection names the attack ("telnet-brute-force") when no family is known. */
	if (o->family[0])
		snprintf(infection, sizeof(infection), "%s", o->family);
	else if ((o->kinds & KIND_BIT(EVENT_LOGIN)) && r->login_port)
		snprintf(infection, sizeof(infection), "%s-brute-force",
			 *application_of(r->login_port) ? application_of(r->login_port) : "telnet");
	else
		snprintf(infection, sizeof(infection), "%s", r->identifier);
	for (size_t i = 0; i < n; i++) {
		const char *v[] = {ts,	     r->transport, r->ip,	sport,	  asn,
				   o->net.cc,   "",	     "",	"",	  "",
				   "",	     dv ? dv->vendor : "", dv ? dv->type : "", dv ? dv->model : "", "",
				   dport,	     "",	     "",	"",	  "",
				   "",	     "",	     "",	opt_provider(w->opt), infection,
				   o->family,    r->identifier, r->application, "", "",
				   "",	     start,	     end,	"",	  r->ncreds ? r->users[i] : "",
				   r->ncreds ? r->passwords[i] : "", r->nurls ? r->urls[0] : "", ""};

		if (put_fields(w->out, v, sizeof(v) / sizeof(v[0])) || strbuf_append(w->out, "\r\n", 2))
			return -1;
	}
	return 0;
}

const struct feed_format feed_shadowserver = {"shadowserver", "shadowserver.csv", shadowserver_begin,
					      shadowserver_row, no_end};

/* ---- json helpers ---- */

/* A JSON string; text that is not valid UTF-8 (enrichment data is not
 * sanitized like events are) is cleaned first. */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s);
	char clean[512];

	if (v)
		return v;
	event_set_fixed(clean, sizeof(clean), s, strlen(s));
	return json_string(clean);
}

static void jset_str(json_t *o, const char *k, const char *s)
{
	if (s && *s)
		json_object_set_new(o, k, jstr(s));
}

static json_t *jlist(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

static json_t *jports(const struct feed_row *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nports; i++)
		json_array_append_new(a, json_integer(r->ports[i]));
	return a;
}

static int jdump_line(struct strbuf *b, json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(o);
	if (!text)
		return -1;
	rc = strbuf_puts(b, text) || strbuf_append(b, "\n", 1);
	free(text);
	return rc ? -1 : 0;
}

/* IntelMQ's malware.name: lowercase printable ASCII. */
static int malware_name(const char *family, char *out, size_t size)
{
	size_t i = 0;

	for (; *family && i + 1 < size; family++) {
		if (*family <= ' ' || *family >= 127)
			return -1;
		out[i++] = (char)tolower((unsigned char)*family);
	}
	out[i] = '\0';
	return i ? 0 : -1;
}

/* ---- json (IntelMQ) ---- */

static int json_row(struct feed_writer *w, const struct feed_row *r)
{
	const struct observation *o = r->obs;
	json_t *e = json_object(), *a;
	char t[TIME_RFC3339_LEN + 8], name[EVENT_FAMILY_MAX];

	json_object_set_new(e, "feed.name", jstr(opt_feed_name(w->opt)));
	json_object_set_new(e, "feed.provider", jstr(opt_provider(w->opt)));
	time_intelmq(o->first_us, t);
	json_object_set_new(e, "time.source", json_string(t));
	/* The day's end: when the observation closed. A fixed value keeps a
	 * re-generated feed byte-identical. */
	time_intelmq((o->day + 1) * US_PER_DAY, t);
	json_object_set_new(e, "time.observation", json_string(t));
	json_object_set_new(e, "classification.taxonomy", json_string(r->taxonomy));
	json_object_set_new(e, "classification.type", json_string(r->type));
	if (malware_name(r->identifier, name, sizeof(name)) == 0)
		json_object_set_new(e, "classification.identifier", json_string(name));
	json_object_set_new(e, "source.ip", json_string(r->ip));
	if (r->src_port)
		json_object_set_new(e, "source.port", json_integer(r->src_port));
	if (o->net.asn)
		json_object_set_new(e, "source.asn", json_integer(o->net.asn));
	jset_str(e, "source.as_name", o->net.as_name);
	if (o->net.cc[0])
		json_object_set_new(e, "source.geolocation.cc", json_string(o->net.cc));
	if (w->net && w->net->contact[0])
		json_object_set_new(e, "source.abuse_contact", jstr(w->net->contact));
	if (r->dst_port)
		json_object_set_new(e, "destination.port", json_integer(r->dst_port));
	json_object_set_new(e, "protocol.transport", json_string(r->transport));
	jset_str(e, "protocol.application", r->application);
	if (r->ncreds)
		jset_str(e, "destination.account", r->users[0]);
	if (o->family[0] && malware_name(o->family, name, sizeof(name)) == 0)
		json_object_set_new(e, "malware.name", json_string(name));
	if (r->nhashes)
		json_object_set_new(e, "malware.hash.sha256", jstr(r->hashes[0]));
	if (r->device) {
		jset_str(e, "product.vendor", r->device->vendor);
		jset_str(e, "product.name", r->device->model);
		jset_str(e, "product.version", r->device->firmware);
		jset_str(e, "extra.device_type", r->device->type);
	}
	time_intelmq(o->first_us, t);
	json_object_set_new(e, "extra.first_seen", json_string(t));
	time_intelmq(o->last_us, t);
	json_object_set_new(e, "extra.last_seen", json_string(t));
	json_object_set_new(e, "extra.events", json_integer(o->events));
	a = json_array();
	for (size_t i = 0; i < sizeof(kind_order) / sizeof(kind_order[0]); i++)
		if (o->kinds & KIND_BIT(kind_order[i]))
			json_array_append_new(a, json_string(event_kind_name(kind_order[i])));
	json_object_set_new(e, "extra.evidence", a);
	if (r->nports)
		json_object_set_new(e, "extra.ports", jports(r));
	if (r->logins)
		json_object_set_new(e, "extra.login_attempts", json_integer(r->logins));
	if (r->ncreds) {
		a = json_array();
		for (size_t i = 0; i < r->ncreds; i++)
			json_array_append_new(a, json_pack("{s:o,s:o}", "username", jstr(r->users[i]), "password",
							   jstr(r->passwords[i])));
		json_object_set_new(e, "extra.credentials", a);
	}
	if (r->ncves)
		json_object_set_new(e, "extra.cves", jlist(r->cves, r->ncves));
	if (r->nurls)
		json_object_set_new(e, "extra.payload_urls", jlist(r->urls, r->nurls));
	json_object_set_new(e, "tlp", json_string("AMBER"));
	return jdump_line(w->out, e);
}

const struct feed_format feed_json = {"json", "json", no_begin, json_row, no_end};

/* ---- xarf (v4 JSON) ---- */

static json_t *xarf_party(const struct feed_options *opt)
{
	return json_pack("{s:o,s:o,s:o}", "org", jstr(opt_provider(opt)), "contact", jstr(opt_email(opt)), "domain",
			 jstr(opt_domain(opt)));
}

static int xarf_row(struct feed_writer *w, const struct feed_row *r)
{
	const struct observation *o = r->obs;
	json_t *x = json_object(), *tags = json_array(), *ev;
	char seed[256], uuid[37], t[TIME_RFC3339_LEN + 1], day[11], hex[65], name[EVENT_FAMILY_MAX];
	struct strbuf csv;
	bool login = (o->kinds & KIND_BIT(EVENT_LOGIN)) && r->src_port;
	bool scan = !login && o->kinds == KIND_BIT(EVENT_SCAN) && r->src_port;
	char *b64;

	time_format_day(o->day, day);
	snprintf(seed, sizeof(seed), "xarf|%s|%s|%s", day, r->ip, opt_domain(w->opt));
	derived_uuid(seed, uuid);
	json_object_set_new(x, "xarf_version", json_string("4.2.0"));
	json_object_set_new(x, "report_id", json_string(uuid));
	time_format_rfc3339(o->first_us, t);
	json_object_set_new(x, "timestamp", json_string(t));
	json_object_set_new(x, "reporter", xarf_party(w->opt));
	json_object_set_new(x, "sender", xarf_party(w->opt));
	json_object_set_new(x, "source_identifier", json_string(r->ip));
	if (r->src_port)
		json_object_set_new(x, "source_port", json_integer(r->src_port));
	if (login || scan) {
		/* Types that need protocol, first_seen and (for an IP) the
		 * source port; without a port the incident goes as a botnet. */
		json_object_set_new(x, "category", json_string("connection"));
		json_object_set_new(x, "type", json_string(login ? "login_attack" : "port_scan"));
		json_object_set_new(x, "protocol", json_string(strcmp(r->transport, "udp") == 0 ? "udp" : "tcp"));
		json_object_set_new(x, "first_seen", json_string(t));
	} else {
		struct strbuf why;

		json_object_set_new(x, "category", json_string("infrastructure"));
		json_object_set_new(x, "type", json_string("botnet"));
		strbuf_init(&why, 1000);
		strbuf_printf(&why, "observed by a honeypot or telescope: ");
		put_kinds(&why, o->kinds, ", ");
		if (r->ncves)
			strbuf_printf(&why, "; exploit %s", r->cves[0]);
		json_object_set_new(x, "compromise_evidence", jstr(why.data));
		strbuf_free(&why);
		if (o->family[0])
			json_object_set_new(x, "malware_family", jstr(o->family));
	}
	json_object_set_new(x, "evidence_source",
			    json_string(o->kinds == KIND_BIT(EVENT_SCAN) ? "traffic_analysis" : "honeypot"));
	time_format_rfc3339(o->last_us, t);
	json_object_set_new(x, "last_seen", json_string(t));
	if (r->dst_port)
		json_object_set_new(x, "destination_port", json_integer(r->dst_port));
	/* The evidence: this host's CSV feed row with its header. */
	strbuf_init(&csv, 0);
	strbuf_puts(&csv, csv_header);
	csv_put_row(&csv, r);
	b64 = base64_string((const unsigned char *)csv.data, csv.len);
	sha256_hex(csv.data, csv.len, hex);
	snprintf(seed, sizeof(seed), "sha256:%s", hex);
	ev = json_pack("{s:s,s:s,s:s,s:s,s:I}", "content_type", "text/csv", "payload", b64, "description",
		       "feed row (Shadowserver-style columns)", "hash", seed, "size", (json_int_t)csv.len);
	free(b64);
	strbuf_free(&csv);
	json_object_set_new(x, "evidence", json_pack("[o]", ev));
	if (o->family[0] && malware_name(o->family, name, sizeof(name)) == 0) {
		snprintf(seed, sizeof(seed), "malware:%s", name);
		json_array_append_new(tags, json_string(seed));
	}
	if (r->application[0]) {
		snprintf(seed, sizeof(seed), "service:%s", r->application);
		json_array_append_new(tags, json_string(seed));
	}
	json_object_set_new(x, "tags", tags);
	return jdump_line(w->out, x);
}

const struct feed_format feed_xarf = {"xarf", "xarf.json", no_begin, xarf_row, no_end};

/* ---- xarf-mail (X-ARF 0.2: one report, one source, per mail) ----
 *
 * X-ARF 0.2 allows one report per mail, so each row (address, family) is
 * its own message: a text for people, report.txt (one YAML document) and
 * evidence.csv (the row in the csv format). A network's messages form an
 * mbox (each starts with a "From " line); To: is the network's abuse
 * contact (the contacts file first). */

static int mail_begin(struct feed_writer *w, bool first)
{
	(void)w;
	(void)first;
	return 0;
}

/* The Message-ID of a row's mail: day, network and source (':' of IPv6
 * is not allowed there). Also the key of its delivery (outbox.c). */
static void mail_id(const struct feed_writer *w, const struct feed_row *r, char *buf, size_t size)
{
	char day[11], ip[IPADDR_STRLEN];

	time_format_day(w->net->day, day);
	snprintf(ip, sizeof(ip), "%s", r->ip);
	for (char *p = ip; *p; p++)
		if (*p == ':')
			*p = '-';
	snprintf(buf, size, "xarf-%s-AS%u-%s%s%s@%s", day, w->net->asn, ip, r->obs->family[0] ? "-" : "",
		 r->obs->family, opt_domain(w->opt));
	for (char *p = buf; *p; p++)
		if (!(*p == '-' || *p == '.' || *p == '@' || *p == '_' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			*p = '_'; /* family names come from outside */
}

/* The YAML report of one source. Only values we generate (addresses,
 * numbers, fixed words) go here; attacker text stays in the CSV part.
 * Report-ID and Version are single-quoted as a YAML dumper would (they
 * look like numbers). */
static int mail_report(struct feed_writer *w, const struct feed_row *r, struct strbuf *y, const char *type,
		       bool login)
{
	const struct observation *o = r->obs;
	char date[64], day[11];

	time_mail(o->first_us, date, sizeof(date));
	time_format_day(o->day, day);
	if (strbuf_printf(y,
			  "---\r\nReported-From: %s\r\nCategory: abuse\r\nReport-Type: %s\r\n"
			  "Report-ID: '%.4s%.2s%.2s-%u-%zu@%s'\r\nDate: %s\r\nSource: %s\r\nSource-Type: %s\r\n",
			  opt_email(w->opt), type, day, day + 5, day + 8, o->net.asn, w->rows, opt_domain(w->opt),
			  date, r->ip, o->ip.af == 6 ? "ipv6" : "ipv4"))
		return -1;
	if (login && strbuf_printf(y, "Service: %s\r\nPort: %u\r\n",
				   *application_of(r->login_port) ? application_of(r->login_port) : "telnet",
				   r->login_port))
		return -1;
	return strbuf_printf(y,
			     "Occurances: %u\r\nAttachment: text/csv\r\n"
			     "Schema-URL: http://www.x-arf.org/schema/abuse_%s_%s.json\r\n"
			     "User-Agent: iotmon %s\r\nVersion: '0.2'\r\n",
			     o->events, type, login ? "0.1.2" : "0.1.0", IOTMON_VERSION);
}

static int mail_row(struct feed_writer *w, const struct feed_row *r)
{
	const struct feed_network *n = w->net;
	const struct observation *o = r->obs;
	struct strbuf *b = w->out;
	char day[11], date[64], boundary[64], name[160], provider[160], contact[256], id[300];
	int64_t end_us = (n->day + 1) * US_PER_DAY;
	bool login = (o->kinds & KIND_BIT(EVENT_LOGIN)) && r->login_port;
	const char *type = login ? "login-attack" : "hack-attack";
	struct strbuf k;
	int rc;

	strbuf_reset(&w->aux);
	strbuf_reset(&w->aux2);
	if (strbuf_puts(&w->aux, csv_header) || csv_put_row(&w->aux, r) || mail_report(w, r, &w->aux2, type, login))
		return -1;
	time_format_day(n->day, day);
	time_mail(end_us, date, sizeof(date));
	mail_id(w, r, id, sizeof(id));
	snprintf(boundary, sizeof(boundary), "xarf-%s-AS%u-%zu", day, n->asn, w->rows);
	ascii_copy(name, sizeof(name), n->as_name);
	ascii_copy(provider, sizeof(provider), opt_provider(w->opt));
	for (char *p = provider; *p; p++)
		if (*p == '"' || *p == '\\')
			*p = '\'';
	ascii_copy(contact, sizeof(contact), n->contact);
	{
		/* mbox "From " line: asctime-style date of the day's end. */
		static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
		static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
						  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
		int64_t y;
		unsigned m, d;

		time_civil_from_days(n->day + 1, &y, &m, &d);
		if (strbuf_printf(b, "From iotmon %s %s %2u 00:00:00 %lld\r\n", wd[((n->day + 1) % 7 + 7) % 7],
				  mon[m - 1], d, (long long)y))
			return -1;
	}
	if (strbuf_printf(b, "From: \"%s\" <%s>\r\n", provider, opt_email(w->opt)) ||
	    (contact[0] && strbuf_printf(b, "To: %s\r\n", contact)) ||
	    strbuf_printf(b,
			  "Subject: abuse report about %s in AS%u - %s\r\n"
			  "Date: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"
			  "Auto-Submitted: auto-generated\r\nX-XARF: PLAIN\r\n"
			  "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
			  "This is a multi-part message in MIME format (X-ARF 0.2).\r\n\r\n",
			  r->ip, n->asn, day, date, id, boundary))
		return -1;
	/* Part 1: for people. */
	strbuf_init(&k, 256);
	rc = put_kinds(&k, o->kinds, ", ");
	rc = rc || strbuf_printf(b,
				 "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
				 "This is an automated report from %s.\r\n\r\n"
				 "On %s (UTC), the host %s in your network AS%u%s%s%s behaved like an infected\r\n"
				 "IoT device towards our sensors (honeypots and a network telescope): %s.\r\n\r\n"
				 "report.txt holds the X-ARF 0.2 report; evidence.csv lists the host with first\r\n"
				 "and last seen, ports, credentials tried, CVEs, payloads and the device when\r\n"
				 "known. Please contact the customer behind this address: the device is likely\r\n"
				 "compromised and attacks others.\r\n\r\n",
				 boundary, provider, day, r->ip, n->asn, name[0] ? " (" : "", name, name[0] ? ")" : "",
				 k.data ? k.data : "");
	strbuf_free(&k);
	if (rc)
		return -1;
	/* Part 2: the report (YAML). */
	if (strbuf_printf(b,
			  "--%s\r\nContent-Type: text/plain; charset=utf-8; name=\"report.txt\"\r\n"
			  "Content-Transfer-Encoding: 8bit\r\n\r\n",
			  boundary) ||
	    strbuf_append(b, w->aux2.data, w->aux2.len) || strbuf_puts(b, "\r\n"))
		return -1;
	/* Part 3: the evidence; base64 because it holds attacker text. */
	if (strbuf_printf(b,
			  "--%s\r\nContent-Type: text/csv; charset=utf-8; name=\"evidence.csv\"\r\n"
			  "Content-Disposition: attachment; filename=\"evidence.csv\"\r\n"
			  "Content-Transfer-Encoding: base64\r\n\r\n",
			  boundary) ||
	    put_base64_lines(b, (const unsigned char *)w->aux.data, w->aux.len) ||
	    strbuf_printf(b, "--%s--\r\n", boundary))
		return -1;
	return 0;
}

const struct feed_format feed_xarf_mail = {"xarf-mail", "mbox", mail_begin, mail_row, no_end};

static const struct feed_format *const formats[] = {&feed_csv,	&feed_json, &feed_xarf, &feed_xarf_mail,
						    &feed_shadowserver, NULL};

const struct feed_format *feed_format_find(const char *name)
{
	for (int i = 0; formats[i]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const char *feed_format_names(void)
{
	return "csv|json|xarf|xarf-mail|shadowserver";
}

/* ---- the generator ---- */

#define MAX_FORMATS 8

struct gen {
	const struct feed_query *q;
	const struct feed_format *const *fmts;
	size_t nfmts;
	const struct feed_options *opt;
	bool standalone, open;
	enum { LIST_ALL, LIST_ONE, LIST_UNKNOWN } mode;
	feed_network_fn fn;
	void *arg;
	struct feed_network net;
	struct feed_writer w[MAX_FORMATS];
	struct strbuf out[MAX_FORMATS];
	bool started[MAX_FORMATS];
	struct daysum ds;
	struct err *err;
};

static int close_network(struct gen *g)
{
	int rc = 0;

	if (!g->open)
		return 0;
	g->open = false;
	g->net.rows = g->w[0].rows;
	for (size_t i = 0; i < g->nfmts; i++) {
		if (g->fmts[i]->end(&g->w[i]) || g->out[i].overflow)
			return err_set(g->err, "feed of AS%u too large", g->net.asn);
		rc = g->fn(&g->net, g->fmts[i], g->out[i].data, g->out[i].len, g->arg);
		strbuf_reset(&g->out[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int open_network(struct gen *g, const struct observation_detail *d)
{
	const struct observation *o = d->obs;
	const char *contact = g->opt ? contacts_find(g->opt->contacts, o->net.asn) : NULL;

	memset(&g->net, 0, sizeof(g->net));
	g->net.day = o->day;
	g->net.asn = o->net.asn;
	snprintf(g->net.as_name, sizeof(g->net.as_name), "%s",
		 o->net.as_name[0] ? o->net.as_name : d->network ? d->network->name : "");
	snprintf(g->net.cc, sizeof(g->net.cc), "%s", d->network && d->network->cc[0] ? d->network->cc : o->net.cc);
	/* The networks table's contact comes from outside data (registry
	 * lookups): used only when it is a plain address list. */
	if (!contact && d->network && contacts_valid_list(d->network->abuse_contact))
		contact = d->network->abuse_contact;
	snprintf(g->net.contact, sizeof(g->net.contact), "%s", contact ? contact : "");
	g->net.in_focus = g->q->nfocus == 0;
	g->open = true;
	for (size_t i = 0; i < g->nfmts; i++) {
		g->w[i].net = &g->net;
		g->w[i].rows = 0;
		if (g->fmts[i]->begin(&g->w[i], g->standalone || !g->started[i]))
			return err_set(g->err, "feed of AS%u too large", g->net.asn);
		g->started[i] = true;
	}
	return 0;
}

static int on_detail(const struct observation_detail *d, void *arg)
{
	struct gen *g = arg;
	struct feed_row r;
	int rc;

	if (g->mode == LIST_ALL && d->obs->net.asn == 0)
		return 0; /* not enriched: no network to tell */
	if (g->mode == LIST_UNKNOWN && d->obs->net.asn != 0)
		return 0;
	if (!g->open || d->obs->net.asn != g->net.asn) {
		if ((rc = close_network(g)) || (rc = open_network(g, d)))
			return rc;
	}
	for (size_t i = 0; i < g->q->nfocus && !g->net.in_focus; i++)
		if (strcasecmp(g->q->focus[i], d->obs->net.cc) == 0)
			g->net.in_focus = true;
	const struct ipsum *base = daysum_find(&g->ds, &d->obs->ip), *p = base && base->has_family ? base : NULL;
	bool several = p && p->next_family;

	do {
		derive_row(d, &g->ds, p, several, &r);
		for (size_t i = 0; i < g->nfmts; i++) {
			if (g->fmts[i]->row(&g->w[i], &r))
				return err_set(g->err, "feed of AS%u too large", g->net.asn);
			g->w[i].rows++;
		}
		p = p && p->next_family ? &g->ds.v[p->next_family - 1] : NULL;
	} while (p);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int collect_ip(const struct observation *o, void *arg)
{
	daysum_add(arg, &o->ip);
	return 0;
}

/* Runs query over the observations the feed lists: every enriched one for
 * LIST_ALL, else those of one ASN (asn 0: the unenriched). */
static int each_listed(struct store *s, struct gen *g, struct obs_filter *f, uint32_t asn, bool details)
{
	f->has_asn = g->mode == LIST_ONE;
	f->asn = asn;
	if (details)
		return store_query_observation_details(s, f, on_detail, g, g->err);
	return store_query_observations(s, f, collect_ip, &g->ds, g->err);
}

int feed_generate(struct store *s, const struct feed_query *q, const struct feed_format *const *fmts, size_t nfmts,
		  const struct feed_options *opt, bool standalone, feed_network_fn fn, void *arg, struct err *err)
{
	struct gen g = {.q = q, .fmts = fmts, .nfmts = nfmts, .opt = opt, .standalone = standalone, .fn = fn,
			.arg = arg, .err = err};
	struct fold_ctx fc = {.ds = &g.ds, .day = q->day};
	struct event_filter ef;
	struct obs_filter f;
	uint32_t *asns = NULL;
	size_t n = 0;
	int rc = 0;

	if (nfmts == 0 || nfmts > MAX_FORMATS)
		return err_set(err, "feed: between 1 and %d formats", MAX_FORMATS);
	obs_filter_init(&f);
	f.day_from = f.day_to = q->day;
	if (q->asns && q->nasns) {
		asns = xmalloc(q->nasns * sizeof(*asns));
		memcpy(asns, q->asns, q->nasns * sizeof(*asns));
		qsort(asns, q->nasns, sizeof(*asns), cmp_u32);
		for (size_t i = 0; i < q->nasns; i++)
			if (i == 0 || asns[i] != asns[n - 1])
				asns[n++] = asns[i];
	}
	/* 1: the listed IPs; 2: the day's events, once, folded per IP. */
	if (!asns) {
		g.mode = LIST_ALL;
		rc = each_listed(s, &g, &f, 0, false);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		g.mode = asns[i] ? LIST_ONE : LIST_UNKNOWN;
		rc = each_listed(s, &g, &f, asns[i], false);
	}
	if (!rc && g.ds.n) {
		event_filter_init(&ef);
		ef.since_us = q->day * US_PER_DAY;
		ef.until_us = (q->day + 1) * US_PER_DAY;
		rc = store_query_events(s, &ef, fold_event, &fc, err);
	}
	/* 3: the rows, network by network. */
	for (size_t i = 0; i < nfmts; i++) {
		g.w[i].fmt = fmts[i];
		g.w[i].opt = opt;
		strbuf_init(&g.out[i], FEED_NETWORK_MAX);
		g.w[i].out = &g.out[i];
		strbuf_init(&g.w[i].aux, FEED_NETWORK_MAX);
		strbuf_init(&g.w[i].aux2, FEED_NETWORK_MAX);
	}
	if (!rc && !asns) {
		g.mode = LIST_ALL;
		rc = each_listed(s, &g, &f, 0, true);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		g.mode = asns[i] ? LIST_ONE : LIST_UNKNOWN;
		rc = each_listed(s, &g, &f, asns[i], true);
	}
	if (!rc)
		rc = close_network(&g);
	for (size_t i = 0; i < nfmts; i++) {
		strbuf_free(&g.out[i]);
		strbuf_free(&g.w[i].aux);
		strbuf_free(&g.w[i].aux2);
	}
	daysum_free(&g.ds);
	free(asns);
	return rc;
}

struct write_ctx {
	struct strbuf *out;
	FILE *fp;
	size_t networks, rows;
	struct err *err;
};

static int write_network(const struct feed_network *net, const struct feed_format *fmt, const char *text,
			 size_t len, void *arg)
{
	struct write_ctx *c = arg;

	(void)fmt;
	c->networks++;
	c->rows += net ? net->rows : 0;
	if (c->fp) {
		if (len && fwrite(text, 1, len, c->fp) != len)
			return err_set(c->err, "write error");
		return 0;
	}
	if (strbuf_append(c->out, text, len))
		return err_set(c->err, "feed larger than the output allows");
	return 0;
}

static int write_any(struct store *s, int64_t day, const uint32_t *asns, size_t nasns, const char *format,
		     const struct feed_options *opt, struct strbuf *out, FILE *fp, struct err *err)
{
	const struct feed_format *fmt = feed_format_find(format);
	struct feed_query q = {.day = day, .asns = asns, .nasns = nasns};
	struct write_ctx c = {.out = out, .fp = fp, .err = err};
	struct feed_options o = {0};

	if (!fmt)
		return err_set(err, "unknown feed format \"%s\" (%s)", format, feed_format_names());
	if (opt)
		o = *opt;
	if (feed_generate(s, &q, &fmt, 1, &o, false, write_network, &c, err))
		return -1;
	if (o.rows)
		*o.rows += c.rows;
	/* A CSV feed without hosts is still a CSV file: its header. */
	if (c.networks == 0 && fmt == &feed_csv)
		return write_network(NULL, fmt, csv_header, strlen(csv_header), &c);
	if (c.networks == 0 && fmt == &feed_shadowserver)
		return write_network(NULL, fmt, shadowserver_header, strlen(shadowserver_header), &c);
	return 0;
}

int feed_write(struct store *s, int64_t day, const uint32_t *asns, size_t nasns, const char *format,
	       const struct feed_options *opt, struct strbuf *out, struct err *err)
{
	return write_any(s, day, asns, nasns, format, opt, out, NULL, err);
}

int feed_write_file(struct store *s, int64_t day, const uint32_t *asns, size_t nasns, const char *format,
		    const struct feed_options *opt, FILE *fp, struct err *err)
{
	return write_any(s, day, asns, nasns, format, opt, NULL, fp, err);
}
