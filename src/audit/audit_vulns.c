#define PCRE2_CODE_UNIT_WIDTH 8
#include "audit_vulns.h"

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct vuln_row {
	char service[16], cves[160], source[160];
	pcre2_code *re;
};

struct audit_vulns {
	struct vuln_row *v;
	size_t n, cap;
};

void audit_vulns_free(struct audit_vulns *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		pcre2_code_free(v->v[i].re);
	free(v->v);
	free(v);
}

static int copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n == 0 || n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

struct audit_vulns *audit_vulns_load_buf(const char *buf, size_t len, const char *name, struct err *err)
{
	struct audit_vulns *v = xcalloc(1, sizeof(*v));
	const char *p = buf, *end = buf + len;
	size_t lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *f[5];
		size_t nf = 0;
		struct vuln_row r = {0};
		int ec;
		PCRE2_SIZE eo;

		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || *p == '#')
			goto next;
		f[nf++] = p;
		for (const char *q = p; q < le && nf < 5; q++)
			if (*q == '\t')
				f[nf++] = q + 1;
		if (nf != 4 || copy(r.service, sizeof(r.service), f[0], (size_t)(f[1] - f[0] - 1)) ||
		    copy(r.cves, sizeof(r.cves), f[2], (size_t)(f[3] - f[2] - 1)) ||
		    copy(r.source, sizeof(r.source), f[3], (size_t)(le - f[3]))) {
			audit_vulns_free(v);
			err_set(err, "%s:%zu: want service<TAB>pattern<TAB>cves<TAB>source", name, lineno);
			return NULL;
		}
		r.re = pcre2_compile((PCRE2_SPTR)f[1], (size_t)(f[2] - f[1] - 1), PCRE2_CASELESS, &ec, &eo, NULL);
		if (!r.re) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			audit_vulns_free(v);
			err_set(err, "%s:%zu: pattern offset %zu: %s", name, lineno, (size_t)eo, (char *)msg);
			return NULL;
		}
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 32;
			v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
		}
		v->v[v->n++] = r;
	next:
		p = nl ? nl + 1 : end;
	}
	return v;
}

struct audit_vulns *audit_vulns_load(const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	struct audit_vulns *v;

	if (!f) {
		err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(1 << 20);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	v = audit_vulns_load_buf(buf, n, path, err);
	free(buf);
	return v;
}

size_t audit_vulns_match(const struct audit_vulns *v, const char *service, const char *text, char *out, size_t cap)
{
	size_t hits = 0, used = 0;

	if (cap)
		out[0] = '\0';
	if (!v || !text || !*text)
		return 0;
	for (size_t i = 0; i < v->n; i++) {
		pcre2_match_data *md;
		int rc;

		if (strcmp(v->v[i].service, service) != 0)
			continue;
		md = pcre2_match_data_create_from_pattern(v->v[i].re, NULL);
		rc = pcre2_match(v->v[i].re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
		pcre2_match_data_free(md);
		if (rc < 0)
			continue;
		hits++;
		if (used < cap) {
			int w = snprintf(out + used, cap - used, "%s%s (%s)", used ? "; " : "", v->v[i].cves,
					 v->v[i].source);
			used = w < 0 ? cap : used + (size_t)w;
		}
	}
	return hits;
}
