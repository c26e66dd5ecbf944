#include "audit_login.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit_net.h"
#include "core/timeutil.h"

const char *login_proto_name(enum login_proto p)
{
	static const char *const names[] = {"telnet", "ssh", "ftp", "http", "https", "rtsp", "mqtt"};
	return names[p];
}

static void set_detail(struct login_outcome *o, const char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < sizeof(o->detail); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xff && i + 2 < n) { /* telnet IAC x y */
			i += 2;
			continue;
		}
		if (c < 0x20 || c > 0x7e)
			c = ' ';
		if (c == ' ' && j && o->detail[j - 1] == ' ')
			continue;
		o->detail[j++] = (char)c;
	}
	o->detail[j] = '\0';
}

/* Refuses every telnet option the server asks for (no terminal type, no
 * echo games): the login prompt comes anyway. */
static void telnet_refuse(int fd, const char *buf, size_t n)
{
	unsigned char out[96];
	size_t k = 0;

	for (size_t i = 0; i + 2 < n + 0 && k + 3 <= sizeof(out); i++) {
		unsigned char c = (unsigned char)buf[i], cmd = (unsigned char)buf[i + 1];

		if (c != 0xff || cmd < 251 || cmd > 254)
			continue;
		out[k++] = 0xff;
		out[k++] = (cmd == 251 || cmd == 252) ? 254 : 252; /* WILL->DONT, DO->WONT */
		out[k++] = (unsigned char)buf[i + 2];
		i += 2;
	}
	if (k)
		audit_send_all(fd, out, k);
}

static bool ends_in_shell_prompt(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n && (s[n - 1] == '#' || s[n - 1] == '$' || s[n - 1] == '>' || s[n - 1] == '%');
}

static void telnet_login(int fd, const char *user, const char *pass, int tmo, struct login_outcome *o)
{
	static const char *const login_p[] = {"login:", "username:", "user:", NULL};
	static const char *const pass_p[] = {"password:", NULL};
	static const char *const after[] = {"incorrect", "failed", "denied", "invalid", "login:", "# ", "$ ", "> ",
					    NULL};
	char buf[4096], line[160];
	long n;
	int64_t t0;

	n = audit_read_until(fd, buf, sizeof(buf), login_p, tmo);
	if (n > 0)
		telnet_refuse(fd, buf, (size_t)n);
	if (n <= 0 || (!audit_memcasestr(buf, (size_t)n, login_p[0]) && !audit_memcasestr(buf, (size_t)n, "user"))) {
		if (n > 0 && ends_in_shell_prompt(buf, (size_t)n)) {
			o->result = LOGIN_OK; /* a shell without any login */
			set_detail(o, buf, (size_t)n);
			return;
		}
		o->result = LOGIN_ERROR;
		set_detail(o, buf, n > 0 ? (size_t)n : 0);
		if (!o->detail[0])
			snprintf(o->detail, sizeof(o->detail), "no login prompt");
		return;
	}
	if (!user) { /* anonymous: a prompt that asks for a login is the answer */
		o->result = LOGIN_DENIED;
		set_detail(o, buf, (size_t)n);
		return;
	}
	snprintf(line, sizeof(line), "%s\r\n", user);
	audit_send_all(fd, line, strlen(line));
	n = audit_read_until(fd, buf, sizeof(buf), pass_p, tmo);
	if (n <= 0 || !audit_memcasestr(buf, (size_t)n, "password")) {
		/* Some devices log in without a password. */
		o->result = n > 0 && ends_in_shell_prompt(buf, (size_t)n) ? LOGIN_OK : LOGIN_ERROR;
		set_detail(o, buf, n > 0 ? (size_t)n : 0);
		return;
	}
	snprintf(line, sizeof(line), "%s\r\n", pass);
	t0 = time_mono_us();
	audit_send_all(fd, line, strlen(line));
	n = audit_read_until(fd, buf, sizeof(buf), after, tmo);
	o->answer_us = time_mono_us() - t0;
	set_detail(o, buf, n > 0 ? (size_t)n : 0);
	if (n > 0 && (audit_memcasestr(buf, (size_t)n, "incorrect") || audit_memcasestr(buf, (size_t)n, "failed") ||
		      audit_memcasestr(buf, (size_t)n, "denied") || audit_memcasestr(buf, (size_t)n, "invalid") ||
		      audit_memcasestr(buf, (size_t)n, "login:")))
		o->result = LOGIN_DENIED;
	else if (n > 0 && ends_in_shell_prompt(buf, (size_t)n)) {
		o->result = LOGIN_OK;
		audit_send_all(fd, "exit\r\n", 6);
	} else
		o->result = n == 0 ? LOGIN_DENIED : LOGIN_ERROR; /* closed after the password: refused */
}

