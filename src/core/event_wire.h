/* event_wire.h - events as messages between a sensor child and its parent.
 *
 * The honeypot runs in an unprivileged child (privsep.h) that hands its
 * events to the store writer in the parent over a socketpair. The child is
 * the part an attacker may own, so the parent treats every message as
 * hostile: one message is one event, its size is checked against the field
 * lengths it declares, every field against its bound, and every text is
 * sanitised again (event_set_text) before it reaches a sink.
 *
 * Layout (little-endian): "IE" version(1) kind transport success src.af
 * dst.af, time_us(8) seq(4) src_port(2) dst_port(2) packets(8) src(16)
 * dst(16) reserved(2), then sensor family session sha256 as length(1)+bytes, then
 * username password input url cve extra as length(4)+bytes, 0xffffffff for
 * absent. */
#ifndef IOTMON_EVENT_WIRE_H
#define IOTMON_EVENT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"

#define EVENT_WIRE_TEXT_MAX 16384 /* any one text field (events keep 8 KiB) */
#define EVENT_WIRE_MAX (64 + 4 * 256 + 6 * (4 + EVENT_WIRE_TEXT_MAX))

/* Writes ev into buf (EVENT_WIRE_MAX bytes); returns the length, or 0 when a
 * text is longer than EVENT_WIRE_TEXT_MAX (the caller drops the event). */
size_t event_wire_encode(const struct event *ev, uint8_t *buf);
/* Decodes one message into ev (event_free it); -1 with err naming the
 * offset when the message is malformed. */
int event_wire_decode(const uint8_t *buf, size_t len, struct event *ev, struct err *err);

#endif
