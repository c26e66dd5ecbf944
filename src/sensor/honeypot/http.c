/* http.c - tolerant, bounded HTTP request parsing. */
#include "http.h"

#include <string.h>
#include <strings.h>

#include "core/hex.h"

/* Finds the end of the line starting at p: returns the position of '\n'
 * or NULL; *content_end is where the line's text ends (before CR). */
static const char *line_end(const char *p, const char *end, const char **content_end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl)
		return NULL;
	*content_end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	return nl;
}

static bool is_token_char(unsigned char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static size_t parse_size(const char *s, size_t n, bool *ok)
{
	size_t v = 0;

	*ok = false;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && *s >= '0' && *s <= '9') {
		if (v > (size_t)1 << 40)
			return v;
		v = v * 10 + (size_t)(*s - '0');
		s++, n--;
		*ok = true;
	}
	return v;
}

int http_parse(const char *buf, size_t len, size_t head_max, size_t body_max, struct http_request *req)
{
	const char *p = buf, *end = buf + len, *nl, *ce, *sp;
	const struct http_header *h;
	size_t cl = 0;
	bool chunked = false, ok;

	memset(req, 0, sizeof(*req));
	/* Empty lines before a request are tolerated (RFC 7230 3.5). */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	nl = line_end(p, end, &ce);
	if (!nl) {
		if ((size_t)(end - buf) >= head_max)
			return HTTP_BAD;
		/* A method that is not a token can be refused at once. */
		for (const char *q = p; q < end && *q != ' '; q++)
			if (!is_token_char((unsigned char)*q))
				return HTTP_BAD;
		return HTTP_INCOMPLETE;
	}
	/* Request line: METHOD SP TARGET [SP VERSION] (extra spaces allowed). */
	req->method = p;
	while (p < ce && *p != ' ' && *p != '\t')
		p++;
	req->method_len = (size_t)(p - req->method);
	if (req->method_len == 0 || req->method_len > 32)
		return HTTP_BAD;
	for (size_t i = 0; i < req->method_len; i++)
		if (!is_token_char((unsigned char)req->method[i]))
			return HTTP_BAD;
	while (p < ce && (*p == ' ' || *p == '\t'))
		p++;
	req->target = p;
	/* The target ends at the last space before a version "HTTP/", so
	 * targets with raw spaces (injections) survive whole. */
	sp = NULL;
	for (const char *q = ce; q > p; q--)
		if ((q[-1] == ' ' || q[-1] == '\t') && ce - q >= 5 && strncasecmp(q, "HTTP/", 5) == 0) {
			sp = q - 1;
			break;
		}
	if (sp) {
		req->target_len = (size_t)(sp - p);
		while (req->target_len && (p[req->target_len - 1] == ' ' || p[req->target_len - 1] == '\t'))
			req->target_len--;
		req->version = sp + 1;
		req->version_len = (size_t)(ce - sp - 1);
	} else {
		req->target_len = (size_t)(ce - p);
	}
	p = nl + 1;
	if (req->version_len == 0) { /* HTTP/0.9: no headers */
		req->consumed = (size_t)(p - buf);
		return HTTP_COMPLETE;
	}
	for (;;) {
		const char *colon;

		nl = line_end(p, end, &ce);
		if (!nl)
			return (size_t)(end - buf) >= head_max ? HTTP_BAD : HTTP_INCOMPLETE;
		if ((size_t)(nl - buf) >= head_max)
			return HTTP_BAD;
		if (ce == p) { /* the empty line ends the head */
			p = nl + 1;
			break;
		}
		colon = memchr(p, ':', (size_t)(ce - p));
		if (colon && colon > p && req->nheaders < HTTP_HEADERS_MAX) {
			struct http_header *hd = &req->headers[req->nheaders++];
			const char *v = colon + 1;

			hd->name = p;
			hd->name_len = (size_t)(colon - p);
			while (hd->name_len && (p[hd->name_len - 1] == ' ' || p[hd->name_len - 1] == '\t'))
				hd->name_len--;
			while (v < ce && (*v == ' ' || *v == '\t'))
				v++;
			hd->value = v;
			hd->value_len = (size_t)(ce - v);
		}
		p = nl + 1;
	}
	h = http_header_get(req, "Content-Length");
	if (h) {
		cl = parse_size(h->value, h->value_len, &ok);
		if (!ok)
			cl = 0;
	}
	h = http_header_get(req, "Transfer-Encoding");
	if (h && h->value_len >= 7 && strncasecmp(h->value, "chunked", 7) == 0)
		chunked = true;
	req->body = p;
	if (chunked) {
		/* Kept raw up to the final chunk or the bound: enough to match
		 * signatures in, not worth decoding. */
		const char *fin = memmem(p, (size_t)(end - p), "0\r\n\r\n", 5);

		if (fin) {
			req->body_len = (size_t)(fin + 5 - p);
		} else if ((size_t)(end - p) >= body_max) {
			req->body_len = body_max;
			req->body_cut = true;
		} else {
			return HTTP_INCOMPLETE;
		}
	} else {
		if (cl > body_max) {
			cl = body_max;
			req->body_cut = true;
		}
		if ((size_t)(end - p) < cl)
			return HTTP_INCOMPLETE;
		req->body_len = cl;
	}
	req->consumed = (size_t)(p - buf) + req->body_len;
	return HTTP_COMPLETE;
}

const struct http_header *http_header_get(const struct http_request *r, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < r->nheaders; i++)
		if (r->headers[i].name_len == n && strncasecmp(r->headers[i].name, name, n) == 0)
			return &r->headers[i];
	return NULL;
}

size_t http_url_decode(const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi = i + 2 < n ? hex_value(in[i + 1]) : -1;
		int lo = i + 2 < n ? hex_value(in[i + 2]) : -1;

		if (in[i] == '%' && hi >= 0 && lo >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (in[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = in[i];
		}
	}
	return o;
}