static int ftp_code(const char *buf)
{
	return (buf[0] >= '1' && buf[0] <= '5') ? (buf[0] - '0') * 100 + (buf[1] - '0') * 10 + (buf[2] - '0') : 0;
}

/* Reads one FTP reply (the last line of a multi-line one decides). */
static int ftp_reply(int fd, char *buf, size_t cap, int tmo)
{
	static const char *const eol[] = {"\n", NULL};
	long n = audit_read_until(fd, buf, cap, eol, tmo);
	const char *last;

	if (n < 4)
		return 0;
	/* Multi-line "123-" ... "123 " : read on until the closing line. */
	while (buf[3] == '-' && (size_t)n + 1 < cap) {
		char code[5] = {buf[0], buf[1], buf[2], ' ', 0};
		long m;

		if (strstr(buf, "\n") && (last = strstr(buf + 1, code)) && strchr(last, '\n'))
			break;
		m = audit_read_until(fd, buf + n, cap - (size_t)n, eol, tmo);
		if (m <= 0)
			break;
		n += m;
	}
	return ftp_code(buf);
}

static void ftp_login(int fd, const char *user, const char *pass, int tmo, struct login_outcome *o)
{
	char buf[2048], line[160];
	int code;
	int64_t t0;

	code = ftp_reply(fd, buf, sizeof(buf), tmo);
	if (code != 220) {
		o->result = LOGIN_ERROR;
		set_detail(o, buf, strlen(buf));
		return;
	}
	snprintf(line, sizeof(line), "USER %s\r\n", user ? user : "anonymous");
	audit_send_all(fd, line, strlen(line));
	code = ftp_reply(fd, buf, sizeof(buf), tmo);
	t0 = time_mono_us();
	o->password_asked = code == 331;
	if (code == 331) {
		snprintf(line, sizeof(line), "PASS %s\r\n", user ? pass : "iotmon-audit@example.org");
		audit_send_all(fd, line, strlen(line));
		code = ftp_reply(fd, buf, sizeof(buf), tmo);
	}
	o->answer_us = time_mono_us() - t0;
	set_detail(o, buf, strlen(buf));
	o->result = code == 230 ? LOGIN_OK : (code >= 400 || code == 0) ? LOGIN_DENIED : LOGIN_ERROR;
	audit_send_all(fd, "QUIT\r\n", 6);
}

size_t mqtt_connect_packet(unsigned char *out, size_t cap, const char *client_id, const char *user,
			   const char *pass)
{
	size_t lc = strlen(client_id), lu = user ? strlen(user) : 0, lp = pass ? strlen(pass) : 0;
	size_t rem = 10 + 2 + lc + (user ? 2 + lu : 0) + (user && pass ? 2 + lp : 0);
	size_t k = 0;

	if (rem > 16383 || rem + 3 > cap || lc > 65535 || lu > 65535 || lp > 65535)
		return 0;
	out[k++] = 0x10;
	if (rem > 127) {
		out[k++] = (unsigned char)(0x80 | (rem & 0x7f));
		out[k++] = (unsigned char)(rem >> 7);
	} else
		out[k++] = (unsigned char)rem;
	memcpy(out + k, "\0\4MQTT\4", 7);
	k += 7;
	out[k++] = (unsigned char)(0x02 | (user ? 0x80 : 0) | (user && pass ? 0x40 : 0));
	out[k++] = 0;
	out[k++] = 30; /* keep-alive */
#define PUT_STR(s, l)                                \
	do {                                         \
		out[k++] = (unsigned char)((l) >> 8); \
		out[k++] = (unsigned char)(l);        \
		memcpy(out + k, s, l);               \
		k += (l);                            \
	} while (0)
	PUT_STR(client_id, lc);
	if (user)
		PUT_STR(user, lu);
	if (user && pass)
		PUT_STR(pass, lp);
#undef PUT_STR
	return k;
}

int mqtt_connack_code(const unsigned char *buf, size_t len)
{
	/* 0x20, remaining length 2 (3.1.1) or more (5.0), flags, code. */
	if (len < 4 || buf[0] != 0x20 || buf[1] < 2 || (size_t)buf[1] + 2 > len)
		return -1;
	return buf[3];
}

