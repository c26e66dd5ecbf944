#include "audit_checks.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_http.h"
#include "audit_login.h"
#include "audit_ssh.h"
#include "audit_tls.h"
#include "audit_upnp.h"
#include "core/config.h"
#include "core/timeutil.h"
#include "probe/banner.h"

enum svc { S_TELNET, S_SSH, S_FTP, S_HTTP, S_HTTPS, S_RTSP, S_MQTT, S_MQTTS, S_OTHER };
static const char *const svc_names[] = {"telnet", "ssh", "ftp", "http", "https", "rtsp", "mqtt", "mqtts", "tcp"};

struct ctx {
	const struct audit_settings *s;
	struct audit_device *d;
	const struct ipaddr *ip;
	char service[24];
	uint16_t port;
	bool tls; /* the HTTP service runs over TLS */
	bool anonymous_login; /* the service let us in without credentials (FTP anonymous) */
	/* Versions seen, for outdated-software. */
	char versions[512];
};

static enum svc classify(const struct port_answer *a)
{
	if (a->raw_len >= 4 && memcmp(a->raw, "SSH-", 4) == 0)
		return S_SSH;
	if (a->raw_len >= 4 && memcmp(a->raw, "220", 3) == 0 && (a->raw[3] == ' ' || a->raw[3] == '-'))
		return S_FTP;
	switch (a->port) {
	case 23:
	case 2323:
		return S_TELNET;
	case 22:
	case 2222:
		return S_SSH;
	case 21:
		return S_FTP;
	case 554:
		return S_RTSP;
	case 1883:
		return S_MQTT;
	case 8883:
		return S_MQTTS;
	}
	if (strcmp(a->proto, "tls") == 0)
		return S_HTTPS;
	if (a->status)
		return S_HTTP;
	return S_OTHER;
}

static void note_version(struct ctx *c, const char *what)
{
	size_t used = strlen(c->versions);

	if (what && *what && used + 4 < sizeof(c->versions))
		snprintf(c->versions + used, sizeof(c->versions) - used, "%s%s: %s", used ? "; " : "", c->service,
			 what);
}

static void outdated(struct ctx *c, const char *field, const char *text)
{
	char hits[600];

	if (!text || !*text)
		return;
	note_version(c, text);
	if (audit_vulns_match(c->s->vulns, field, text, hits, sizeof(hits)))
		audit_add(c->d, AT_OUTDATED, AUDIT_FAIL, c->service, "'%.120s' is known vulnerable: %s", text, hits);
}

