/* honeypot.c - listeners, sessions, limits and evidence on one epoll loop. */
#include "honeypot.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "analysis/family.h"
#include "core/datadir.h"
#include "core/ipaddr.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "cowrie_log.h"
#include "exploits.h"
#include "http.h"
#include "http_reply.h"
#include "login.h"
#include "profile.h"
#include "shell.h"
#include "telnet.h"

/* /metrics: honeypot sessions open in this process. */
static struct metric *sessions_gauge(void)
{
	static struct metric *m;

	return metric_cached(&m, "iotmon_sessions_open", "sensor=\"honeypot\"", METRIC_GAUGE,
			     "honeypot sessions open now");
}

#define MAX_LISTENERS 32
#define READ_CHUNK 4096
#define READ_ROUNDS 1 /* reads per wake-up: a flooding session waits its turn like the others */
#define HTTP_HEAD_MAX 16384
#define HTTP_BODY_MAX 65536
#define SWEEP_US (250 * 1000)
#define ACCEPT_PAUSE_US (200 * 1000) /* out of descriptors: accepting rests this long */
#define SESSION_MIN_MEM 16384 /* room a new session needs under the budget */
#define REFUSALS_MAX 4096 /* distinct (source, port, reason) kept per report interval */
#define HP_MMAP_THRESHOLD (4 * 1024)
#define TRIM_BYTES (4u << 20) /* freed session memory that is handed back to the system */
#define SHELL_TERM_WIDTH 80

enum proto { P_TELNET, P_HTTP };
enum obj_kind { OBJ_LISTENER, OBJ_SESSION, OBJ_WAKE };

struct listener {
	enum obj_kind kind; /* first: epoll data points here */
	enum proto proto;
	int fd;
	char addr[IPADDR_STRLEN + 8];
	uint16_t port;
	struct ipaddr ip; /* bound address; af 0 when a wildcard */
	const struct hp_profile *profile;
};

struct ipcount {
	struct ipaddr ip;
	unsigned n;
	struct ipcount *next;
};

/* Refused connections of one source, port and reason, counted until the
 * next report: a flood of refusals is one event, not one each. */
struct refusal {
	struct ipaddr ip;
	const struct listener *l;
	const char *reason;
	uint16_t dst_port;
	uint64_t n;
	int64_t first_us;
	struct refusal *next;
};

struct session {
	enum obj_kind kind;
	enum proto proto;
	int fd;
	struct honeypot *hp;
	const struct hp_profile *profile;
	struct session *prev, *next; /* all live sessions */
	struct event base; /* common fields of its events */
	int64_t start_us, start_mono, last_mono;
	uint64_t bytes_in;
	int64_t window_mono; /* start of the current min_input_rate window */
	uint64_t window_bytes; /* received in it */
	size_t mem; /* bytes charged to the memory budget */
	uint32_t next_seq;
	unsigned commands, attempts;
	/* telnet */
	struct telnet tn;
	struct hp_login login; /* login dialogue, then the shell's tty */
	struct shell *sh;
	int64_t wake_mono; /* the delayed "Login incorrect" is due */
	struct session *wake_next; /* in honeypot.wakers while waiting */
	struct family_tracker fam;
	/* input line (telnet) or request (http); grows up to its bound */
	char *in;
	size_t in_len, in_cap;
	/* output the peer has not taken yet */
	uint8_t *out;
	size_t out_len, out_cap;
	bool want_close_after_write;
	bool more_input; /* input of this read is still to be handled */
	bool epollout; /* EPOLLOUT armed */
	/* [0] is the session event, emitted at the end; the others are handed
	 * to the sink as soon as the input that made them is handled */
	struct event *evs;
	size_t nev, evcap;
};

struct honeypot {
	struct honeypot_config cfg;
	struct sink *sink;
	struct hp_profiles *profiles;
	struct hp_credentials creds;
	struct hp_exploits *exploits;
	struct cowrie_log *cowrie;
	int cowrie_next; /* the new day's Cowrie log, handed over by another thread; -1: none */
	struct listener listeners[MAX_LISTENERS];
	size_t nlisteners;
	int ep;
	struct {
		enum obj_kind kind;
		int fd;
	} wake;
	pthread_t thread;
	bool running;
	int stopping;
	struct session *sessions, *graveyard;
	struct session *wakers; /* sessions with a delayed answer pending */
	unsigned nsessions;
	struct ipcount *ipt[4096], *nett[4096]; /* per address, per /24 or /64 */
	size_t mem_used; /* sum of the sessions' mem */
	size_t freed_untrimmed; /* session memory freed since it was last handed back */
	struct refusal *refusals[4096];
	size_t nrefusals;
	uint64_t refused_unrecorded; /* past REFUSALS_MAX: only counted */
	int64_t refusals_since;
	bool accept_paused;
	int64_t accept_resume_mono;
	uint64_t id_seed, id_counter;
	char describe[1024];
};

/* ---- configuration ------------------------------------------------------ */

int honeypot_config_from(const struct config *cfg, struct honeypot_config *hc, struct err *err)
{
	const char *s = "honeypot";

	memset(hc, 0, sizeof(*hc));
	hc->telnet = config_str(cfg, s, "telnet");
	hc->http = config_str(cfg, s, "http");
	hc->profile = config_str(cfg, s, "profile");
	hc->port_profiles = config_str(cfg, s, "port_profiles");
	hc->cowrie_log = config_str(cfg, s, "cowrie_log");
	hc->cowrie_retention_days = (int)config_int(cfg, "store", "retention_days");
	hc->sensor = config_str(cfg, "general", "sensor_name");
	hc->accept_listed = config_bool(cfg, s, "accept_default_credentials");
	hc->accept_after = (unsigned)config_int(cfg, s, "accept_after");
	hc->lim.max_sessions = (unsigned)config_int(cfg, s, "max_sessions");
	hc->lim.max_per_ip = (unsigned)config_int(cfg, s, "max_sessions_per_ip");
	hc->lim.max_per_prefix = (unsigned)config_int(cfg, s, "max_sessions_per_prefix");
	hc->lim.memory_budget = (size_t)config_int(cfg, s, "memory_budget");
	hc->lim.min_input_rate = (unsigned)config_int(cfg, s, "min_input_rate");
	hc->lim.input_window_ms = (int)config_int(cfg, s, "input_window_ms");
	hc->lim.refused_report_ms = (int)config_int(cfg, s, "refused_report_ms");
	hc->lim.max_commands = (unsigned)config_int(cfg, s, "max_commands");
	hc->lim.max_login_attempts = (unsigned)config_int(cfg, s, "max_login_attempts");
	hc->lim.max_bytes = (size_t)config_int(cfg, s, "max_session_bytes");
	hc->lim.output_max = (size_t)config_int(cfg, s, "max_pending_output");
	hc->lim.payload_max = (size_t)config_int(cfg, s, "max_payload_bytes");
	hc->lim.idle_ms = (int)config_int(cfg, s, "idle_timeout_ms");
	hc->lim.session_ms = (int)config_int(cfg, s, "session_timeout_ms");
	hc->lim.request_ms = (int)config_int(cfg, s, "request_timeout_ms");
	hc->lim.login_delay_ms = (int)config_int(cfg, s, "login_delay_ms");
	if (!datadir_path(cfg, "profiles.json", hc->profiles_path, sizeof(hc->profiles_path)) ||
	    !datadir_path(cfg, config_str(cfg, s, "credentials"), hc->credentials_path,
			  sizeof(hc->credentials_path)) ||
	    !datadir_path(cfg, "exploits.tsv", hc->exploits_path, sizeof(hc->exploits_path)))
		return err_set(err, "data folder path too long");
	return 0;
}

