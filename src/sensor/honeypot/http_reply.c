/* http_reply.c - answers as Boa or as a generic small embedded server. */
#include "http_reply.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_boa(const struct hp_profile *p)
{
	return strncmp(p->http_server, "Boa/0.94", 8) == 0;
}

static bool method_is(const struct http_request *r, const char *m)
{
	return r && r->method_len == strlen(m) && memcmp(r->method, m, r->method_len) == 0;
}

static bool version_is(const struct http_request *r, const char *v)
{
	return r && r->version_len == strlen(v) && strncasecmp(r->version, v, r->version_len) == 0;
}

static bool is_http09(const struct http_request *r)
{
	return r && (r->version_len == 0 || version_is(r, "HTTP/0.9"));
}

int http_reply_precheck(const struct hp_profile *p, const struct http_request *r)
{
	if (!is_boa(p))
		return 0;
	if (!method_is(r, "GET") && !method_is(r, "HEAD") && !method_is(r, "POST"))
		return 501;
	if (r->version_len && !version_is(r, "HTTP/0.9") && !version_is(r, "HTTP/1.0") && !version_is(r, "HTTP/1.1"))
		return 400;
	if (method_is(r, "HEAD") && is_http09(r))
		return 400;
	return 0;
}

static const char *reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	default:
		return "Not Implemented";
	}
}

size_t http_path_len(const struct http_request *r)
{
	const char *q = memchr(r->target, '?', r->target_len);

	return q ? (size_t)(q - r->target) : r->target_len;
}

/* The path Boa names in its 404 page: decoded, without the query, HTML-escaped. */
static void escaped_path(const struct http_request *r, struct strbuf *out)
{
	char path[1024];
	size_t n = r ? http_path_len(r) : 0;

	if (n >= sizeof(path))
		n = sizeof(path) - 1;
	n = r ? http_url_decode(r->target, n, path) : 0;
	for (size_t i = 0; i < n; i++) {
		switch (path[i]) {
		case '<':
			strbuf_puts(out, "&lt;");
			break;
		case '>':
			strbuf_puts(out, "&gt;");
			break;
		case '&':
			strbuf_puts(out, "&amp;");
			break;
		case '"':
			strbuf_puts(out, "&quot;");
			break;
		default:
			strbuf_append(out, path + i, 1);
		}
	}
}

static void boa_body(const struct http_request *r, int code, struct strbuf *out)
{
	const char *page = code == 400 ? "Your client has issued a malformed or illegal request.\n"
		: code == 501	     ? "POST to non-script is not supported in Boa.\n"
				     : NULL;

	strbuf_printf(out, "<HTML><HEAD><TITLE>%d %s</TITLE></HEAD>\n<BODY><H1>%d %s</H1>\n", code, reason(code), code,
		      reason(code));
	if (page) {
		strbuf_puts(out, page);
	} else {
		strbuf_puts(out, code == 404 ? "The requested URL " : "Your client does not have permission to get URL ");
		escaped_path(r, out);
		strbuf_puts(out, code == 404 ? " was not found on this server.\n" : " from this server.\n");
	}
	strbuf_puts(out, "</BODY></HTML>\n");
}

void http_reply(const struct hp_profile *p, const struct http_request *r, int code, const char *type,
		const char *body, time_t now, struct strbuf *out)
{
	char date[64];
	struct tm tm;
	bool head = method_is(r, "HEAD"), boa = is_boa(p);
	const char *version = p->http_version;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (boa) /* the request's version, 1.0 when refused at its request line */
		version = version_is(r, "HTTP/1.1") && code != 501 && code != 400 ? "HTTP/1.1" : "HTTP/1.0";
	if (!is_http09(r) || (boa && code == 501)) {
		/* Date before Server, as the small embedded servers write it. */
		strbuf_printf(out, "%s %d %s\r\nDate: %s\r\n", version, code, reason(code), date);
		if (p->http_server[0])
			strbuf_printf(out, "Server: %s\r\n", p->http_server);
		if (boa) {
			strbuf_puts(out, "Accept-Ranges: bytes\r\nConnection: close\r\n");
			if (code == 401) /* Boa leaves the realm's quote open */
				strbuf_printf(out, "WWW-Authenticate: Basic realm=\"%s\r\n", p->http_realm);
			if (code == 200)
				strbuf_printf(out, "Content-Length: %zu\r\nLast-Modified: %s\r\nContent-Type: %s\r\n\r\n",
					      strlen(body), date, type);
			else
				strbuf_puts(out, "Content-Type: text/html; charset=ISO-8859-1\r\n\r\n");
		} else {
			if (code == 401)
				strbuf_printf(out, "WWW-Authenticate: Basic realm=\"%s\"\r\n", p->http_realm);
			strbuf_printf(out, "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", type,
				      strlen(body));
		}
	}
	if (head && !(boa && code == 501))
		return;
	if (boa && code != 200)
		boa_body(r, code, out);
	else
		strbuf_puts(out, body);
}

void http_form_action(const struct hp_profile *p, char *out, size_t n)
{
	const char *a = strstr(p->http_index, "action=\"");
	size_t len = 0;

	out[0] = '\0';
	if (!a || n == 0)
		return;
	a += 8;
	while (a[len] && a[len] != '"' && len + 1 < n)
		len++;
	memcpy(out, a, len);
	out[len] = '\0';
}