/* default-credentials and bruteforce-mitigation on one login service. */
static void logins(struct ctx *c, enum login_proto p)
{
	const struct audit_settings *s = c->s;
	size_t tries = s->creds->n < (size_t)s->max_attempts ? s->creds->n : (size_t)s->max_attempts;
	int64_t fail_us[64];
	size_t nfail = 0, errors = 0, tried = 0, asked = 0;
	const struct audit_cred *found = NULL;
	struct login_outcome o;
	char last[256] = "";
	const char *probe_user = s->creds->n ? s->creds->v[0].user : "admin";

	for (size_t i = 0; i < tries; i++) {
		const struct audit_cred *cr = &s->creds->v[i];

		audit_pace_wait(s->pace);
		audit_login(p, c->ip, c->port, cr->user, cr->pass, s->read_timeout_ms, &o);
		tried++;
		if (o.result == LOGIN_NO_PASSWORD) {
			audit_add(c->d, AT_DEFAULT_CREDENTIALS, AUDIT_PASS, c->service, "%s", o.detail);
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_NA, c->service, "%s", o.detail);
			return;
		}
		if (o.result == LOGIN_OK) {
			found = cr;
			break;
		}
		if (o.result == LOGIN_DENIED) {
			if (nfail < 64)
				fail_us[nfail++] = o.answer_us;
			asked += o.password_asked;
		} else if (++errors >= 3) {
			break;
		}
		snprintf(last, sizeof(last), "%s", o.detail);
	}
	if (found) {
		audit_add(c->d, AT_DEFAULT_CREDENTIALS, AUDIT_FAIL, c->service,
			  "accepted user '%s' password '%s' (attempt %zu; source: %s)", found->user, found->pass, tried,
			  found->source);
		probe_user = found->user;
	} else if (errors >= 3 && nfail == 0) {
		audit_add(c->d, AT_DEFAULT_CREDENTIALS, AUDIT_INCONCLUSIVE, c->service,
			  "no login answer after %zu attempts: %.150s", tried, last);
		return;
	} else {
		audit_add(c->d, AT_DEFAULT_CREDENTIALS, AUDIT_PASS, c->service,
			  "%zu of %zu known default credentials refused (%s)", nfail, s->creds->n, last);
	}
	/* Every user name refused before a password was asked: there is no
	 * password login whose failures could be timed (vsftpd "anonymous
	 * only" answers USER with 530 at once). */
	if (!found && nfail > 0 && asked == 0) {
		if (c->anonymous_login)
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_NA, c->service,
				  "anonymous login only: none of %zu user names was asked for a password (%.150s)", nfail,
				  last);
		else
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_INCONCLUSIVE, c->service,
				  "none of %zu user names was asked for a password (%.150s): no password login to time",
				  nfail, last);
		return;
	}
	/* Brute force: enough failures to see a delay grow or a lockout. */
	while ((int)nfail < s->bruteforce_failures && nfail < 64) {
		char wrong[40];

		snprintf(wrong, sizeof(wrong), "iotmon-audit-%08lx", (unsigned long)(time_mono_us() & 0xffffffff));
		audit_pace_wait(s->pace);
		audit_login(p, c->ip, c->port, probe_user, wrong, s->read_timeout_ms, &o);
		if (o.result == LOGIN_DENIED) {
			fail_us[nfail++] = o.answer_us;
			continue;
		}
		if (o.result == LOGIN_OK) { /* any password works: nothing to slow down */
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_FAIL, c->service, "a wrong password was accepted");
			return;
		}
		audit_add(c->d, AT_BRUTEFORCE, AUDIT_PASS, c->service,
			  "locked out after %zu failed logins: %.150s", nfail, o.detail);
		return;
	}
	{
		int64_t first = nfail ? fail_us[0] : 0, last_us = nfail ? fail_us[nfail - 1] : 0, max = 0;

		for (size_t i = 0; i < nfail; i++)
			if (fail_us[i] > max)
				max = fail_us[i];
		if (nfail == 0)
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_INCONCLUSIVE, c->service, "no failed login could be measured");
		else if (max >= (int64_t)s->throttle_ms * 1000 || (last_us > 2 * first && last_us > 500000))
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_PASS, c->service,
				  "%zu failed logins answered after %lld..%lld ms (throttled)", nfail,
				  (long long)(first / 1000), (long long)(max / 1000));
		else
			audit_add(c->d, AT_BRUTEFORCE, AUDIT_FAIL, c->service,
				  "%zu failed logins answered in %lld..%lld ms, no lockout and no growing delay", nfail,
				  (long long)(first / 1000), (long long)(max / 1000));
	}
}

static void check_telnet(struct ctx *c, const struct port_answer *a)
{
	char text[256];
	struct login_outcome o;

	banner_telnet_text(a->raw, a->raw_len, text, sizeof(text));
	audit_add(c->d, AT_CLEARTEXT, AUDIT_FAIL, c->service, "telnet login without encryption: '%.100s'", text);
	outdated(c, "telnet", text);
	audit_login(LP_TELNET, c->ip, c->port, NULL, NULL, c->s->read_timeout_ms, &o);
	if (o.result == LOGIN_OK) {
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_FAIL, c->service, "shell without login: '%.100s'", o.detail);
		return;
	}
	audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_PASS, c->service, "asks for a login");
	logins(c, LP_TELNET);
}