/* ---- small helpers ------------------------------------------------------ */

static unsigned ip_bucket(const struct ipaddr *ip)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ ip->b[i]) * 16777619u;
	return h & 4095;
}

static struct ipcount **ip_slot(struct ipcount **table, const struct ipaddr *ip)
{
	struct ipcount **pp = &table[ip_bucket(ip)];

	while (*pp && !ipaddr_equal(&(*pp)->ip, ip))
		pp = &(*pp)->next;
	return pp;
}

static unsigned ip_count(struct ipcount **table, const struct ipaddr *ip)
{
	struct ipcount *c = *ip_slot(table, ip);

	return c ? c->n : 0;
}

static void ip_add(struct ipcount **table, const struct ipaddr *ip, int delta)
{
	struct ipcount **pp = ip_slot(table, ip);

	if (!*pp) {
		if (delta < 0)
			return;
		*pp = xcalloc(1, sizeof(**pp));
		(*pp)->ip = *ip;
	}
	(*pp)->n = (unsigned)((int)(*pp)->n + delta);
	if ((*pp)->n == 0) {
		struct ipcount *dead = *pp;

		*pp = dead->next;
		free(dead);
	}
}

/* The source's network: its /24 (IPv4) or /64 (IPv6). One host behind
 * many addresses of its network is still one attacker. */
static struct ipaddr ip_prefix(const struct ipaddr *ip)
{
	struct ipaddr net = *ip;
	int keep = ip->af == 4 ? 3 : 8; /* v4 sits in the first four bytes */

	memset(net.b + keep, 0, 16 - (size_t)keep);
	return net;
}

static void tables_free(struct ipcount **table)
{
	for (int i = 0; i < 4096; i++)
		while (table[i]) {
			struct ipcount *c = table[i];

			table[i] = c->next;
			free(c);
		}
}

/* A 12-hex-digit session id like Cowrie's: unique in this process, not
 * guessable across runs. */
static void new_session_id(struct honeypot *hp, char *out)
{
	uint64_t z = hp->id_seed + (++hp->id_counter) * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	snprintf(out, 13, "%012llx", (unsigned long long)(z & UINT64_C(0xffffffffffff)));
}

static void sockaddr_to(const struct sockaddr_storage *ss, struct ipaddr *ip, uint16_t *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		ipaddr_from_v4(ntohl(in->sin_addr.s_addr), ip);
		*port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		ipaddr_from_v6(in6->sin6_addr.s6_addr, ip);
		*port = ntohs(in6->sin6_port);
	} else {
		memset(ip, 0, sizeof(*ip));
		*port = 0;
	}
}

static void sha256_hex(const uint8_t *data, size_t n, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Appends text (already sanitized: valid UTF-8, no control bytes) as the
 * inside of a JSON string. */
static void json_text(struct strbuf *b, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			strbuf_append(b, "\\", 1);
		strbuf_append(b, c, 1);
	}
}

/* ---- events ------------------------------------------------------------- */

/* A new event of the session, held until the session ends. */
static const char *proto_name(enum proto p);
static void close_session(struct session *s, const char *reason);

static struct event *add_event(struct session *s, enum event_kind kind)
{
	struct event *ev;

	if (s->nev == s->evcap) {
		s->evcap = s->evcap ? s->evcap * 2 : 4;
		s->evs = xrealloc(s->evs, s->evcap * sizeof(*s->evs));
	}
	ev = &s->evs[s->nev];
	*ev = s->base;
	ev->kind = kind;
	ev->time_us = time_now_us();
	ev->seq = s->next_seq++;
	s->nev++;
	return ev;
}

/* Hands the session's new events to the sink as they happen, so a crash
 * loses at most the sink's commit interval, and nothing piles up in a long
 * session. They carry the family known so far; the session event, [0],
 * waits for the end and carries the family of the whole dialogue. */
static void emit_pending(struct session *s)
{
	const char *fam = family_name(&s->fam);

	for (size_t i = 1; i < s->nev; i++) {
		if (strcmp(fam, "unknown") != 0)
			event_set_fixed(s->evs[i].family, sizeof(s->evs[i].family), fam, strlen(fam));
		sink_emit(s->hp->sink, &s->evs[i]);
		event_free(&s->evs[i]);
	}
	if (s->nev > 1)
		s->nev = 1;
}

/* ---- memory budget ------------------------------------------------------ */

/* What the sessions' own blocks may hold: the budget bounds the memory
 * the process gains under attack, and a quarter of it is left for what
 * sessions cause but do not hold (the allocator's arena and headers,
 * events on their way to the store: 6-8 MB in a 640-session flood). */
static size_t session_budget(const struct honeypot *hp)
{
	return hp->cfg.lim.memory_budget - hp->cfg.lim.memory_budget / 4;
}

/* Closes the biggest sessions until need more bytes fit in the budget:
 * whoever holds the most pays, not the newcomer, so a flood of big
 * sessions cannot lock other clients out. Runs only under pressure. */
static void make_room(struct honeypot *hp, size_t need)
{
	while (hp->mem_used + need > session_budget(hp)) {
		struct session *big = NULL;

		for (struct session *x = hp->sessions; x; x = x->next)
			if (!big || x->mem > big->mem)
				big = x;
		if (!big)
			return;
		close_session(big, "memory_budget");
	}
}

/* Charges the session what it holds now (input, unsent output, dropped
 * files); false when it was closed to keep all sessions within the
 * budget. */
static bool charge(struct session *s)
{
	struct honeypot *hp = s->hp;
	size_t mem = xalloc_held(s) + xalloc_held(s->in) + xalloc_held(s->out) + xalloc_held(s->evs) +
		     (s->sh ? shell_held_bytes(s->sh) : 0);

	hp->mem_used = hp->mem_used - s->mem + mem;
	s->mem = mem;
	if (hp->mem_used > session_budget(hp))
		make_room(hp, 0);
	return s->fd >= 0;
}

static const char *proto_name(enum proto p)
{
	return p == P_TELNET ? "telnet" : "http";
}

static void close_session(struct session *s, const char *reason);

/* Queues bytes for the peer; flush_output() sends them once the input at
 * hand is handled, so one answer leaves in one segment. False when the
 * session was closed (its reader is too slow). */
static bool send_bytes(struct session *s, const void *data, size_t n)
{
	if (!n)
		return true;
	if (s->out_len + n > s->hp->cfg.lim.output_max) {
		close_session(s, "slow_reader");
		return false;
	}
	if (s->out_len + n > s->out_cap) {
		s->out_cap = s->out_len + n + 1024;
		s->out = xrealloc(s->out, s->out_cap);
	}
	memcpy(s->out + s->out_len, data, n);
	s->out_len += n;
	return true;
}

/* Telnet text as the pty writes it: tabs expanded, '\n' as CR LF; 0xff is
 * doubled for telnet. */
