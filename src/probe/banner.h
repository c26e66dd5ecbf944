/* banner.h - what a device's first answer says: HTTP / RTSP status line and
 * headers, HTML title, telnet text without option negotiation.
 *
 * Input is hostile and raw (any bytes, truncated anywhere); outputs are
 * bounded, NUL-terminated and hold printable ASCII only. */
#ifndef IOTMON_BANNER_H
#define IOTMON_BANNER_H

#include <stddef.h>

struct banner_http {
	int status; /* 0 when the first line is not HTTP/x.y NNN or RTSP/x.y NNN */
	char server[128];
	char title[128];
	char realm[128]; /* WWW-Authenticate realm="..." */
};

/* Parses an HTTP or RTSP answer (head, and for the title the body). */
void banner_parse_http(const char *raw, size_t len, struct banner_http *out);
/* Copies the telnet text without IAC sequences, control bytes as spaces,
 * into out (cap bytes, NUL-terminated); returns its length. */
size_t banner_telnet_text(const char *raw, size_t len, char *out, size_t cap);
/* True when the telnet text ends in a prompt (login:, Password:, # ...):
 * the device is waiting for us, nothing more will come. */
int banner_telnet_prompt(const char *raw, size_t len);
/* True when an HTTP/RTSP answer is complete: the head has ended and, when
 * Content-Length is given, that much body has arrived (rtsp: head only). */
int banner_http_complete(const char *raw, size_t len, int head_only);

#endif