static void check_ssh(struct ctx *c)
{
	struct ssh_kexinit k;
	char ident[256], weak[600];
	struct err err;

	if (audit_ssh_hello(c->ip, c->port, c->s->read_timeout_ms, ident, sizeof(ident), &k, &err)) {
		audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_INCONCLUSIVE, c->service, "%.200s", err.msg);
	} else {
		outdated(c, "ssh", ident);
		if (ssh_kexinit_weak(&k, weak, sizeof(weak)))
			audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_FAIL, c->service, "weak SSH algorithms offered: %s", weak);
		else
			audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_PASS, c->service, "kex %.200s; ciphers %.200s",
				  k.lists[SSH_KEX], k.lists[SSH_CIPHER_SC]);
	}
	audit_add(c->d, AT_CLEARTEXT, AUDIT_PASS, c->service, "SSH: encrypted");
	logins(c, LP_SSH);
}

static void check_ftp(struct ctx *c, const struct port_answer *a)
{
	struct login_outcome o;
	char greet[160];

	snprintf(greet, sizeof(greet), "%.*s", (int)strcspn(a->raw, "\r\n"), a->raw);
	outdated(c, "ftp", greet);
	audit_add(c->d, AT_CLEARTEXT, AUDIT_FAIL, c->service, "FTP logins without encryption: '%.100s'", greet);
	audit_pace_wait(c->s->pace);
	audit_login(LP_FTP, c->ip, c->port, NULL, NULL, c->s->read_timeout_ms, &o);
	c->anonymous_login = o.result == LOGIN_OK;
	if (o.result == LOGIN_OK)
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_FAIL, c->service, "anonymous FTP login accepted: %.150s",
			  o.detail);
	else
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_PASS, c->service, "anonymous login refused: %.150s", o.detail);
	logins(c, LP_FTP);
}

static int config_path(const char *item, size_t len, void *arg)
{
	struct ctx *c = arg;
	static const char *const secrets[] = {"password", "passwd", "wpa_psk", "psk=", "ssid", "secret", NULL};
	struct http_answer a;
	char path[128];

	if (len >= sizeof(path))
		return 0;
	memcpy(path, item, len);
	path[len] = '\0';
	audit_http_get(c->ip, c->port, c->tls, path, c->s->read_timeout_ms, &a);
	if (a.status != 200)
		return 0;
	for (size_t i = 0; secrets[i]; i++)
		if (audit_memcasestr(a.body, a.body_len, secrets[i])) {
			audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_FAIL, c->service,
				  "GET %s answers 200 without authentication and shows '%s'", path, secrets[i]);
			return 1;
		}
	return 0;
}

static void check_http(struct ctx *c, const struct port_answer *a, bool tls)
{
	struct http_answer root;
	size_t before = c->d->nfindings;
	bool fail = false;

	c->tls = tls;
	outdated(c, "http", a->server);
	audit_http_get(c->ip, c->port, tls, "/", c->s->read_timeout_ms, &root);
	if (!tls) {
		bool to_https = root.status >= 300 && root.status < 400 && strncmp(root.location, "https:", 6) == 0;
		bool admin = root.status == 401 || audit_memcasestr(root.body, root.body_len, "type=\"password\"") ||
			     audit_memcasestr(root.body, root.body_len, "type=password");

		if (to_https)
			audit_add(c->d, AT_CLEARTEXT, AUDIT_PASS, c->service, "redirects to %.100s", root.location);
		else if (admin)
			audit_add(c->d, AT_CLEARTEXT, AUDIT_FAIL, c->service,
				  "HTTP %s login without TLS (status %ld)", root.auth[0] ? root.auth : "form", root.status);
		else
			audit_add(c->d, AT_CLEARTEXT, AUDIT_PASS, c->service, "no login page over plain HTTP (status %ld)",
				  root.status);
	}
	config_each_item(c->s->config_paths, config_path, c);
	for (size_t i = before; i < c->d->nfindings; i++)
		fail |= c->d->findings[i].test == AT_UNAUTHENTICATED && c->d->findings[i].verdict == AUDIT_FAIL;
	if (!fail && root.status == 0)
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_INCONCLUSIVE, c->service, "no HTTP answer to GET /");
	else if (!fail)
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_PASS, c->service,
			  "no configuration page answers without authentication (/ status %ld)", root.status);
	if (root.status == 401)
		logins(c, tls ? LP_HTTPS : LP_HTTP);
}