static bool send_text(struct session *s, const void *text, size_t n)
{
	uint8_t buf[16 * 512];
	char tabs[8 * 512];
	const uint8_t *p = text;

	while (n) {
		size_t k = n > 512 ? 512 : n;

		if (s->proto == P_TELNET) {
			size_t m = hp_tty_expand(&s->login.tty, (const char *)p, k, tabs);

			if (!send_bytes(s, buf, telnet_encode((const uint8_t *)tabs, m, buf)))
				return false;
		} else if (!send_bytes(s, p, k)) {
			return false;
		}
		p += k;
		n -= k;
	}
	return true;
}

static bool send_str(struct session *s, const char *str)
{
	return send_text(s, str, strlen(str));
}

/* Sends what is queued; waits for EPOLLOUT when the socket is full. */
static void flush_output(struct session *s)
{
	size_t done = 0;

	if (s->fd < 0)
		return;
	while (done < s->out_len) {
		ssize_t w = send(s->fd, s->out + done, s->out_len - done, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			close_session(s, "write_error");
			return;
		}
		done += (size_t)w;
	}
	if (done) {
		memmove(s->out, s->out + done, s->out_len - done);
		s->out_len -= done;
	}
	if (s->out_len == 0 && s->out_cap > 16384) { /* a big answer left: its room goes back */
		free(s->out);
		s->out = NULL;
		s->out_cap = 0;
	}
	if (s->out_len == 0 && s->want_close_after_write) {
		close_session(s, "http_done");
		return;
	}
	if ((s->out_len > 0) != s->epollout) {
		struct epoll_event ee = {.events = EPOLLIN | EPOLLRDHUP | (s->out_len ? EPOLLOUT : 0u), .data.ptr = s};

		s->epollout = s->out_len > 0;
		epoll_ctl(s->hp->ep, EPOLL_CTL_MOD, s->fd, &ee);
	}
}

/* ---- session end -------------------------------------------------------- */

static void on_dropped(void *arg, const char *path, const uint8_t *data, size_t len, bool truncated)
{
	struct session *s = arg;
	struct event *ev = add_event(s, EVENT_DOWNLOAD);
	char clean[256]; /* the path is attacker text: valid UTF-8 from here on */

	sha256_hex(data, len, ev->sha256);
	event_set_fixed(clean, sizeof(clean), path, strlen(path));
	{
		struct strbuf b;

		strbuf_init(&b, 1024);
		strbuf_puts(&b, "{\"destfile\":\"");
		json_text(&b, clean);
		strbuf_printf(&b, "\",\"size\":%zu,\"truncated\":%s,\"method\":\"echo\"}", len,
			      truncated ? "true" : "false");
		ev->extra = strbuf_take(&b);
	}
	family_feed_url(&s->fam, path, strlen(path));
	cowrie_log_write(s->hp->cowrie, "cowrie.session.file_download", ev, proto_name(s->proto), -1, "destfile",
			 clean);
}

static void record_flushed(struct session *s, const char *bytes, size_t n);

