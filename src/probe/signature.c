#define PCRE2_CODE_UNIT_WIDTH 8
#include "signature.h"

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum field { F_TELNET, F_HTTP, F_HTTP_SERVER, F_HTTP_TITLE, F_HTTP_REALM, F_RTSP, F_TLS_SUBJECT, F_COUNT };

static const char *const field_names[F_COUNT] = {"telnet",     "http",  "http_server", "http_title",
						 "http_realm", "rtsp", "tls_subject"};

struct rule {
	enum field field;
	pcre2_code *re;
	char *vendor, *type, *model, *firmware; /* templates, "" when not set */
	char *name; /* for device.rule: "source: pattern" */
	bool from_nmap;
};

struct sigset {
	struct rule *r;
	size_t n, cap;
};

struct sigset *sigset_new(void)
{
	return xcalloc(1, sizeof(struct sigset));
}

void sigset_free(struct sigset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		pcre2_code_free(s->r[i].re);
		free(s->r[i].vendor);
		free(s->r[i].type);
		free(s->r[i].model);
		free(s->r[i].firmware);
		free(s->r[i].name);
	}
	free(s->r);
	free(s);
}

size_t sigset_count(const struct sigset *s)
{
	return s->n;
}

static struct rule *add_rule(struct sigset *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->r = xrealloc(s->r, s->cap * sizeof(*s->r));
	}
	memset(&s->r[s->n], 0, sizeof(s->r[0]));
	return &s->r[s->n++];
}

static pcre2_code *compile(const char *pat, size_t len, uint32_t flags, char *why, size_t whylen)
{
	PCRE2_SIZE off;
	int code;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, flags, &code, &off, NULL);

	if (!re) {
		PCRE2_UCHAR msg[128];

		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(why, whylen, "bad pattern at offset %zu: %s", (size_t)off, (const char *)msg);
	}
	return re;
}

int sigset_load_rules_buf(struct sigset *s, const char *buf, size_t len, const char *name, struct err *err)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *col[7];
		size_t clen[7];
		int ncol = 0;
		char why[192];

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', n))
			return err_set(err, "%s:%zu: NUL byte", name, lineno);
		for (size_t i = 0, start = 0; i <= n && ncol < 7; i++)
			if (i == n || line[i] == '\t') {
				col[ncol] = line + start;
				clen[ncol++] = i - start;
				start = i + 1;
			}
		if (ncol != 7)
			return err_set(err, "%s:%zu: expected 7 tab-separated columns (field, pattern, vendor, type, "
					    "model, firmware, source)",
				       name, lineno);
		int f = -1;
		for (int i = 0; i < F_COUNT; i++)
			if (strlen(field_names[i]) == clen[0] && memcmp(field_names[i], col[0], clen[0]) == 0)
				f = i;
		if (f < 0)
			return err_set(err, "%s:%zu: unknown field \"%.*s\"", name, lineno, (int)(clen[0] > 32 ? 32 : clen[0]),
				       col[0]);
		if (clen[6] == 0)
			return err_set(err, "%s:%zu: every rule needs its source", name, lineno);
		pcre2_code *re = compile(col[1], clen[1], 0, why, sizeof(why));
		if (!re)
			return err_set(err, "%s:%zu: %s", name, lineno, why);
		struct rule *r = add_rule(s);
		r->field = (enum field)f;
		r->re = re;
		r->vendor = xstrndup(col[2], clen[2]);
		r->type = xstrndup(col[3], clen[3]);
		r->model = xstrndup(col[4], clen[4]);
		r->firmware = xstrndup(col[5], clen[5]);
		size_t nl2 = clen[6] + clen[1] + 3;
		r->name = xmalloc(nl2);
		snprintf(r->name, nl2, "%.*s: %.*s", (int)clen[6], col[6], (int)clen[1], col[1]);
	}
	return 0;
}

