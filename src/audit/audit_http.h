/* audit_http.h - one GET of a path over HTTP or HTTPS (certificate not
 * checked: the weak-crypto test judges it), keeping the status, the
 * WWW-Authenticate scheme and the start of the body. */
#ifndef IOTMON_AUDIT_HTTP_H
#define IOTMON_AUDIT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct http_answer {
	long status; /* 0: no answer */
	char auth[16]; /* "Basic", "Digest" or "" */
	char location[160];
	char body[4096];
	size_t body_len;
};

void audit_http_get(const struct ipaddr *ip, uint16_t port, bool tls, const char *path, int timeout_ms,
		    struct http_answer *a);

#endif
