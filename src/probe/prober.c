#include "prober.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "banner.h"
#include "core/config.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

enum proto { P_HTTP, P_TELNET, P_RTSP, P_TLS };
enum cstate { C_FREE, C_CONNECTING, C_TLS, C_SENDING, C_READING };

struct host {
	struct probe_host pub;
	size_t remaining;
	int64_t next_ok_us; /* per-IP rate */
};

struct conn {
	enum cstate state;
	int fd;
	SSL *ssl;
	struct host *h;
	struct port_answer *a;
	enum proto proto;
	int64_t deadline_us;
	char req[512];
	size_t req_len, req_off;
	int refused_options; /* telnet: answered IAC once */
};

struct job {
	uint32_t host, port;
};

/* One prober_run(): its hosts, the queue of (host, port) jobs, the open
 * connections. Only `window` hosts are active (answers allocated, jobs
 * queued) at a time, so memory stays bounded however many targets come. */
struct run {
	const struct prober_options *o;
	int epfd;
	SSL_CTX *ctx;
	prober_done_fn done;
	void *arg;
	struct host *hosts;
	size_t n, next_host, window;
	struct job *ring;
	size_t cap, head, tail, queued, open;
};

static enum proto proto_of(uint16_t port)
{
	switch (port) {
	case 23:
	case 2323:
		return P_TELNET;
	case 554:
		return P_RTSP;
	case 443:
	case 8443:
		return P_TLS;
	default:
		return P_HTTP;
	}
}

static const char *proto_name(enum proto p)
{
	static const char *const names[] = {"http", "telnet", "rtsp", "tls"};
	return names[p];
}

int prober_parse_ports(const char *list, uint16_t *ports, size_t max)
{
	size_t n = 0;
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long v;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		v = strtoul(p, &end, 10);
		if (end == p || v == 0 || v > 65535 || n == max)
			return -1;
		ports[n++] = (uint16_t)v;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != ',')
			return -1;
	}
	return (int)n;
}

static void host_finished(struct run *r, struct host *h);

static void finish(struct conn *c, struct run *r, enum port_state st)
{
	struct port_answer *a = c->a;

	if (c->ssl) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	a->state = st;
	if (c->proto == P_HTTP || c->proto == P_RTSP) {
		struct banner_http b;

		banner_parse_http(a->raw, a->raw_len, &b);
		a->status = b.status;
		memcpy(a->server, b.server, sizeof(a->server));
		memcpy(a->title, b.title, sizeof(a->title));
		memcpy(a->realm, b.realm, sizeof(a->realm));
	}
	c->state = C_FREE;
	r->open--;
	if (--c->h->remaining == 0)
		host_finished(r, c->h);
}

static void set_events(int epfd, struct conn *c, uint32_t slot, uint32_t ev)
{
	struct epoll_event e = {.events = ev, .data.u32 = slot};

	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e);
}

static void build_request(struct conn *c, const char *ua)
{
	char host[IPADDR_STRLEN + 2], ip[IPADDR_STRLEN];
	int n = 0;

	ipaddr_format(&c->h->pub.ip, ip);
	snprintf(host, sizeof(host), c->h->pub.ip.af == 6 ? "[%s]" : "%s", ip);
	if (c->proto == P_HTTP)
		n = snprintf(c->req, sizeof(c->req),
			     "GET / HTTP/1.0\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: close\r\n\r\n",
			     host, ua);
	else if (c->proto == P_RTSP)
		n = snprintf(c->req, sizeof(c->req), "OPTIONS rtsp://%s:%u/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: %s\r\n\r\n",
			     host, c->a->port, ua);
	c->req_len = n > 0 && (size_t)n < sizeof(c->req) ? (size_t)n : 0;
	c->req_off = 0;
}

/* Answers every telnet DO with WONT and WILL with DONT, once: enough for
 * the usual embedded telnetd to go on to its login prompt. */
static void telnet_refuse(struct conn *c, const char *buf, size_t n)
{
	unsigned char out[96];
	size_t o = 0;

	if (c->refused_options)
		return;
	for (size_t i = 0; i + 2 < n && o + 3 <= sizeof(out); i++) {
		unsigned char a = (unsigned char)buf[i], cmd = (unsigned char)buf[i + 1];

		if (a != 0xff || (cmd != 251 && cmd != 253))
			continue;
		out[o++] = 0xff;
		out[o++] = cmd == 253 ? 252 : 254; /* DO -> WONT, WILL -> DONT */
		out[o++] = (unsigned char)buf[i + 2];
		i += 2;
	}
	if (o) {
		c->refused_options = 1;
		if (send(c->fd, out, o, MSG_NOSIGNAL) < 0) {
			/* The answer is a courtesy; the banner is what counts. */
		}
	}
}

