/* metrics_listener.c - /metrics over libmicrohttpd, nothing else. */
#include "metrics_listener.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/ipaddr.h"
#include "core/metrics.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

struct metrics_listener {
	struct MHD_Daemon *daemon;
};

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct MHD_Response *r;
	struct strbuf body;
	enum MHD_Result rc;
	unsigned status = 200;

	(void)cls, (void)version, (void)upload, (void)upload_size, (void)state;
	strbuf_init(&body, 1024 * 1024);
	if (strcmp(method, "GET") != 0) {
		status = 405;
		strbuf_puts(&body, "GET only\n");
	} else if (strcmp(url, "/metrics") != 0) {
		status = 404;
		strbuf_puts(&body, "only /metrics here\n");
	} else {
		metrics_write(&body);
	}
	r = MHD_create_response_from_buffer(body.len, body.data, MHD_RESPMEM_MUST_COPY);
	strbuf_free(&body);
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

struct metrics_listener *metrics_listener_start(const char *endpoint, struct err *err)
{
	char host[IPADDR_STRLEN];
	struct sockaddr_storage ss;
	struct metrics_listener *l;
	uint16_t port;

	memset(&ss, 0, sizeof(ss));
	if (endpoint_parse(endpoint, strlen(endpoint), host, &port)) {
		err_set(err, "metrics listener: not ADDR:PORT: %s", endpoint);
		return NULL;
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	} else {
		err_set(err, "metrics listener: not an IP address: %s", host);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				     0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				     MHD_OPTION_END);
	if (!l->daemon) {
		free(l);
		err_set(err, "metrics listener: cannot listen on %s (in use, or not an address of this host)", endpoint);
		return NULL;
	}
	return l;
}

void metrics_listener_stop(struct metrics_listener *l)
{
	if (!l)
		return;
	MHD_stop_daemon(l->daemon);
	free(l);
}
