/* http.h - a tolerant HTTP/1.x request parser for hostile input.
 *
 * Bots send malformed requests as a matter of course: bare LF line ends,
 * no version (HTTP/0.9), header lines without a colon, lying lengths. The
 * parser accepts what a permissive embedded web server would, never reads
 * past len, never allocates, and bounds the head (request line + headers)
 * and the body. Pointers in the result point into the caller's buffer. */
#ifndef IOTMON_HP_HTTP_H
#define IOTMON_HP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEADERS_MAX 48

struct http_header {
	const char *name, *value;
	size_t name_len, value_len;
};

struct http_request {
	const char *method, *target, *version;
	size_t method_len, target_len, version_len; /* version_len 0: HTTP/0.9 */
	struct http_header headers[HTTP_HEADERS_MAX];
	size_t nheaders;
	const char *body;
	size_t body_len;
	bool body_cut; /* Content-Length was larger than body_max */
	size_t consumed; /* bytes of the buffer this request used */
};

enum http_parse_status { HTTP_BAD = -1, HTTP_INCOMPLETE = 0, HTTP_COMPLETE = 1 };

/* Parses the request at the start of buf. HTTP_INCOMPLETE: wait for more
 * bytes (unless head_max bytes arrived without the end of the head, which
 * is HTTP_BAD); HTTP_BAD: not an HTTP request line. */
int http_parse(const char *buf, size_t len, size_t head_max, size_t body_max, struct http_request *req);

/* Case-insensitive header lookup; NULL when absent. */
const struct http_header *http_header_get(const struct http_request *r, const char *name);

/* %XX and '+' decoding (form and query style); out needs n bytes. Returns
 * the decoded length. */
size_t http_url_decode(const char *in, size_t n, char *out);

#endif
