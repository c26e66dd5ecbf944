/* pcap.c - the classic libpcap savefile reader (formats.md §6).
 *
 * Both byte orders, µs and ns timestamps. The record loop reads headers in
 * place from the input window; nothing is copied. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "core/xalloc.h"
#include "decode.h"

struct pcap_reader {
	struct cap_reader base;
	bool swap, nano;
	uint32_t snaplen, linktype;
};

static inline uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static int pcap_next(struct cap_reader *base, struct cap_packet *p, struct err *err, uint64_t *offset)
{
	struct pcap_reader *r = (struct pcap_reader *)base;
	struct tin *in = base->in;
	const uint8_t *h;
	uint32_t sec, frac, caplen, origlen;
	size_t avail = 0;

	h = tin_peek(in, 16, &avail);
	if (__builtin_expect(!h, 0)) {
		*offset = tin_offset(in);
		if (tin_error(in))
			return err_set(err, "read error: %s", tin_error(in));
		if (avail == 0)
			return 0;
		return err_set(err, "truncated record header (%zu of 16 bytes)", avail);
	}
	sec = rd32(h, r->swap);
	frac = rd32(h + 4, r->swap);
	caplen = rd32(h + 8, r->swap);
	origlen = rd32(h + 12, r->swap);
	if (__builtin_expect(caplen > CAP_MAX_RECORD || (r->snaplen && caplen > r->snaplen), 0)) {
		*offset = tin_offset(in);
		return err_set(err, "impossible record length %u (snaplen %u, limit %u)", caplen, r->snaplen,
			       CAP_MAX_RECORD);
	}
	h = tin_peek(in, 16 + (size_t)caplen, &avail);
	if (__builtin_expect(!h, 0)) {
		*offset = tin_offset(in);
		if (tin_error(in))
			return err_set(err, "read error: %s", tin_error(in));
		return err_set(err, "truncated record (%zu of %u bytes)", avail, 16 + caplen);
	}
	p->ts_us = (int64_t)sec * 1000000 + (r->nano ? frac / 1000 : frac);
	p->caplen = caplen;
	p->origlen = origlen < caplen ? caplen : origlen;
	p->linktype = r->linktype;
	p->data = h + 16;
	/* Records are small: fetch the ones a few cache lines ahead now. */
	__builtin_prefetch(h + 16 + caplen + 512);
	tin_consume(in, 16 + (size_t)caplen);
	return 1;
}

/* The common case of pcap_next() in a loop: records wholly inside the
 * window and within the limits. Anything else is left to pcap_next(),
 * which reports it at the same offset. */
static unsigned pcap_next_batch(struct cap_reader *base, struct cap_packet *p, unsigned max)
{
	struct pcap_reader *r = (struct pcap_reader *)base;
	struct tin *in = base->in;
	const uint8_t *buf = in->buf;
	size_t pos = in->pos, len = in->len;
	uint32_t limit = r->snaplen && r->snaplen < CAP_MAX_RECORD ? r->snaplen : CAP_MAX_RECORD;
	unsigned n = 0;

	if (r->swap || r->nano)
		return 0; /* rare layouts: the general path */
	while (n < max && len - pos >= 16) {
		const uint8_t *h = buf + pos;
		uint32_t sec, frac, caplen, origlen;

		memcpy(&sec, h, 4);
		memcpy(&frac, h + 4, 4);
		memcpy(&caplen, h + 8, 4);
		memcpy(&origlen, h + 12, 4);
		if (__builtin_expect(caplen > limit || len - pos - 16 < caplen, 0))
			break;
		p[n].ts_us = (int64_t)sec * 1000000 + frac;
		p[n].caplen = caplen;
		p[n].origlen = origlen < caplen ? caplen : origlen;
		p[n].linktype = r->linktype;
		p[n].data = h + 16;
		__builtin_prefetch(h + 16 + caplen + 1536);
		pos += 16 + (size_t)caplen;
		n++;
	}
	in->pos = pos;
	return n;
}

static void pcap_close(struct cap_reader *base)
{
	free(base);
}

static const struct cap_reader_ops pcap_ops = {"pcap", pcap_next, pcap_close, pcap_next_batch};

struct cap_reader *pcap_reader_new(struct tin *in, struct err *err, uint64_t *offset)
{
	struct pcap_reader *r;
	const uint8_t *h;
	uint32_t magic;
	size_t avail = 0;

	*offset = tin_offset(in);
	h = tin_peek(in, 24, &avail);
	if (!h) {
		err_set(err, "truncated pcap file header (%zu of 24 bytes)", avail);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	memcpy(&magic, h, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
		r->swap = false;
	} else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
		r->swap = true;
		magic = __builtin_bswap32(magic);
	} else {
		free(r);
		err_set(err, "not a pcap file (magic %02x %02x %02x %02x)", h[0], h[1], h[2], h[3]);
		return NULL;
	}
	r->nano = magic == 0xa1b23c4d;
	uint16_t major;
	memcpy(&major, h + 4, 2);
	if ((r->swap ? __builtin_bswap16(major) : major) != 2) {
		free(r);
		err_set(err, "unsupported pcap version");
		return NULL;
	}
	r->snaplen = rd32(h + 16, r->swap);
	r->linktype = rd32(h + 20, r->swap) & 0xffff;
	if (!decode_linktype_known(r->linktype)) {
		*offset = tin_offset(in) + 20;
		err_set(err, "unknown link type %u", r->linktype);
		free(r);
		return NULL;
	}
	r->base.ops = &pcap_ops;
	r->base.in = in;
	tin_consume(in, 24);
	return &r->base;
}

struct cap_reader *cap_open(struct tin *in, struct err *err, uint64_t *offset)
{
	const uint8_t *h;
	size_t avail = 0;

	*offset = 0;
	h = tin_peek(in, 4, &avail);
	if (!h) {
		if (tin_error(in))
			err_set(err, "read error: %s", tin_error(in));
		else if (avail)
			err_set(err, "file too short for a capture header (%zu bytes)", avail);
		else
			err_set(err, "empty file");
		return NULL;
	}
	if (h[0] == 0x0a && h[1] == 0x0d && h[2] == 0x0d && h[3] == 0x0a)
		return pcapng_reader_new(in, err, offset);
	return pcap_reader_new(in, err, offset);
}