static void on_readable(struct conn *c, struct run *r)
{
	struct port_answer *a = c->a;

	for (;;) {
		size_t room = sizeof(a->raw) - a->raw_len;
		ssize_t n;

		if (room == 0) {
			finish(c, r, PORT_OPEN);
			return;
		}
		n = recv(c->fd, a->raw + a->raw_len, room, 0);
		if (n == 0) {
			finish(c, r, PORT_OPEN);
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			/* Connected, then reset (an MQTT broker dropping our GET):
			 * the port is open all the same. */
			finish(c, r, PORT_OPEN);
			return;
		}
		if (c->proto == P_TELNET)
			telnet_refuse(c, a->raw + a->raw_len, (size_t)n);
		a->raw_len += (size_t)n;
	}
	if ((c->proto == P_TELNET && banner_telnet_prompt(a->raw, a->raw_len)) ||
	    (c->proto == P_HTTP && banner_http_complete(a->raw, a->raw_len, 0)) ||
	    (c->proto == P_RTSP && banner_http_complete(a->raw, a->raw_len, 1)))
		finish(c, r, PORT_OPEN);
}

static void tls_step(struct conn *c, uint32_t slot, struct run *r)
{
	int rc = SSL_connect(c->ssl);

	if (rc == 1) {
		X509 *cert = SSL_get1_peer_certificate(c->ssl);

		if (cert) {
			X509_NAME_oneline(X509_get_subject_name(cert), c->a->tls_subject, sizeof(c->a->tls_subject));
			X509_free(cert);
		}
		finish(c, r, PORT_OPEN);
		return;
	}
	switch (SSL_get_error(c->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		set_events(r->epfd, c, slot, EPOLLIN);
		break;
	case SSL_ERROR_WANT_WRITE:
		set_events(r->epfd, c, slot, EPOLLOUT);
		break;
	default:
		ERR_clear_error();
		finish(c, r, PORT_OPEN); /* open, but no TLS we could read */
	}
}

static void on_writable(struct conn *c, uint32_t slot, struct run *r)
{
	if (c->state == C_CONNECTING) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		if (soerr) {
			finish(c, r, soerr == ECONNREFUSED ? PORT_CLOSED : PORT_ERROR);
			return;
		}
		c->deadline_us = time_mono_us() + (int64_t)r->o->read_timeout_ms * 1000;
		if (c->proto == P_TLS) {
			c->ssl = r->ctx ? SSL_new(r->ctx) : NULL;
			if (!c->ssl) {
				finish(c, r, PORT_OPEN);
				return;
			}
			SSL_set_fd(c->ssl, c->fd);
			c->state = C_TLS;
			tls_step(c, slot, r);
			return;
		}
		build_request(c, r->o->user_agent ? r->o->user_agent : "iotmon");
		c->state = c->req_len ? C_SENDING : C_READING;
		if (c->state == C_READING) {
			set_events(r->epfd, c, slot, EPOLLIN);
			return;
		}
	}
	if (c->state == C_SENDING) {
		ssize_t n = send(c->fd, c->req + c->req_off, c->req_len - c->req_off, MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			finish(c, r, PORT_ERROR);
			return;
		}
		if (n > 0)
			c->req_off += (size_t)n;
		if (c->req_off == c->req_len) {
			c->state = C_READING;
			set_events(r->epfd, c, slot, EPOLLIN);
		}
	}
}

static int start_conn(struct conn *c, uint32_t slot, int epfd, struct host *h, struct port_answer *a,
		      const struct prober_options *o)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct epoll_event e = {.events = EPOLLOUT, .data.u32 = slot};
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (h->pub.ip.af == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->port);
		memcpy(&sin->sin_addr, h->pub.ip.b, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(a->port);
		memcpy(&sin6->sin6_addr, h->pub.ip.b, 16);
		sl = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->h = h;
	c->a = a;
	c->proto = proto_of(a->port);
	snprintf(a->proto, sizeof(a->proto), "%s", proto_name(c->proto));
	c->state = C_CONNECTING;
	c->deadline_us = time_mono_us() + (int64_t)o->connect_timeout_ms * 1000;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		a->state = errno == ECONNREFUSED ? PORT_CLOSED : PORT_ERROR;
		close(fd);
		c->state = C_FREE;
		return 1; /* finished at once */
	}
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
		close(fd);
		c->state = C_FREE;
		return -1;
	}
	return 0;
}