static char *slurp(const char *path, size_t *len, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (!f) {
		err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		err_set(err, "%s: not a regular file", path);
		return NULL;
	}
	buf = xmalloc((size_t)size + 1);
	*len = fread(buf, 1, (size_t)size, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

int sigset_load_rules(struct sigset *s, const char *path, struct err *err)
{
	size_t len;
	char *buf = slurp(path, &len, err);
	int rc;

	if (!buf)
		return -1;
	rc = sigset_load_rules_buf(s, buf, len, path, err);
	free(buf);
	return rc;
}

/* nmap's device types onto ours (camera, dvr, router, nas, printer); the
 * rest keep nmap's word. */
static const char *map_type(const char *d)
{
	static const char *const map[][2] = {
		{"webcam", "camera"},	  {"broadband router", "router"}, {"router", "router"}, {"WAP", "router"},
		{"storage-misc", "nas"}, {"printer", "printer"},	  {"media device", "media device"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(d, map[i][0]) == 0)
			return map[i][1];
	return d;
}

/* One "X<d>text<d>" field; returns the end, or NULL. */
static const char *nmap_field(const char *p, const char *end, char *key, size_t keylen, const char **text,
			      size_t *tlen)
{
	size_t k = 0;
	char delim;
	const char *close;

	if (end - p > 4 && memcmp(p, "cpe:", 4) == 0) {
		snprintf(key, keylen, "cpe");
		p += 4;
	} else {
		while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) && k + 1 < keylen)
			key[k++] = *p++;
		key[k] = '\0';
		if (k != 1)
			return NULL;
	}
	if (p >= end)
		return NULL;
	delim = *p++;
	close = memchr(p, delim, (size_t)(end - p));
	if (!close)
		return NULL;
	*text = p;
	*tlen = (size_t)(close - p);
	p = close + 1;
	if (p < end && *p == 'a')
		p++;
	return p;
}

static int nmap_line(struct sigset *s, const char *line, size_t n)
{
	const char *p = line + 6, *end = line + n, *pat, *close;
	const char *prod = NULL, *ver = NULL, *dev = NULL, *cpe = NULL;
	size_t prod_len = 0, ver_len = 0, dev_len = 0, cpe_len = 0;
	enum field f;
	uint32_t flags = 0;
	char delim, why[192];

	/* The service name after "match " (the caller checked n > 6). */
	if (end - p > 7 && memcmp(p, "telnet ", 7) == 0)
		f = F_TELNET, p += 7;
	else if (end - p > 5 && memcmp(p, "http ", 5) == 0)
		f = F_HTTP, p += 5;
	else if (end - p > 5 && memcmp(p, "rtsp ", 5) == 0)
		f = F_RTSP, p += 5;
	else
		return 0;
	if (p + 2 >= end || *p != 'm')
		return 0;
	delim = p[1];
	pat = p + 2;
	close = memchr(pat, delim, (size_t)(end - pat));
	if (!close)
		return 0;
	for (p = close + 1; p < end && *p != ' '; p++)
		flags |= *p == 'i' ? PCRE2_CASELESS : *p == 's' ? PCRE2_DOTALL : 0;
	while (p < end) {
		char key[8];
		const char *text;
		size_t tlen;

		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		p = nmap_field(p, end, key, sizeof(key), &text, &tlen);
		if (!p)
			return 0;
		if (strcmp(key, "p") == 0)
			prod = text, prod_len = tlen;
		else if (strcmp(key, "v") == 0)
			ver = text, ver_len = tlen;
		else if (strcmp(key, "d") == 0)
			dev = text, dev_len = tlen;
		else if (strcmp(key, "cpe") == 0 && !cpe && tlen > 3 && (text[1] == 'h' || text[1] == 'o'))
			cpe = text, cpe_len = tlen;
	}
	if (!prod && !dev)
		return 0;
	pcre2_code *re = compile(pat, (size_t)(close - pat), flags, why, sizeof(why));
	if (!re)
		return 0;
	struct rule *r = add_rule(s);
	char tmp[64];

	r->from_nmap = true;
	r->field = f;
	r->re = re;
	r->model = prod ? xstrndup(prod, prod_len) : xstrdup("");
	r->firmware = ver ? xstrndup(ver, ver_len) : xstrdup("");
	snprintf(tmp, sizeof(tmp), "%.*s", (int)dev_len, dev ? dev : "");
	r->type = xstrdup(map_type(tmp));
	if (cpe) {
		/* "/h:hikvision:..." -> hikvision */
		const char *v = cpe + 3, *colon = memchr(v, ':', cpe_len - 3);

		r->vendor = xstrndup(v, colon ? (size_t)(colon - v) : cpe_len - 3);
	} else if (prod) {
		const char *sp = memchr(prod, ' ', prod_len);

		r->vendor = xstrndup(prod, sp ? (size_t)(sp - prod) : prod_len);
		if (strchr(r->vendor, '$')) /* a capture, not a name */
			r->vendor[0] = '\0';
	} else {
		r->vendor = xstrdup("");
	}
	size_t nl = (size_t)(close - pat) + 40;
	r->name = xmalloc(nl);
	snprintf(r->name, nl, "nmap-service-probes: %s %.*s", field_names[f], (int)(close - pat), pat);
	return 1;
}

size_t sigset_load_nmap_buf(struct sigset *s, const char *buf, size_t len)
{
	size_t pos = 0, loaded = 0;

	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl ? 1 : 0);
		if (n > 6 && memcmp(line, "match ", 6) == 0)
			loaded += (size_t)nmap_line(s, line, n);
	}
	return loaded;
}