int mqtt_publish_payload(const unsigned char *buf, size_t len, char *out, size_t cap)
{
	size_t off = 0;

	while (off + 2 <= len) {
		size_t rem = 0, hdr = 1, shift = 0, tl, j = 0;
		unsigned char type = buf[off];

		/* Remaining length: up to four 7-bit groups. */
		do {
			if (off + hdr >= len || hdr > 4)
				return -1;
			rem |= (size_t)(buf[off + hdr] & 0x7f) << shift;
			shift += 7;
		} while (buf[off + hdr++] & 0x80);
		if (rem > len - off - hdr)
			return -1;
		if ((type & 0xf0) == 0x30 && rem >= 2) {
			const unsigned char *p = buf + off + hdr;

			tl = (size_t)p[0] << 8 | p[1];
			if (tl + 2 + ((type & 0x06) ? 2 : 0) > rem)
				return -1;
			p += 2 + tl + ((type & 0x06) ? 2 : 0); /* topic, packet id when QoS > 0 */
			for (size_t i = 0; i < rem - (size_t)(p - (buf + off + hdr)) && j + 1 < cap; i++)
				out[j++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
			if (cap)
				out[j] = '\0';
			return 0;
		}
		off += hdr + rem;
	}
	return -1;
}

int mqtt_broker_version(const struct ipaddr *ip, uint16_t port, int timeout_ms, char *out, size_t cap)
{
	static const char topic[] = "$SYS/broker/version";
	unsigned char pkt[128], buf[2048];
	size_t n = mqtt_connect_packet(pkt, sizeof(pkt), "iotmon-audit", NULL, NULL), got = 0;
	int fd = audit_connect(ip, port, timeout_ms, NULL), rc = -1;
	long m;

	if (fd < 0)
		return -1;
	if (audit_send_all(fd, pkt, n) || (m = audit_read_until(fd, (char *)buf, 5, NULL, timeout_ms)) < 4 ||
	    mqtt_connack_code(buf, (size_t)m) != 0)
		goto out;
	/* SUBSCRIBE, packet id 1, one topic at QoS 0. */
	n = 0;
	pkt[n++] = 0x82;
	pkt[n++] = (unsigned char)(2 + 2 + sizeof(topic) - 1 + 1);
	pkt[n++] = 0;
	pkt[n++] = 1;
	pkt[n++] = 0;
	pkt[n++] = (unsigned char)(sizeof(topic) - 1);
	memcpy(pkt + n, topic, sizeof(topic) - 1);
	n += sizeof(topic) - 1;
	pkt[n++] = 0;
	if (audit_send_all(fd, pkt, n))
		goto out;
	/* SUBACK, then the retained message. */
	while (got < sizeof(buf) - 1 && rc != 0) {
		m = audit_read_until(fd, (char *)buf + got, sizeof(buf) - got, NULL, timeout_ms);
		if (m <= 0)
			break;
		got += (size_t)m;
		rc = mqtt_publish_payload(buf, got, out, cap);
	}
	audit_send_all(fd, "\xe0\x00", 2);
out:
	close(fd);
	return rc;
}

static void mqtt_login(int fd, const char *user, const char *pass, int tmo, struct login_outcome *o)
{
	unsigned char pkt[512], buf[64];
	size_t n = mqtt_connect_packet(pkt, sizeof(pkt), "iotmon-audit", user, pass);
	int64_t t0;
	long got;
	int rc;

	if (!n || audit_send_all(fd, pkt, n)) {
		o->result = LOGIN_ERROR;
		snprintf(o->detail, sizeof(o->detail), "could not send CONNECT");
		return;
	}
	t0 = time_mono_us();
	got = audit_read_until(fd, (char *)buf, sizeof(buf), NULL, tmo);
	o->answer_us = time_mono_us() - t0;
	rc = got > 0 ? mqtt_connack_code(buf, (size_t)got) : -1;
	if (rc < 0) {
		o->result = got == 0 ? LOGIN_DENIED : LOGIN_ERROR;
		snprintf(o->detail, sizeof(o->detail), "%s", got == 0 ? "closed without CONNACK" : "no CONNACK");
		return;
	}
	snprintf(o->detail, sizeof(o->detail), "CONNACK return code %d", rc);
	o->result = rc == 0 ? LOGIN_OK : (rc == 4 || rc == 5 || rc == 0x86 || rc == 0x87) ? LOGIN_DENIED
											 : LOGIN_ERROR;
	if (rc == 0)
		audit_send_all(fd, "\xe0\x00", 2);
}

struct curl_seen {
	bool auth_done, methods_seen, password_offered;
};

static int curl_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct curl_seen *s = arg;

	(void)h;
	if (type != CURLINFO_TEXT)
		return 0;
	if (audit_memcasestr(data, size, "Authentication complete"))
		s->auth_done = true;
	if (audit_memcasestr(data, size, "authentication methods available")) {
		s->methods_seen = true;
		if (audit_memcasestr(data, size, "password") || audit_memcasestr(data, size, "keyboard"))
			s->password_offered = true;
	}
	return 0;
}