static void close_session(struct session *s, const char *reason)
{
	struct honeypot *hp = s->hp;
	int64_t dur_ms = (time_mono_us() - s->start_mono) / 1000;
	const char *fam;
	struct event *sess;
	struct strbuf x;

	if (s->fd < 0)
		return;
	if (s->out_len) /* last words ("Login incorrect"), best effort */
		if (send(s->fd, s->out, s->out_len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			s->out_len = 0;
	if (s->sh)
		shell_each_dropped(s->sh, on_dropped, s);
	if (s->proto == P_TELNET) /* typed during a wait the peer cut short */
		record_flushed(s, s->login.typeahead, s->login.typeahead_len);
	fam = family_name(&s->fam);
	sess = &s->evs[0];
	strbuf_init(&x, 4096);
	strbuf_printf(&x, "{\"protocol\":\"%s\",\"profile\":\"", proto_name(s->proto));
	json_text(&x, s->profile->name);
	strbuf_printf(&x, "\",\"reason\":\"%s\",\"duration_ms\":%lld,\"bytes_in\":%llu,\"commands\":%u,"
			  "\"login_attempts\":%u",
		      reason, (long long)dur_ms, (unsigned long long)s->bytes_in, s->commands, s->attempts);
	if (family_token(&s->fam)[0])
		strbuf_printf(&x, ",\"busybox_token\":\"%s\"", family_token(&s->fam));
	strbuf_puts(&x, "}");
	sess->extra = strbuf_take(&x);
	for (size_t i = 0; i < s->nev; i++) {
		event_set_fixed(s->evs[i].family, sizeof(s->evs[i].family), fam, strlen(fam));
		sink_emit(hp->sink, &s->evs[i]);
		event_free(&s->evs[i]);
	}
	s->nev = 0;
	if (s->proto == P_TELNET) {
		struct event closed = s->base;

		closed.time_us = time_now_us();
		cowrie_log_write(hp->cowrie, "cowrie.session.closed", &closed, "telnet", dur_ms, NULL, NULL);
	}

	for (struct session **w = &hp->wakers; *w; w = &(*w)->wake_next)
		if (*w == s) {
			*w = s->wake_next;
			break;
		}
	close(s->fd); /* also leaves the epoll set */
	s->fd = -1;
	ip_add(hp->ipt, &s->base.src, -1);
	{
		struct ipaddr net = ip_prefix(&s->base.src);

		ip_add(hp->nett, &net, -1);
	}
	hp->mem_used -= s->mem;
	hp->freed_untrimmed += s->mem;
	s->mem = 0;
	hp->nsessions--;
	metric_add(sessions_gauge(), -1);
	if (s->prev)
		s->prev->next = s->next;
	else
		hp->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	/* Freed after the current epoll batch, which may still name it. */
	s->next = hp->graveyard;
	hp->graveyard = s;
}

static void free_session(struct session *s)
{
	hp_login_free(&s->login);
	shell_free(s->sh);
	free(s->in);
	free(s->out);
	free(s->evs);
	free(s);
}

/* ---- telnet ------------------------------------------------------------- */

static void on_download(void *arg, const char *tool, const char *url)
{
	struct session *s = arg;
	struct event *ev = add_event(s, EVENT_DOWNLOAD);
	char extra[64];

	event_set_text(&ev->url, url, strlen(url));
	snprintf(extra, sizeof(extra), "{\"method\":\"%s\",\"fetched\":false}", tool);
	ev->extra = xstrdup(extra);
	family_feed_url(&s->fam, url, strlen(url));
	cowrie_log_write(s->hp->cowrie, "cowrie.session.file_download.failed", ev, proto_name(s->proto), -1, "error",
			 "not fetched (honeypot)");
}

/* The shell's prompt; an ash built with FEATURE_EDITING_ASK_TERMINAL then
 * asks for the cursor position (ESC[6n) unless input is already waiting. */
static bool send_prompt(struct session *s)
{
	if (!send_str(s, shell_prompt(s->sh)))
		return false;
	if (!s->profile->ask_terminal || s->more_input)
		return true;
	s->login.tty.cpr_expected = true;
	return send_bytes(s, "\x1b[6n", 4);
}

/* Telnet logins that are themselves a known exploit (iot-threats.md §3
 * row 26: the ZyXEL PK5001Z backdoor pairs). */
static const struct {
	const char *user, *pass, *cve, *name;
} cred_exploits[] = {
	{"admin", "CentryL1nk", "CVE-2016-10401", "ZyXEL PK5001Z hard-coded credentials"},
	{"admin", "QwestM0dem", "CVE-2016-10401", "ZyXEL PK5001Z hard-coded credentials"},
};

static void login_exploit(struct session *s, const char *user, const char *pass)
{
	for (size_t i = 0; i < sizeof(cred_exploits) / sizeof(cred_exploits[0]); i++)
		if (strcmp(user, cred_exploits[i].user) == 0 && strcmp(pass, cred_exploits[i].pass) == 0) {
			struct event *ev = add_event(s, EVENT_EXPLOIT);
			char x[128];

			ev->cve = xstrdup(cred_exploits[i].cve);
			snprintf(x, sizeof(x), "{\"name\":\"%s\",\"method\":\"telnet login\"}", cred_exploits[i].name);
			ev->extra = xstrdup(x);
		}
}

/* The delayed answer to a refused login is due at mono time `due`. */
static void wake_at(struct session *s, int64_t due)
{
	s->wake_mono = due;
	s->wake_next = s->hp->wakers;
	s->hp->wakers = s;
}

static int login_delay_ms(const struct session *s)
{
	int ms = s->hp->cfg.lim.login_delay_ms;

	return ms >= 0 ? ms : s->profile->login_delay_ms;
}

/* Bytes login flushes unread are still evidence: one command event
 * marked flushed, with the raw bytes. */
static void record_flushed(struct session *s, const char *bytes, size_t n)
{
	struct event *ev;

	if (!n)
		return;
	ev = add_event(s, EVENT_COMMAND);
	event_set_text(&ev->input, bytes, n);
	ev->extra = xstrdup("{\"flushed\":true,\"stage\":\"login\"}");
}

/* The pair is complete: record it and either open the shell or start the
 * wait before "Login incorrect". Returns false when the session was closed. */
static bool login_check(struct session *s)
{
	struct honeypot *hp = s->hp;
	struct hp_login *l = &s->login;
	struct event *ev = add_event(s, EVENT_LOGIN);
	char name[HP_LOGIN_NAME_MAX + 1];
	size_t nlen = hp_login_name_len(l);
	bool ok;

	memcpy(name, l->user, nlen);
	name[nlen] = '\0';
	s->attempts++;
	/* Recorded as typed; the policy sees the name the device looks up. */
	ok = hp_credentials_accept(&hp->creds, name, l->tty.line, s->attempts);
	event_set_text(&ev->username, l->user, l->user_len);
	event_set_text(&ev->password, l->tty.line, l->tty.len);
	ev->success = ok;
	cowrie_log_write(hp->cowrie, ok ? "cowrie.login.success" : "cowrie.login.failed", ev, "telnet", -1, NULL,
			 NULL);
	login_exploit(s, name, l->tty.line);
	if (!ok) {
		wake_at(s, time_mono_us() + (int64_t)login_delay_ms(s) * 1000);
		return true;
	}
	hp_login_accepted(l);
	l->tty.max = SHELL_LINE_MAX;
	s->sh = shell_new(s->profile, hp->cfg.lim.payload_max);
	return send_str(s, s->profile->motd) && send_str(s, shell_banner(s->sh)) && send_prompt(s);
}

/* login has started (the first prompt), or the wait after a refused pair
 * is over. */
static void login_wake(struct session *s)
{
	struct hp_login *l = &s->login;
	bool last = s->attempts >= s->hp->cfg.lim.max_login_attempts;
	struct strbuf out;

	record_flushed(s, l->typeahead, l->typeahead_len);
	strbuf_init(&out, 4096);
	if (l->state == LOGIN_START) {
		hp_login_opening(l, s->profile, &out);
		last = false;
	} else {
		hp_login_refused(l, s->profile, last, &out);
	}
	if (send_text(s, out.data ? out.data : "", out.len) && last)
		close_session(s, "login_attempts");
	strbuf_free(&out);
	flush_output(s);
}

static bool shell_line(struct session *s, const char *line, size_t len)
{
	struct honeypot *hp = s->hp;
	struct event *ev;
	struct strbuf out;
	struct shell_callbacks cb = {.download = on_download, .arg = s};
	enum shell_status st;
	bool alive;

	if (++s->commands > hp->cfg.lim.max_commands) {
		close_session(s, "max_commands");
		return false;
	}
	ev = add_event(s, EVENT_COMMAND);
	event_set_text(&ev->input, line, len);
	cowrie_log_write(hp->cowrie, "cowrie.command.input", ev, "telnet", -1, NULL, NULL);
	family_feed_command(&s->fam, line, len);
	strbuf_init(&out, hp->cfg.lim.output_max);
	st = shell_run(s->sh, line, len, &out, &cb);
	alive = send_text(s, out.data ? out.data : "", out.len);
	strbuf_free(&out);
	if (!alive)
		return false;
	if (st == SHELL_EXIT) {
		close_session(s, "logout");
		return false;
	}
	return send_prompt(s);
}

/* One data byte at the shell: the tty echoes, a line runs. */
static bool shell_byte(struct session *s, uint8_t c)
{
	struct strbuf echo;
	enum tty_event e;
	bool alive;

	strbuf_init(&echo, 64);
	e = hp_tty_byte(&s->login.tty, c, &echo);
	alive = send_text(s, echo.data ? echo.data : "", echo.len);
	/* ash's line editor starts a new row when the echo fills the terminal's
	 * width (80 unless told otherwise). */
	if (alive && e == TTY_NONE && s->login.tty.col >= SHELL_TERM_WIDTH)
		alive = send_str(s, "\r\n");
	strbuf_free(&echo);
	if (!alive)
		return false;
	switch (e) {
	case TTY_LINE:
		return shell_line(s, s->login.tty.line, s->login.tty.len);
	case TTY_EOF: /* ^D on an empty line: ash exits */
		close_session(s, "logout");
		return false;
	case TTY_INTR:
		return send_str(s, "\n") && send_prompt(s);
	case TTY_OVERFLOW:
		close_session(s, "line_too_long");
		return false;
	default:
		return true;
	}
}

static void telnet_read(struct session *s, const uint8_t *buf, size_t n)
{
	uint8_t data[READ_CHUNK], reply[256];
	size_t reply_len = 0, nd;
	struct strbuf out;

	nd = telnet_input(&s->tn, buf, n, data, reply, sizeof(reply), &reply_len);
	if (reply_len && !send_bytes(s, reply, reply_len))
		return;
	strbuf_init(&out, 1 << 16);
	for (size_t i = 0; i < nd && s->fd >= 0; i++) {
		enum login_action a;

		s->more_input = i + 1 < nd;
		if (s->login.state == LOGIN_SHELL) {
			if (!shell_byte(s, data[i]))
				break;
			continue;
		}
		strbuf_reset(&out);
		a = hp_login_byte(&s->login, s->profile, data[i], &out);
		if (!send_text(s, out.data ? out.data : "", out.len))
			break;
		if (a == LOGIN_CLOSE) {
			close_session(s, s->login.close_reason);
			break;
		}
		if (a == LOGIN_CHECK && !login_check(s))
			break;
	}
	strbuf_free(&out);
}

static void telnet_open(struct session *s)
{
	uint8_t neg[12];
	size_t n = telnet_start(&s->tn, neg);

	cowrie_log_write(s->hp->cowrie, "cowrie.session.connect", &s->base, "telnet", -1, NULL, NULL);
	hp_login_init(&s->login);
	/* The options leave alone; the prompt follows when login has started. */
	if (send_bytes(s, neg, n))
		wake_at(s, time_mono_us() + (int64_t)s->profile->prompt_delay_ms * 1000);
}

/* ---- http --------------------------------------------------------------- */

/* The answer, in the manner of the profile's server; the connection
 * closes once it is sent. */
static void http_respond(struct session *s, const struct http_request *r, int code, const char *type,
			 const char *body)
{
	struct strbuf b;

	strbuf_init(&b, 1 << 20);
	http_reply(s->profile, r, code, type, body, time(NULL), &b);
	s->want_close_after_write = true;
	send_bytes(s, b.data ? b.data : "", b.len);
	strbuf_free(&b);
}

/* A POST to the index page's login form: the pair as a login event. */
static void http_form_login(struct session *s, const struct http_request *r)
{
	char field[256], user[256] = "", pass[256] = "";
	const char *p = r->body, *end = r->body + r->body_len;

	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		size_t n = (size_t)((amp ? amp : end) - p), k;

		eq = memchr(p, '=', n);
		if (eq) {
			size_t nlen = (size_t)(eq - p), vlen = n - nlen - 1;

			if (vlen >= sizeof(field))
				vlen = sizeof(field) - 1;
			k = http_url_decode(eq + 1, vlen, field);
			field[k] = '\0';
			if ((nlen == 8 && memcmp(p, "username", 8) == 0) || (nlen == 4 && memcmp(p, "user", 4) == 0))
				memcpy(user, field, k + 1);
			else if ((nlen == 8 && memcmp(p, "password", 8) == 0) || (nlen == 4 && memcmp(p, "pass", 4) == 0))
				memcpy(pass, field, k + 1);
		}
		p = amp ? amp + 1 : end;
	}
	if (user[0] || pass[0]) {
		struct event *ev = add_event(s, EVENT_LOGIN);

		event_set_text(&ev->username, user, strlen(user));
		event_set_text(&ev->password, pass, strlen(pass));
		ev->success = false;
		ev->extra = xstrdup("{\"method\":\"http form\"}");
	}
}

static void http_request_done(struct session *s, const struct http_request *r)
{
	struct honeypot *hp = s->hp;
	struct strbuf text;
	const struct hp_exploit *x;
	struct event *ev;
	char action[256];
	size_t path_len;
	int code;

	strbuf_init(&text, HTTP_HEAD_MAX + HTTP_BODY_MAX + 64);
	hp_request_text(r, &text);
	s->commands++;
	x = hp_exploits_match(hp->exploits, r, text.data ? text.data : "", text.len);
	if (x) {
		struct hp_injection inj;
		struct strbuf extra;
		char clean[512];

		hp_injection(text.data, text.len, s->profile, &inj);
		ev = add_event(s, EVENT_EXPLOIT);
		event_set_text(&ev->cve, x->id, strlen(x->id));
		if (inj.nurls)
			event_set_text(&ev->url, inj.urls[0], strlen(inj.urls[0]));
		if (inj.command[0]) {
			event_set_text(&ev->input, inj.command, strlen(inj.command));
			family_feed_command(&s->fam, inj.command, strlen(inj.command));
		}
		strbuf_init(&extra, 4096);
		strbuf_puts(&extra, "{\"name\":\"");
		event_set_fixed(clean, sizeof(clean), x->name, strlen(x->name));
		json_text(&extra, clean);
		strbuf_puts(&extra, "\",\"method\":\"");
		event_set_fixed(clean, sizeof(clean), r->method, r->method_len);
		json_text(&extra, clean);
		strbuf_puts(&extra, "\",\"path\":\"");
		event_set_fixed(clean, sizeof(clean), r->target, r->target_len);
		json_text(&extra, clean);
		strbuf_puts(&extra, "\"}");
		ev->extra = strbuf_take(&extra);
		for (size_t i = 0; i < inj.nurls; i++) {
			struct event *d = add_event(s, EVENT_DOWNLOAD);

			event_set_text(&d->url, inj.urls[i], strlen(inj.urls[i]));
			d->extra = xstrdup("{\"method\":\"exploit\",\"fetched\":false}");
			family_feed_url(&s->fam, inj.urls[i], strlen(inj.urls[i]));
		}
	} else {
		char clean[1024];

		/* Plain requests are kept as commands: scanners' paths tell. */
		ev = add_event(s, EVENT_COMMAND);
		event_set_fixed(clean, sizeof(clean), text.data ? text.data : "",
				strcspn(text.data ? text.data : "", "\n"));
		event_set_text(&ev->input, clean, strlen(clean));
	}
	strbuf_free(&text);

	if (x) {
		http_respond(s, r, 200, "text/html", "<html><body>OK</body></html>\n");
		return;
	}
	code = http_reply_precheck(s->profile, r);
	http_form_action(s->profile, action, sizeof(action));
	path_len = http_path_len(r);
	if (code) {
		http_respond(s, r, code, "text/html", "");
	} else if (path_len == 1 && r->target[0] == '/') {
		if (s->profile->http_realm[0])
			http_respond(s, r, 401, "text/html", "<html><body><h1>401 Unauthorized</h1></body></html>\n");
		else
			http_respond(s, r, 200, s->profile->http_index_type, s->profile->http_index);
	} else if (action[0] && path_len == strlen(action) && memcmp(r->target, action, path_len) == 0) {
		/* the login form's target exists: a refused login shows the form again */
		if (r->method_len == 4 && memcmp(r->method, "POST", 4) == 0)
			http_form_login(s, r);
		http_respond(s, r, 200, s->profile->http_index_type, s->profile->http_index);
	} else {
		http_respond(s, r, 404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>\n");
	}
}

static void http_read(struct session *s, const uint8_t *buf, size_t n)
{
	struct http_request r;
	int st;

	if (s->want_close_after_write)
		return; /* answered; ignore what else arrives */
	if (s->in_len + n > s->in_cap) {
		size_t cap = s->in_len + n + 1024;

		if (cap > HTTP_HEAD_MAX + HTTP_BODY_MAX + 1)
			cap = HTTP_HEAD_MAX + HTTP_BODY_MAX + 1;
		s->in = xrealloc(s->in, cap);
		s->in_cap = cap;
	}
	if (n > s->in_cap - s->in_len)
		n = s->in_cap - s->in_len;
	memcpy(s->in + s->in_len, buf, n);
	s->in_len += n;
	st = http_parse(s->in, s->in_len, HTTP_HEAD_MAX, HTTP_BODY_MAX, &r);
	if (st == HTTP_COMPLETE) {
		http_request_done(s, &r);
	} else if (st == HTTP_BAD || s->in_len >= HTTP_HEAD_MAX + HTTP_BODY_MAX) {
		struct event *ev = add_event(s, EVENT_COMMAND);

		event_set_text(&ev->input, s->in, s->in_len > 512 ? 512 : s->in_len);
		http_respond(s, NULL, 400, "text/html", "<html><body><h1>400 Bad Request</h1></body></html>\n");
	}
}

/* ---- loop --------------------------------------------------------------- */

static void read_input(struct session *s)
{
	uint8_t buf[READ_CHUNK];

	for (int rounds = 0; rounds < READ_ROUNDS && s->fd >= 0; rounds++) {
		ssize_t r = recv(s->fd, buf, sizeof(buf), 0);

		if (r == 0) {
			close_session(s, "peer_closed");
			return;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			close_session(s, "read_error");
			return;
		}
		s->last_mono = time_mono_us();
		s->bytes_in += (uint64_t)r;
		s->window_bytes += (uint64_t)r;
		if (s->bytes_in > s->hp->cfg.lim.max_bytes) {
			close_session(s, "max_bytes");
			return;
		}
		if (s->proto == P_TELNET)
			telnet_read(s, buf, (size_t)r);
		else
			http_read(s, buf, (size_t)r);
		/* A short read emptied the socket: epoll reports the next bytes,
		 * so the recv() that would say EAGAIN is not needed. */
		if ((size_t)r < sizeof(buf))
			return;
	}
}

/* Input handled: its events leave, the answer goes out, and what the
 * session holds now is charged to the budget. */
static void session_settle(struct session *s)
{
	emit_pending(s);
	flush_output(s);
	if (s->fd >= 0)
		charge(s);
}

static void session_read(struct session *s)
{
	read_input(s);
	session_settle(s);
}

/* ---- refused connections ------------------------------------------------ */

static struct metric *refused_counter(void)
{
	static struct metric *m;

	return metric_cached(&m, "iotmon_honeypot_refused_total", NULL, METRIC_COUNTER,
			       "connections the honeypot refused (limits, memory budget)");
}

/* Counts a refused connection; report_refusals() turns the counts into one
 * session event per source, port and reason. */
static void refuse(struct honeypot *hp, const struct listener *l, const struct event *base, const char *reason)
{
	static struct log_limit full = LOG_LIMIT_INIT;
	struct refusal **pp = &hp->refusals[ip_bucket(&base->src)];

	metric_add(refused_counter(), 1);
	while (*pp && !((*pp)->l == l && (*pp)->reason == reason && ipaddr_equal(&(*pp)->ip, &base->src)))
		pp = &(*pp)->next;
	if (!*pp) {
		if (hp->nrefusals >= REFUSALS_MAX) {
			hp->refused_unrecorded++;
			log_limited(&full, LOG_WARN, "honeypot: more than %d refused sources in one report interval; "
				    "further refusals only counted", REFUSALS_MAX);
			return;
		}
		*pp = xcalloc(1, sizeof(**pp));
		(*pp)->ip = base->src;
		(*pp)->l = l;
		(*pp)->reason = reason;
		(*pp)->dst_port = base->dst_port;
		(*pp)->first_us = base->time_us;
		hp->nrefusals++;
	}
	(*pp)->n++;
}

/* One session event per (source, port, reason) refused since the last
 * report, with "refused": how many connections it stands for. */
static void report_refusals(struct honeypot *hp)
{
	static struct log_limit unrecorded = LOG_LIMIT_INIT;

	for (int i = 0; i < 4096; i++)
		while (hp->refusals[i]) {
			struct refusal *r = hp->refusals[i];
			struct event ev;
			char extra[256];

			event_init(&ev);
			ev.kind = EVENT_SESSION;
			ev.transport = TRANSPORT_TCP;
			ev.time_us = r->first_us;
			ev.src = r->ip;
			ev.dst = r->l->ip;
			ev.dst_port = r->dst_port;
			event_set_fixed(ev.sensor, sizeof(ev.sensor), hp->cfg.sensor, strlen(hp->cfg.sensor));
			new_session_id(hp, ev.session);
			snprintf(extra, sizeof(extra),
				 "{\"protocol\":\"%s\",\"profile\":\"%s\",\"reason\":\"%s\",\"duration_ms\":0,"
				 "\"refused\":%llu}",
				 proto_name(r->l->proto), r->l->profile->name, r->reason, (unsigned long long)r->n);
			ev.extra = extra;
			sink_emit(hp->sink, &ev);
			hp->refusals[i] = r->next;
			free(r);
		}
	if (hp->refused_unrecorded)
		log_limited(&unrecorded, LOG_WARN, "honeypot: %llu refused connections counted but not recorded",
			    (unsigned long long)hp->refused_unrecorded);
	hp->refused_unrecorded = 0;
	hp->nrefusals = 0;
	hp->refusals_since = time_mono_us();
}

/* ---- accepting ---------------------------------------------------------- */

static void listeners_arm(struct honeypot *hp, uint32_t events)
{
	for (size_t i = 0; i < hp->nlisteners; i++) {
		struct epoll_event ee = {.events = events, .data.ptr = &hp->listeners[i]};

		epoll_ctl(hp->ep, EPOLL_CTL_MOD, hp->listeners[i].fd, &ee);
	}
}

/* Out of descriptors (or kernel memory): the pending connection cannot be
 * taken, and a level-triggered listener would wake the loop at once, for
 * ever. Accepting rests a moment while sessions end. */
static void pause_accepting(struct honeypot *hp, const struct listener *l, int e)
{
	static struct log_limit lim = LOG_LIMIT_INIT;

	metrics_count("iotmon_honeypot_accept_paused_total", NULL, "times accepting paused (out of descriptors)", 1);
	log_limited(&lim, LOG_WARN, "honeypot: accept on %s: %s; pausing accepts %d ms", l->addr, strerror(e),
		    ACCEPT_PAUSE_US / 1000);
	listeners_arm(hp, 0);
	hp->accept_paused = true;
	hp->accept_resume_mono = time_mono_us() + ACCEPT_PAUSE_US;
}

static void maybe_resume_accepting(struct honeypot *hp)
{
	if (hp->accept_paused && time_mono_us() >= hp->accept_resume_mono) {
		hp->accept_paused = false;
		listeners_arm(hp, EPOLLIN);
	}
}

/* Why a new connection from base->src is refused, or NULL. */
static const char *admission(struct honeypot *hp, const struct event *base, const struct ipaddr *net)
{
	const struct honeypot_limits *lim = &hp->cfg.lim;

	if (hp->nsessions >= lim->max_sessions)
		return "max_sessions";
	if (ip_count(hp->ipt, &base->src) >= lim->max_per_ip)
		return "max_sessions_per_ip";
	if (ip_count(hp->nett, net) >= lim->max_per_prefix)
		return "max_sessions_per_prefix";
	make_room(hp, SESSION_MIN_MEM);
	return NULL;
}

static void accept_all(struct honeypot *hp, struct listener *l)
{
	for (;;) {
		struct sockaddr_storage peer, local;
		socklen_t plen = sizeof(peer), llen = sizeof(local);
		struct epoll_event ee;
		struct session *s;
		struct event base;
		int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);

		struct ipaddr net;
		const char *refusal;

		if (fd < 0) {
			static struct log_limit other = LOG_LIMIT_INIT;

			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				pause_accepting(hp, l, errno);
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_limited(&other, LOG_WARN, "honeypot: accept on %s: %s", l->addr, strerror(errno));
			return;
		}
		event_init(&base);
		base.time_us = time_now_us();
		base.transport = TRANSPORT_TCP;
		sockaddr_to(&peer, &base.src, &base.src_port);
		/* A wildcard listener needs the kernel's word for the local
		 * address; otherwise it is the listener's own (a syscall saved
		 * per connection). */
		if (l->ip.af) {
			base.dst = l->ip;
			base.dst_port = l->port;
		} else if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0) {
			sockaddr_to(&local, &base.dst, &base.dst_port);
		}
		event_set_fixed(base.sensor, sizeof(base.sensor), hp->cfg.sensor, strlen(hp->cfg.sensor));
		net = ip_prefix(&base.src);
		refusal = admission(hp, &base, &net);
		if (refusal) {
			close(fd);
			refuse(hp, l, &base, refusal);
			continue;
		}
		new_session_id(hp, base.session);
		s = xcalloc(1, sizeof(*s));
		s->kind = OBJ_SESSION;
		s->proto = l->proto;
		s->fd = fd;
		s->hp = hp;
		s->profile = l->profile;
		s->base = base;
		s->start_us = time_now_us();
		s->start_mono = s->last_mono = s->window_mono = time_mono_us();
		family_init(&s->fam);
		s->next = hp->sessions;
		if (hp->sessions)
			hp->sessions->prev = s;
		hp->sessions = s;
		hp->nsessions++;
		metric_add(sessions_gauge(), 1);
		ip_add(hp->ipt, &base.src, 1);
		ip_add(hp->nett, &net, 1);
		add_event(s, EVENT_SESSION);
		ee.events = EPOLLIN | EPOLLRDHUP;
		ee.data.ptr = s;
		if (epoll_ctl(hp->ep, EPOLL_CTL_ADD, fd, &ee)) {
			close_session(s, "epoll_error");
			continue;
		}
		if (s->proto == P_TELNET) {
			telnet_open(s);
			session_settle(s);
		}
	}
}