/* Makes the next waiting host active: its answers, its jobs in the queue. */
static void activate_next(struct run *r)
{
	struct host *h;

	if (r->next_host == r->n)
		return;
	h = &r->hosts[r->next_host];
	h->pub.ports = xcalloc(r->o->nports, sizeof(struct port_answer));
	h->pub.nports = r->o->nports;
	h->remaining = r->o->nports;
	for (size_t p = 0; p < r->o->nports; p++) {
		h->pub.ports[p].port = r->o->ports[p];
		snprintf(h->pub.ports[p].proto, sizeof(h->pub.ports[p].proto), "%s", proto_name(proto_of(r->o->ports[p])));
		r->ring[r->tail] = (struct job){(uint32_t)r->next_host, (uint32_t)p};
		r->tail = (r->tail + 1) % r->cap;
		r->queued++;
	}
	r->next_host++;
}

static void host_finished(struct run *r, struct host *h)
{
	h->pub.finished_us = time_now_us();
	r->done(&h->pub, r->arg);
	free(h->pub.ports);
	h->pub.ports = NULL;
	activate_next(r);
}

int prober_run(const struct prober_options *o, const struct ipaddr *targets, size_t n, prober_done_fn done, void *arg,
	       struct err *err)
{
	int maxp = o->max_parallel > 0 ? o->max_parallel : 1;
	struct run r = {.o = o, .done = done, .arg = arg, .n = n};
	struct conn *conns;
	struct epoll_event evs[64];
	double tokens = 1, burst = o->rate_global > 1 ? o->rate_global : 1;
	int64_t last_us = time_mono_us();

	if (n == 0 || o->nports == 0)
		return 0;
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r.epfd < 0)
		return err_set(err, "epoll: %s", strerror(errno));
	for (size_t i = 0; i < o->nports; i++)
		if (proto_of(o->ports[i]) == P_TLS && !r.ctx) {
			r.ctx = SSL_CTX_new(TLS_client_method());
			if (r.ctx)
				SSL_CTX_set_verify(r.ctx, SSL_VERIFY_NONE, NULL);
		}
	r.hosts = xcalloc(n, sizeof(*r.hosts));
	for (size_t i = 0; i < n; i++)
		r.hosts[i].pub.ip = targets[i];
	conns = xcalloc((size_t)maxp, sizeof(*conns));
	/* Enough active hosts to fill every connection slot, a few more so a
	 * host waiting for its per-IP turn does not leave a slot idle. */
	r.window = (size_t)maxp + 16;
	r.cap = r.window * o->nports;
	r.ring = xmalloc(r.cap * sizeof(*r.ring));
	for (size_t i = 0; i < r.window; i++)
		activate_next(&r);

	while ((r.queued || r.open) && !(o->stop && *o->stop)) {
		int64_t now = time_mono_us(), wait_ms = 50;

		if (o->rate_global > 0) {
			tokens += (double)(now - last_us) / 1e6 * o->rate_global;
			if (tokens > burst)
				tokens = burst;
		}
		last_us = now;
		/* Start what the limits allow; jobs whose host must wait go to
		 * the back of the queue. */
		for (size_t tries = r.queued; tries > 0 && r.queued && r.open < (size_t)maxp; tries--) {
			struct job j = r.ring[r.head];
			struct host *h = &r.hosts[j.host];

			if (o->rate_global > 0 && tokens < 1)
				break;
			r.head = (r.head + 1) % r.cap;
			r.queued--;
			if (o->rate_per_ip > 0 && h->next_ok_us > now) {
				r.ring[r.tail] = j;
				r.tail = (r.tail + 1) % r.cap;
				r.queued++;
				continue;
			}
			if (!h->pub.started_us)
				h->pub.started_us = time_now_us();
			if (o->rate_per_ip > 0)
				h->next_ok_us = now + (int64_t)(1e6 / o->rate_per_ip);
			tokens -= 1;
			uint32_t slot = 0;
			while (conns[slot].state != C_FREE)
				slot++;
			int rc = start_conn(&conns[slot], slot, r.epfd, h, &h->pub.ports[j.port], o);
			if (rc == 0) {
				r.open++;
			} else {
				if (rc < 0)
					h->pub.ports[j.port].state = PORT_ERROR;
				if (--h->remaining == 0)
					host_finished(&r, h);
			}
		}
		if (r.queued && r.open < (size_t)maxp)
			wait_ms = 5;
		int ne = epoll_wait(r.epfd, evs, 64, (int)wait_ms);
		for (int i = 0; i < ne; i++) {
			uint32_t slot = evs[i].data.u32;
			struct conn *c = &conns[slot];

			if (c->state == C_FREE)
				continue;
			if (c->state == C_TLS)
				tls_step(c, slot, &r);
			else if (c->state == C_CONNECTING || c->state == C_SENDING)
				on_writable(c, slot, &r);
			else if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_readable(c, &r);
		}
		now = time_mono_us();
		for (int sl = 0; sl < maxp; sl++) {
			struct conn *c = &conns[sl];

			if (c->state == C_FREE || c->deadline_us > now)
				continue;
			finish(c, &r, c->state == C_CONNECTING ? PORT_TIMEOUT : PORT_OPEN);
		}
	}
	/* Stopped early: close what is open without reporting. */
	for (int sl = 0; sl < maxp; sl++)
		if (conns[sl].state != C_FREE) {
			if (conns[sl].ssl)
				SSL_free(conns[sl].ssl);
			close(conns[sl].fd);
		}
	for (size_t i = 0; i < n; i++)
		free(r.hosts[i].pub.ports);
	free(r.hosts);
	free(conns);
	free(r.ring);
	if (r.ctx)
		SSL_CTX_free(r.ctx);
	close(r.epfd);
	return 0;
}