static size_t curl_discard(char *p, size_t s, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return s * n;
}

/* SSH, HTTP and RTSP logins go through libcurl (libssh2 for SSH): the
 * authentication answer is all we look at. */
static void curl_login(enum login_proto p, const struct ipaddr *ip, uint16_t port, const char *user,
		       const char *pass, int tmo, struct login_outcome *o)
{
	char url[128], host[IPADDR_STRLEN], userpwd[140];
	struct curl_seen seen = {0};
	CURL *h = curl_easy_init();
	CURLcode rc;
	long code = 0;
	int64_t t0;

	if (!h) {
		o->result = LOGIN_ERROR;
		snprintf(o->detail, sizeof(o->detail), "curl_easy_init failed");
		return;
	}
	ipaddr_format(ip, host);
	snprintf(url, sizeof(url), ip->af == 6 ? "%s://[%s]:%u/" : "%s://%s:%u/",
		 p == LP_SSH ? "sftp" : p == LP_RTSP ? "rtsp" : p == LP_HTTPS ? "https" : "http", host, port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)tmo * 2);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)tmo);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_discard);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, curl_discard);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,sftp,rtsp");
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, curl_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &seen);
	if (user) {
		snprintf(userpwd, sizeof(userpwd), "%s:%s", user, pass);
		curl_easy_setopt(h, CURLOPT_USERPWD, userpwd);
	}
	if (p == LP_SSH) {
		curl_easy_setopt(h, CURLOPT_SSH_AUTH_TYPES, (long)(CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD));
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (p == LP_RTSP) {
		curl_easy_setopt(h, CURLOPT_RTSP_REQUEST, (long)CURL_RTSPREQ_DESCRIBE);
		curl_easy_setopt(h, CURLOPT_RTSP_STREAM_URI, url);
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
		curl_easy_setopt(h, CURLOPT_USERAGENT, "iotmon-audit");
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L); /* weak-crypto judges the certificate */
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		/* Old devices speak TLS 1.0: reach them, weak-crypto says so. */
		curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_0);
		curl_easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
	}
	t0 = time_mono_us();
	rc = curl_easy_perform(h);
	o->answer_us = time_mono_us() - t0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (p == LP_SSH) {
		if (seen.methods_seen && !seen.password_offered) {
			o->result = LOGIN_NO_PASSWORD;
			snprintf(o->detail, sizeof(o->detail), "no password or keyboard-interactive login offered");
		} else if (seen.auth_done) {
			o->result = LOGIN_OK;
			snprintf(o->detail, sizeof(o->detail), "SSH password authentication accepted");
		} else if (rc == CURLE_LOGIN_DENIED) {
			o->result = LOGIN_DENIED;
			snprintf(o->detail, sizeof(o->detail), "SSH password authentication refused");
		} else {
			o->result = LOGIN_ERROR;
			snprintf(o->detail, sizeof(o->detail), "%s", curl_easy_strerror(rc));
		}
	} else if (rc != CURLE_OK && code == 0) {
		o->result = LOGIN_ERROR;
		snprintf(o->detail, sizeof(o->detail), "%s", curl_easy_strerror(rc));
	} else {
		o->result = code == 401 || code == 403 ? LOGIN_DENIED : code >= 200 && code < 400 ? LOGIN_OK
												  : LOGIN_ERROR;
		snprintf(o->detail, sizeof(o->detail), "%s status %ld", p == LP_RTSP ? "RTSP" : "HTTP", code);
	}
	curl_easy_cleanup(h);
}

void audit_login(enum login_proto p, const struct ipaddr *ip, uint16_t port, const char *user, const char *pass,
		 int timeout_ms, struct login_outcome *out)
{
	struct err err;
	int fd;

	memset(out, 0, sizeof(*out));
	out->password_asked = p != LP_FTP; /* only FTP tells a refused user name apart */
	if (p == LP_SSH || p == LP_HTTP || p == LP_HTTPS || p == LP_RTSP) {
		curl_login(p, ip, port, user, pass, timeout_ms, out);
		return;
	}
	fd = audit_connect(ip, port, timeout_ms, &err);
	if (fd < 0) {
		out->result = LOGIN_ERROR;
		snprintf(out->detail, sizeof(out->detail), "%.200s", err.msg);
		return;
	}
	if (p == LP_TELNET)
		telnet_login(fd, user, pass, timeout_ms, out);
	else if (p == LP_FTP)
		ftp_login(fd, user, pass, timeout_ms, out);
	else
		mqtt_login(fd, user, pass, timeout_ms, out);
	close(fd);
}