/* Closes sessions past a time limit; runs a few times a second. */
static void sweep(struct honeypot *hp)
{
	int64_t now = time_mono_us();
	const struct honeypot_limits *lim = &hp->cfg.lim;

	for (struct session *s = hp->sessions, *next; s; s = next) {
		next = s->next;
		/* Each byte resets the idle timer, so a drip (a byte every few
		 * seconds) is closed by its rate instead. */
		if (s->proto == P_TELNET && lim->min_input_rate &&
		    now - s->window_mono >= (int64_t)lim->input_window_ms * 1000) {
			bool slow = s->window_bytes > 0 &&
				    s->window_bytes * 1000 < (uint64_t)lim->min_input_rate * (uint64_t)lim->input_window_ms;

			s->window_mono = now;
			s->window_bytes = 0;
			if (slow) {
				close_session(s, "slow_input");
				continue;
			}
		}
		if (now - s->start_mono > (int64_t)lim->session_ms * 1000)
			close_session(s, "session_timeout");
		else if (s->proto == P_HTTP && now - s->start_mono > (int64_t)lim->request_ms * 1000)
			close_session(s, s->out_len ? "slow_reader" : "slow_request");
		else if (now - s->last_mono > (int64_t)lim->idle_ms * 1000)
			close_session(s, s->out_len ? "slow_reader" : "idle_timeout");
	}
}

