#include "audit_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t keep_body(char *p, size_t s, size_t n, void *arg)
{
	struct http_answer *a = arg;
	size_t len = s * n, room = sizeof(a->body) - 1 - a->body_len;

	if (len > room)
		len = room;
	memcpy(a->body + a->body_len, p, len);
	a->body_len += len;
	a->body[a->body_len] = '\0';
	return s * n; /* the rest is read and dropped */
}

static size_t keep_header(char *p, size_t s, size_t n, void *arg)
{
	struct http_answer *a = arg;
	size_t len = s * n;

	if (len > 18 && strncasecmp(p, "WWW-Authenticate:", 17) == 0 && !a->auth[0]) {
		const char *v = p + 17;

		while (*v == ' ')
			v++;
		snprintf(a->auth, sizeof(a->auth), "%.*s", (int)strcspn(v, " \r\n"), v);
	} else if (len > 10 && strncasecmp(p, "Location:", 9) == 0) {
		const char *v = p + 9;

		while (*v == ' ')
			v++;
		snprintf(a->location, sizeof(a->location), "%.*s", (int)strcspn(v, "\r\n"), v);
	}
	return len;
}

void audit_http_get(const struct ipaddr *ip, uint16_t port, bool tls, const char *path, int timeout_ms,
		    struct http_answer *a)
{
	char url[256], host[IPADDR_STRLEN];
	CURL *h = curl_easy_init();

	memset(a, 0, sizeof(*a));
	if (!h)
		return;
	ipaddr_format(ip, host);
	snprintf(url, sizeof(url), ip->af == 6 ? "%s://[%s]:%u%s" : "%s://%s:%u%s", tls ? "https" : "http", host,
		 port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	/* Old devices speak TLS 1.0: reach them, weak-crypto says so. */
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_0);
	curl_easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "iotmon-audit");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE, 1L << 20);
	curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
	curl_easy_cleanup(h);
}