static void check_tls(struct ctx *c)
{
	struct tls_report r;
	char why[600] = "";
	size_t used = 0;

#define WHY(...) used += (size_t)snprintf(why + used, used < sizeof(why) ? sizeof(why) - used : 0, __VA_ARGS__)
	audit_tls_check(c->ip, c->port, c->s->read_timeout_ms, c->s->ca_file, &r);
	if (!r.reachable) {
		audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_INCONCLUSIVE, c->service, "no TLS handshake: %.150s", r.error);
		return;
	}
	if (r.version[0])
		WHY("TLSv1.0 accepted; ");
	if (r.version[1])
		WHY("TLSv1.1 accepted; ");
	if (r.weak_cipher[0])
		WHY("weak suite %s accepted; ", r.weak_cipher);
	if (r.self_signed)
		WHY("self-signed certificate; ");
	else if (r.untrusted)
		WHY("certificate not trusted; ");
	if (r.expired)
		WHY("certificate expired %s; ", r.not_after);
	if (r.weak_key)
		WHY("%d-bit key; ", r.key_bits);
	if (r.weak_signature)
		WHY("SHA-1/MD5 certificate signature; ");
#undef WHY
	if (used >= sizeof(why))
		used = sizeof(why) - 1;
	if (used)
		audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_FAIL, c->service, "%.*s(subject %s)", (int)used - 2, why,
			  r.subject);
	else
		audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_PASS, c->service, "%s%s%s%s; certificate %.150s valid until %s",
			  r.version[0] ? "TLSv1.0 " : "", r.version[1] ? "TLSv1.1 " : "", r.version[2] ? "TLSv1.2 " : "",
			  r.version[3] ? "TLSv1.3" : "", r.subject, r.not_after);
}

static void check_mqtt(struct ctx *c)
{
	struct login_outcome o;

	audit_pace_wait(c->s->pace);
	audit_login(LP_MQTT, c->ip, c->port, NULL, NULL, c->s->read_timeout_ms, &o);
	if (o.result == LOGIN_ERROR) {
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_INCONCLUSIVE, c->service, "%.200s", o.detail);
		return;
	}
	audit_add(c->d, AT_WEAK_CRYPTO, AUDIT_FAIL, c->service, "MQTT without TLS");
	audit_add(c->d, AT_CLEARTEXT, AUDIT_FAIL, c->service, "MQTT credentials and messages without encryption");
	if (o.result == LOGIN_OK) {
		char version[96];

		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_FAIL, c->service, "CONNECT without user name accepted (%s)",
			  o.detail);
		/* An open broker tells its version to anyone subscribed to $SYS. */
		if (mqtt_broker_version(c->ip, c->port, c->s->read_timeout_ms, version, sizeof(version)) == 0)
			outdated(c, "mqtt", version);
		audit_add(c->d, AT_DEFAULT_CREDENTIALS, AUDIT_NA, c->service, "no authentication at all");
		audit_add(c->d, AT_BRUTEFORCE, AUDIT_NA, c->service, "no authentication at all");
		return;
	}
	audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_PASS, c->service, "CONNECT without user name refused (%s)",
		  o.detail);
	logins(c, LP_MQTT);
}

static void check_rtsp(struct ctx *c, const struct port_answer *a)
{
	struct login_outcome o;

	outdated(c, "rtsp", a->server);
	audit_pace_wait(c->s->pace);
	audit_login(LP_RTSP, c->ip, c->port, NULL, NULL, c->s->read_timeout_ms, &o);
	if (o.result == LOGIN_OK) {
		audit_add(c->d, AT_UNAUTHENTICATED, AUDIT_FAIL, c->service, "DESCRIBE without credentials: %s", o.detail);
		return;
	}
	audit_add(c->d, AT_UNAUTHENTICATED, o.result == LOGIN_DENIED ? AUDIT_PASS : AUDIT_INCONCLUSIVE, c->service,
		  "DESCRIBE without credentials: %s", o.detail);
	if (o.result == LOGIN_DENIED)
		logins(c, LP_RTSP);
}