/* Delayed answers that are due; returns the ms until the next one (at
 * most `cap`) for epoll_wait. */
static int wake_due(struct honeypot *hp, int cap)
{
	int64_t now = time_mono_us(), next = now + (int64_t)cap * 1000;

	for (struct session **w = &hp->wakers; *w;) {
		struct session *s = *w;

		if (s->wake_mono <= now) {
			*w = s->wake_next;
			login_wake(s);
		} else {
			if (s->wake_mono < next)
				next = s->wake_mono;
			w = &s->wake_next;
		}
	}
	return (int)((next - now + 999) / 1000);
}

static void bury(struct honeypot *hp)
{
	while (hp->graveyard) {
		struct session *s = hp->graveyard;

		hp->graveyard = s->next;
		free_session(s);
	}
	/* Freed blocks leave holes in the arena that the allocator keeps: after
	 * a flood for ever, and during one on top of the budget (sessions
	 * closed for it are replaced by others elsewhere in memory). */
	if (hp->freed_untrimmed > TRIM_BYTES) {
		malloc_trim(0);
		hp->freed_untrimmed = 0;
	}
}

/* Between two batches of events, so no line is split across two files. */
static void switch_cowrie_due(struct honeypot *hp)
{
	int fd = __atomic_exchange_n(&hp->cowrie_next, -1, __ATOMIC_ACQ_REL);
	struct err err;

	if (fd < 0)
		return;
	if (!hp->cowrie)
		close(fd);
	else if (cowrie_log_switch(hp->cowrie, fd, &err))
		log_error("honeypot: %s", err.msg);
	else
		log_info("honeypot: Cowrie log switched to the new day's file");
}

