/* capture.h - packet records out of capture files (and live interfaces).
 *
 * One small interface, several readers: classic pcap (pcap.c), pcapng
 * (pcapng.c) and a live interface through libpcap (live.c). cap_open()
 * looks at the magic and picks the file reader. Readers never allocate per
 * packet: a packet's bytes point into the input window and are valid until
 * the next call.
 *
 * Damage: next() returns -1 with a message and the byte offset of the record
 * that could not be read; every packet before it has been returned, and the
 * reader must not be called again. */
#ifndef IOTMON_TELESCOPE_CAPTURE_H
#define IOTMON_TELESCOPE_CAPTURE_H

#include <stdint.h>

#include "core/err.h"
#include "input.h"

/* Largest captured length accepted for one record. */
#define CAP_MAX_RECORD (256u * 1024)

/* LINKTYPE_ values as found in files. */
enum {
	LINKTYPE_NULL = 0,
	LINKTYPE_ETHERNET = 1,
	LINKTYPE_RAW = 101,
	LINKTYPE_LOOP = 108,
	LINKTYPE_LINUX_SLL = 113,
	LINKTYPE_IPV4 = 228,
	LINKTYPE_IPV6 = 229,
	LINKTYPE_LINUX_SLL2 = 276,
};

#define CAP_IDLE 2

struct cap_packet {
	int64_t ts_us; /* UTC µs */
	uint32_t caplen, origlen;
	uint32_t linktype;
	const uint8_t *data; /* caplen bytes */
};

struct cap_reader;

struct cap_reader_ops {
	const char *name; /* "pcap", "pcapng", "live" */
	/* 1 with a packet, 0 at the clean end, -1 on damage (err, *offset);
	 * live readers also return CAP_IDLE when no packet came within their
	 * poll interval, so callers can do timed work. */
	int (*next)(struct cap_reader *r, struct cap_packet *p, struct err *err, uint64_t *offset);
	void (*close)(struct cap_reader *r);
	/* Optional (NULL): up to max packets that are whole and sound and
	 * already in the input window, without an indirect call each; 0 when
	 * the next record needs next() (damage, end, window refill). Packets
	 * stay valid until the next call of either. */
	unsigned (*next_batch)(struct cap_reader *r, struct cap_packet *p, unsigned max);
};

struct cap_reader {
	const struct cap_reader_ops *ops;
	struct tin *in; /* file readers: the byte window (owned by the caller) */
};

static inline int cap_next(struct cap_reader *r, struct cap_packet *p, struct err *err, uint64_t *offset)
{
	return r->ops->next(r, p, err, offset);
}

static inline unsigned cap_next_batch(struct cap_reader *r, struct cap_packet *p, unsigned max)
{
	return r->ops->next_batch ? r->ops->next_batch(r, p, max) : 0;
}

static inline void cap_close(struct cap_reader *r)
{
	if (r)
		r->ops->close(r);
}

/* A reader for the file behind in (pcap or pcapng by magic); NULL with err
 * (wrong magic, bad header) and *offset. */
struct cap_reader *cap_open(struct tin *in, struct err *err, uint64_t *offset);
struct cap_reader *pcap_reader_new(struct tin *in, struct err *err, uint64_t *offset);
struct cap_reader *pcapng_reader_new(struct tin *in, struct err *err, uint64_t *offset);

/* Live capture on an interface through libpcap, with an optional BPF
 * filter. Must be opened with the privileges to capture. */
struct cap_reader *live_reader_new(const char *iface, const char *bpf, struct err *err);
/* Makes the next (or a blocked) next() return 0; safe from another thread. */
void live_reader_stop(struct cap_reader *r);
/* Packets the kernel dropped so far (0 when unknown). */
uint64_t live_reader_drops(struct cap_reader *r);

#endif