void probe_host_facts(const struct probe_host *h, struct probe_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->http_server = f->http_title = f->http_realm = f->tls_subject = "";
	for (size_t i = 0; i < h->nports; i++) {
		const struct port_answer *a = &h->ports[i];

		if (a->state != PORT_OPEN)
			continue;
		if (strcmp(a->proto, "telnet") == 0 && !f->telnet_len && a->raw_len) {
			f->telnet = a->raw;
			f->telnet_len = a->raw_len;
		} else if (strcmp(a->proto, "http") == 0 && a->status && !f->http_len) {
			f->http = a->raw;
			f->http_len = a->raw_len;
			f->http_server = a->server;
			f->http_title = a->title;
			f->http_realm = a->realm;
		} else if (strcmp(a->proto, "rtsp") == 0 && a->raw_len && !f->rtsp_len) {
			f->rtsp = a->raw;
			f->rtsp_len = a->raw_len;
		} else if (strcmp(a->proto, "tls") == 0 && a->tls_subject[0] && !f->tls_subject[0]) {
			f->tls_subject = a->tls_subject;
		}
	}
}

char *probe_host_evidence(const struct probe_host *h)
{
	static const char *const states[] = {"open", "closed", "timeout", "error"};
	json_t *root = json_object(), *ports = json_array();
	char *text;

	for (size_t i = 0; i < h->nports; i++) {
		const struct port_answer *a = &h->ports[i];
		json_t *p = json_object();

		json_object_set_new(p, "port", json_integer(a->port));
		json_object_set_new(p, "proto", json_string(a->proto));
		json_object_set_new(p, "state", json_string(states[a->state]));
		if (a->status)
			json_object_set_new(p, "status", json_integer(a->status));
		if (a->server[0])
			json_object_set_new(p, "server", json_string(a->server));
		if (a->title[0])
			json_object_set_new(p, "title", json_string(a->title));
		if (a->realm[0])
			json_object_set_new(p, "realm", json_string(a->realm));
		if (a->tls_subject[0])
			json_object_set_new(p, "tls_subject", json_string(a->tls_subject));
		if (strcmp(a->proto, "telnet") == 0 && a->raw_len) {
			char text2[1024];

			banner_telnet_text(a->raw, a->raw_len, text2, sizeof(text2));
			json_object_set_new(p, "banner", json_string(text2));
		}
		json_array_append_new(ports, p);
	}
	json_object_set_new(root, "ports", ports);
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}