static bool forbidden(const struct audit_settings *s, uint16_t port)
{
	for (size_t i = 0; i < s->nforbidden; i++)
		if (s->forbidden[i] == port)
			return true;
	return false;
}

void audit_check_device(const struct audit_settings *s, const struct probe_host *h, struct audit_device *d)
{
	struct ctx c = {.s = s, .d = d, .ip = &h->ip};
	char open[400] = "", bad[400] = "", upnp[400];
	size_t nopen = 0, nbad = 0;
	struct probe_facts facts;
	struct device_match m;
	int up;

	d->started_us = time_now_us();
	for (size_t i = 0; i < h->nports; i++) {
		const struct port_answer *a = &h->ports[i];
		enum svc sv;
		size_t ol = strlen(open), bl = strlen(bad);

		if (a->state != PORT_OPEN)
			continue;
		sv = classify(a);
		snprintf(c.service, sizeof(c.service), "%s/%u", svc_names[sv], a->port);
		c.anonymous_login = false;
		c.port = a->port;
		nopen++;
		snprintf(open + ol, sizeof(open) - ol, "%s%s", ol ? " " : "", c.service);
		if (forbidden(s, a->port)) {
			nbad++;
			snprintf(bad + bl, sizeof(bad) - bl, "%s%s", bl ? " " : "", c.service);
		}
		switch (sv) {
		case S_TELNET:
			check_telnet(&c, a);
			break;
		case S_SSH:
			check_ssh(&c);
			break;
		case S_FTP:
			check_ftp(&c, a);
			break;
		case S_HTTP:
			check_http(&c, a, false);
			break;
		case S_HTTPS:
			check_tls(&c);
			check_http(&c, a, true);
			break;
		case S_RTSP:
			check_rtsp(&c, a);
			break;
		case S_MQTT:
			check_mqtt(&c);
			break;
		case S_MQTTS:
			check_tls(&c);
			break;
		case S_OTHER:
			break;
		}
	}
	up = audit_upnp_search(&h->ip, s->read_timeout_ms < 2000 ? s->read_timeout_ms : 2000, upnp, sizeof(upnp));
	if (up == 1) {
		audit_add(d, AT_EXPOSED, AUDIT_FAIL, "ssdp/1900", "answers SSDP M-SEARCH: %.300s", upnp);
		snprintf(c.service, sizeof(c.service), "ssdp/1900");
		outdated(&c, "upnp", upnp);
	}
	if (nbad)
		audit_add(d, AT_EXPOSED, AUDIT_FAIL, "", "%zu of %zu open ports should not be exposed: %s (open: %s)", nbad,
			  nopen, bad, open);
	else if (nopen)
		audit_add(d, AT_EXPOSED, AUDIT_PASS, "", "open: %s", open);
	else if (up != 1)
		audit_add(d, AT_EXPOSED, AUDIT_INCONCLUSIVE, "", "no scanned port open and no SSDP answer");
	/* Outdated software: the probe signatures name the device too. */
	probe_host_facts(h, &facts);
	if (s->sigs && sigset_match(s->sigs, &facts, &m)) {
		char what[200];

		snprintf(c.service, sizeof(c.service), "device");
		snprintf(what, sizeof(what), "%s %s %s", m.vendor, m.model, m.firmware);
		outdated(&c, "device", what);
		if (!d->vendor[0])
			snprintf(d->vendor, sizeof(d->vendor), "%s", m.vendor);
		if (!d->model[0])
			snprintf(d->model, sizeof(d->model), "%s", m.model);
		if (!d->firmware[0])
			snprintf(d->firmware, sizeof(d->firmware), "%s", m.firmware);
	}
	if (nopen && audit_device_verdict(d, AT_OUTDATED) != AUDIT_FAIL)
		audit_add(d, AT_OUTDATED, AUDIT_PASS, "",
			  c.versions[0] ? "no known-vulnerable version among: %.400s" : "%sno version disclosed",
			  c.versions[0] ? c.versions : "");
	d->finished_us = time_now_us();
	audit_device_finish(d);
}