int sigset_load_nmap(struct sigset *s, const char *path, size_t *loaded, struct err *err)
{
	size_t len;
	char *buf = slurp(path, &len, err);

	*loaded = 0;
	if (!buf)
		return -1;
	*loaded = sigset_load_nmap_buf(s, buf, len);
	free(buf);
	return 0;
}

/* Expands $1..$9 and nmap's $P(n) / $SUBST(n,...) / $I(n,...) with the
 * captures, keeping printable characters only. */
static void expand(const char *tmpl, const char *subj, PCRE2_SIZE *ov, int ncap, char *out, size_t cap)
{
	size_t o = 0;

	for (const char *p = tmpl; *p && o + 1 < cap; p++) {
		int k = -1;

		if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
			k = p[1] - '0';
			p++;
		} else if (p[0] == '$' && (strncmp(p + 1, "P(", 2) == 0 || strncmp(p + 1, "SUBST(", 6) == 0 ||
					   strncmp(p + 1, "I(", 2) == 0)) {
			const char *open = strchr(p, '('), *closep = strchr(p, ')');

			if (!closep || open[1] < '1' || open[1] > '9')
				break;
			k = open[1] - '0';
			p = closep;
		}
		if (k < 0) {
			out[o++] = *p;
			continue;
		}
		if (k >= ncap || ov[2 * k] == PCRE2_UNSET)
			continue;
		for (PCRE2_SIZE i = ov[2 * k]; i < ov[2 * k + 1] && o + 1 < cap; i++)
			if ((unsigned char)subj[i] >= 0x20 && (unsigned char)subj[i] < 0x7f)
				out[o++] = subj[i];
	}
	out[o] = '\0';
}

bool sigset_match(const struct sigset *s, const struct probe_facts *f, struct device_match *m)
{
	pcre2_match_data *md = pcre2_match_data_create(10, NULL);
	bool any = false;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < s->n && (!m->vendor[0] || !m->type[0] || !m->model[0]); i++) {
		const struct rule *r = &s->r[i];
		const char *subj = NULL;
		size_t len = 0;
		int rc;

		switch (r->field) {
		case F_TELNET: subj = f->telnet, len = f->telnet_len; break;
		case F_HTTP: subj = f->http, len = f->http_len; break;
		case F_HTTP_SERVER: subj = f->http_server, len = subj ? strlen(subj) : 0; break;
		case F_HTTP_TITLE: subj = f->http_title, len = subj ? strlen(subj) : 0; break;
		case F_HTTP_REALM: subj = f->http_realm, len = subj ? strlen(subj) : 0; break;
		case F_RTSP: subj = f->rtsp, len = f->rtsp_len; break;
		case F_TLS_SUBJECT: subj = f->tls_subject, len = subj ? strlen(subj) : 0; break;
		case F_COUNT: break;
		}
		if (!subj || len == 0)
			continue;
		/* nmap rules only name what our own rules left open. */
		if (r->from_nmap && any && m->vendor[0] && m->type[0])
			break;
		rc = pcre2_match(r->re, (PCRE2_SPTR)subj, len, 0, 0, md, NULL);
		if (rc <= 0)
			continue;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (!any)
			snprintf(m->rule, sizeof(m->rule), "%s", r->name);
		any = true;
		if (!m->vendor[0])
			expand(r->vendor, subj, ov, rc, m->vendor, sizeof(m->vendor));
		if (!m->type[0])
			expand(r->type, subj, ov, rc, m->type, sizeof(m->type));
		if (!m->model[0])
			expand(r->model, subj, ov, rc, m->model, sizeof(m->model));
		if (!m->firmware[0])
			expand(r->firmware, subj, ov, rc, m->firmware, sizeof(m->firmware));
	}
	pcre2_match_data_free(md);
	return any;
}
