/* socket_sink.h - a sink across a process boundary.
 *
 * The sensor child emits into a socket sink: each event becomes one
 * event_wire message on a SOCK_SEQPACKET socket, sent without blocking (a
 * full socket drops the event and counts it; the event loop never waits on
 * the parent). In the parent, a relay thread reads the other end, decodes
 * each message as hostile input and emits it into the configured sink (the
 * local store or a publisher): the parent's sink stays pluggable. */
#ifndef IOTMON_SOCKET_SINK_H
#define IOTMON_SOCKET_SINK_H

#include "sink.h"

/* Takes ownership of fd (closed by sink_close). */
struct sink *socket_sink_new(int fd);

/* In the child: a thread that sends the child's metrics whose names start
 * with one of prefixes (NULL-ended) every interval_ms, and once more at
 * close, so the /metrics of the parent shows them. */
int socket_sink_pump_metrics(struct sink *sink, const char *const *prefixes, int interval_ms, struct err *err);
/* In the child: emit() waits while the socket is full instead of dropping,
 * for a sensor whose batches outgrow the socket buffer (the telescope's
 * flushes) and whose packets wait in the kernel meanwhile. */
void socket_sink_set_blocking(struct sink *sink);
/* In the child, once its loop runs: tells the parent it started (error
 * NULL) or why it could not (error, at most SOCKET_START_TEXT_MAX bytes). */
int socket_sink_started(struct sink *sink, const char *error);
#define SOCKET_START_TEXT_MAX 400

struct socket_relay;

/* Starts a thread that emits every event message read from fd into target
 * and applies every metrics message whose names all start with one of
 * metric_prefixes (NULL: none), until the other end closes; then calls
 * on_eof (may be NULL) from that thread. Takes ownership of fd. NULL with
 * err when the thread cannot start. */
struct socket_relay *socket_relay_start(int fd, struct sink *target, const char *const *metric_prefixes,
				       void (*on_eof)(void), struct err *err);
/* Waits for the end of the stream (the child closed its end or exited) and
 * frees the relay; returns how many malformed messages were refused. */
unsigned long socket_relay_join(struct socket_relay *r);
/* Waits up to timeout_ms for the child's start message: 0 when it started;
 * -1 with err carrying the child's reason, or saying that it exited or
 * kept silent. */
int socket_relay_wait_started(struct socket_relay *r, int timeout_ms, struct err *err);

#endif