static void *loop(void *arg)
{
	struct honeypot *hp = arg;
	struct epoll_event evs[256];
	int64_t last_sweep = time_mono_us();
	int timeout = 100;

	while (!__atomic_load_n(&hp->stopping, __ATOMIC_ACQUIRE)) {
		int n = epoll_wait(hp->ep, evs, 256, timeout);

		for (int i = 0; i < n; i++) {
			enum obj_kind *k = evs[i].data.ptr;

			if (*k == OBJ_LISTENER) {
				accept_all(hp, (struct listener *)k);
			} else if (*k == OBJ_SESSION) {
				struct session *s = (struct session *)k;

				if (s->fd < 0)
					continue;
				if (evs[i].events & EPOLLOUT) {
					flush_output(s);
					if (s->fd >= 0)
						charge(s);
				}
				if (s->fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
					session_read(s);
			}
		}
		timeout = wake_due(hp, 100);
		bury(hp);
		if (time_mono_us() - last_sweep > SWEEP_US) {
			sweep(hp);
			bury(hp);
			maybe_resume_accepting(hp);
			if (time_mono_us() - hp->refusals_since > (int64_t)hp->cfg.lim.refused_report_ms * 1000)
				report_refusals(hp);
			last_sweep = time_mono_us();
		}
		switch_cowrie_due(hp);
		cowrie_log_flush(hp->cowrie);
	}
	while (hp->sessions)
		close_session(hp->sessions, "shutdown");
	report_refusals(hp);
	bury(hp);
	cowrie_log_flush(hp->cowrie);
	return NULL;
}

/* ---- set-up ------------------------------------------------------------- */

struct bind_ctx {
	struct honeypot *hp;
	enum proto proto;
	struct err *err;
};

static const struct hp_profile *profile_for_port(struct honeypot *hp, uint16_t port, struct err *err)
{
	const char *map = hp->cfg.port_profiles ? hp->cfg.port_profiles : "";
	const char *name = hp->cfg.profile;
	char want[16];
	const struct hp_profile *p;
	char buf[64];

	snprintf(want, sizeof(want), "%u=", port);
	for (const char *q = map; q && *q;) {
		size_t len = strcspn(q, ", ");

		if (len > strlen(want) && strncmp(q, want, strlen(want)) == 0 && len - strlen(want) < sizeof(buf)) {
			memcpy(buf, q + strlen(want), len - strlen(want));
			buf[len - strlen(want)] = '\0';
			name = buf;
		}
		q += len;
		while (*q == ',' || *q == ' ')
			q++;
	}
	p = hp_profiles_find(hp->profiles, name);
	if (!p)
		err_set(err, "unknown profile \"%s\" (see %s)", name, hp->cfg.profiles_path);
	return p;
}

static int bind_one(const char *item, size_t len, void *arg)
{
	struct bind_ctx *bc = arg;
	struct honeypot *hp = bc->hp;
	struct listener *l;
	char host[IPADDR_STRLEN];
	struct sockaddr_storage ss;
	socklen_t slen;
	struct ipaddr ip;
	int one = 1, fd;

	if (hp->nlisteners == MAX_LISTENERS)
		return err_set(bc->err, "more than %d listeners", MAX_LISTENERS);
	l = &hp->listeners[hp->nlisteners];
	memset(l, 0, sizeof(*l));
	if (endpoint_parse(item, len, host, &l->port) || ipaddr_parse(host, strlen(host), &ip))
		return err_set(bc->err, "not ADDR:PORT: %.*s", (int)len, item);
	memset(&ss, 0, sizeof(ss));
	if (ip.af == 4) {
		struct sockaddr_in *in = (void *)&ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, ip.b, 4);
		in->sin_port = htons(l->port);
		slen = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (void *)&ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, ip.b, 16);
		in6->sin6_port = htons(l->port);
		slen = sizeof(*in6);
	}
	l->profile = profile_for_port(hp, l->port, bc->err);
	if (!l->profile)
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(bc->err, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Accepted sockets inherit it: each answer leaves at once. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, slen) || listen(fd, 4096)) {
		int e = errno;

		close(fd);
		return err_set(bc->err, "%s listener %.*s: %s", bc->proto == P_TELNET ? "telnet" : "http", (int)len,
			       item, strerror(e));
	}
	l->kind = OBJ_LISTENER;
	l->proto = bc->proto;
	l->ip = ip;
	if ((ip.af == 4 && !memcmp(ip.b, "\0\0\0\0", 4)) || (ip.af == 6 && !memcmp(ip.b, (uint8_t[16]){0}, 16)))
		l->ip.af = 0; /* wildcard */
	l->fd = fd;
	snprintf(l->addr, sizeof(l->addr), "%.*s", (int)len, item);
	hp->nlisteners++;
	return 0;
}

