/* http_reply.h - HTTP answers in the manner of the server a profile names.
 *
 * Boa 0.94.x (http_server "Boa/0.94..."; response.c and request.c of
 * 0.94.14rc21): only GET, HEAD and POST (others: 501, whose body is
 * always sent); a version other than 0.9, 1.0 and 1.1 is 400; HEAD with
 * HTTP/0.9 is 400; the status line repeats the request's version (1.0
 * when the request line was refused); headers Date, Server,
 * Accept-Ranges, Connection; 200 adds Content-Length, Last-Modified,
 * Content-Type; errors carry "text/html; charset=ISO-8859-1" and Boa's
 * own pages (404 names the path), no length. Every server: HEAD gets no
 * body, HTTP/0.9 gets no status line or headers. */
#ifndef IOTMON_HP_HTTP_REPLY_H
#define IOTMON_HP_HTTP_REPLY_H

#include <time.h>

#include "core/strbuf.h"
#include "http.h"
#include "profile.h"

/* The status the server answers from the request line alone (bad method
 * or version), or 0 when it goes on to the path. */
int http_reply_precheck(const struct hp_profile *p, const struct http_request *r);

/* The whole answer for code (200, 400, 401, 404, 501) to r (NULL: the
 * request could not be parsed). body/type are for 200 (and the generic
 * style's errors); realm for 401. */
void http_reply(const struct hp_profile *p, const struct http_request *r, int code, const char *type,
		const char *body, time_t now, struct strbuf *out);

/* The target's length without its query string. */
size_t http_path_len(const struct http_request *r);

/* The path the profile's index page posts its login form to ("" if none). */
void http_form_action(const struct hp_profile *p, char *out, size_t n);

#endif