static void honeypot_free(struct honeypot *hp)
{
	for (size_t i = 0; i < hp->nlisteners; i++)
		close(hp->listeners[i].fd);
	if (hp->ep >= 0)
		close(hp->ep);
	if (hp->wake.fd >= 0)
		close(hp->wake.fd);
	tables_free(hp->ipt);
	tables_free(hp->nett);
	for (int i = 0; i < 4096; i++)
		while (hp->refusals[i]) {
			struct refusal *r = hp->refusals[i];

			hp->refusals[i] = r->next;
			free(r);
		}
	if (hp->cowrie_next >= 0)
		close(hp->cowrie_next);
	cowrie_log_close(hp->cowrie);
	hp_profiles_free(hp->profiles);
	hp_credentials_free(&hp->creds);
	hp_exploits_free(hp->exploits);
	free(hp);
}

struct honeypot *honeypot_new(const struct honeypot_config *hc, struct sink *sink, struct err *err)
{
	struct honeypot *hp = xcalloc(1, sizeof(*hp));
	struct bind_ctx bc = {.hp = hp, .err = err};
	size_t o = 0;

	hp->cfg = *hc;
	hp->sink = sink;
	hp->ep = hp->wake.fd = hp->cowrie_next = -1;
	if (getrandom(&hp->id_seed, sizeof(hp->id_seed), 0) != sizeof(hp->id_seed))
		hp->id_seed = (uint64_t)time_now_us() ^ (uint64_t)getpid() << 32;
	hp->profiles = hp_profiles_load(hc->profiles_path, err);
	if (!hp->profiles)
		goto fail;
	if (hp_credentials_load(&hp->creds, hc->credentials_path, err))
		goto fail;
	hp->creds.accept_listed = hc->accept_listed;
	hp->creds.accept_after = hc->accept_after;
	hp->exploits = hp_exploits_load(hc->exploits_path, err);
	if (!hp->exploits)
		goto fail;
	if (!hp_profiles_find(hp->profiles, hc->profile)) {
		err_set(err, "unknown profile \"%s\" (see %s)", hc->profile, hc->profiles_path);
		goto fail;
	}
	bc.proto = P_TELNET;
	if (config_each_item(hc->telnet ? hc->telnet : "", bind_one, &bc))
		goto fail;
	bc.proto = P_HTTP;
	if (config_each_item(hc->http ? hc->http : "", bind_one, &bc))
		goto fail;
	if (hp->nlisteners == 0) {
		err_set(err, "no listeners: set [honeypot] telnet and/or http");
		goto fail;
	}
	hp->ep = epoll_create1(EPOLL_CLOEXEC);
	hp->wake.kind = OBJ_WAKE;
	hp->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (hp->ep < 0 || hp->wake.fd < 0) {
		err_set(err, "epoll: %s", strerror(errno));
		goto fail;
	}
	{
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = &hp->wake};

		epoll_ctl(hp->ep, EPOLL_CTL_ADD, hp->wake.fd, &ee);
	}
	for (size_t i = 0; i < hp->nlisteners; i++) {
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = &hp->listeners[i]};
		struct listener *l = &hp->listeners[i];

		epoll_ctl(hp->ep, EPOLL_CTL_ADD, l->fd, &ee);
		o += (size_t)snprintf(hp->describe + o, sizeof(hp->describe) - o, "%s%s %s (%s)", i ? ", " : "",
				      proto_name(l->proto), l->addr, l->profile->name);
		if (o >= sizeof(hp->describe))
			o = sizeof(hp->describe) - 1;
	}
	return hp;
fail:
	honeypot_free(hp);
	return NULL;
}

int honeypot_start(struct honeypot *hp, struct err *err)
{
	int rc;

	/* Opened here, after the privilege drop: as the service user, the log
	 * cannot be made to write where that user could not. */
	if (hp->cfg.cowrie_log && hp->cfg.cowrie_log[0] && !hp->cowrie) {
		hp->cowrie = cowrie_log_open(hp->cfg.cowrie_log, err);
		if (!hp->cowrie)
			return -1;
	}
	/* A fixed threshold: session buffers above it get pages of their own,
	 * which go back to the system when the session ends. glibc's sliding
	 * threshold would move them into the arena, where a flood of growing
	 * payloads leaves holes: 95 MB held for a 64 MiB budget, measured. */
	mallopt(M_MMAP_THRESHOLD, HP_MMAP_THRESHOLD);
	rc = pthread_create(&hp->thread, NULL, loop, hp);
	if (rc)
		return err_set(err, "honeypot thread: %s", strerror(rc));
	hp->running = true;
	return 0;
}

void honeypot_stop(struct honeypot *hp)
{
	uint64_t one = 1;

	if (!hp)
		return;
	if (hp->running) {
		__atomic_store_n(&hp->stopping, 1, __ATOMIC_RELEASE);
		if (write(hp->wake.fd, &one, sizeof(one)) < 0)
			log_debug("honeypot: wake: %s", strerror(errno));
		pthread_join(hp->thread, NULL);
	}
	honeypot_free(hp);
}

void honeypot_switch_cowrie(struct honeypot *hp, int fd)
{
	int old = __atomic_exchange_n(&hp->cowrie_next, fd, __ATOMIC_ACQ_REL);

	/* The loop looks at least every 100 ms (its epoll timeout). */
	if (old >= 0)
		close(old);
}

size_t honeypot_fds(const struct honeypot *hp, int *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < hp->nlisteners && n < max; i++)
		fds[n++] = hp->listeners[i].fd;
	if (n < max && hp->ep >= 0)
		fds[n++] = hp->ep;
	if (n < max && hp->wake.fd >= 0)
		fds[n++] = hp->wake.fd;
	return n;
}

const char *honeypot_describe(const struct honeypot *hp)
{
	return hp->describe;
}
