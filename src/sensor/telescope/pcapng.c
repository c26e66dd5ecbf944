/* pcapng.c - the pcapng block walker (formats.md §7).
 *
 * Our own walker rather than libpcap's: several sections (each with its own
 * byte order and interfaces) and interfaces of different link types are
 * read, unknown and local blocks are skipped by their length, and damage is
 * reported with the block's offset. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "core/xalloc.h"
#include "decode.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
/* Interfaces per section we keep state for. */
#define MAX_IFACES 1024
/* Blocks we read whole (packets, headers) are bounded; others are skipped. */
#define MAX_READ_BLOCK (CAP_MAX_RECORD + 64 * 1024)

struct iface {
	uint32_t linktype, snaplen;
	/* Timestamp unit: 10^-dec s when pow2 is 0, else 2^-pow2 s. */
	uint8_t dec, pow2;
	int64_t offset_s;
};

struct pcapng_reader {
	struct cap_reader base;
	bool swap, in_section;
	int64_t last_ts_us; /* simple packet blocks carry no time: use the last one */
	struct iface *ifaces;
	uint32_t nifaces;
};

static inline uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static inline uint16_t rd16(const uint8_t *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swap ? __builtin_bswap16(v) : v;
}

static inline uint64_t rd64(const uint8_t *p, bool swap)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return swap ? __builtin_bswap64(v) : v;
}

static const uint64_t pow10_tab[] = {1,
				     10,
				     100,
				     1000,
				     10000,
				     100000,
				     1000000,
				     10000000,
				     100000000,
				     1000000000,
				     10000000000ull,
				     100000000000ull,
				     1000000000000ull,
				     10000000000000ull,
				     100000000000000ull,
				     1000000000000000ull,
				     10000000000000000ull,
				     100000000000000000ull,
				     1000000000000000000ull};

static int64_t ts_to_us(const struct iface *f, uint64_t t)
{
	uint64_t us; /* unsigned: absurd values wrap instead of overflowing */

	if (f->pow2) {
		uint64_t whole = t >> f->pow2, frac = t & ((1ull << f->pow2) - 1);

		us = whole * 1000000 + ((frac * 1000000) >> f->pow2);
	} else if (f->dec <= 6) {
		us = t * pow10_tab[6 - f->dec];
	} else {
		us = t / pow10_tab[f->dec - 6];
	}
	return (int64_t)(us + (uint64_t)f->offset_s * 1000000u);
}

/* Walks the options of an IDB body; fills resolution and offset. */
static int parse_idb_options(struct pcapng_reader *r, const uint8_t *o, size_t len, struct iface *f, struct err *err)
{
	while (len >= 4) {
		uint16_t code = rd16(o, r->swap), olen = rd16(o + 2, r->swap);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;

		if (code == 0)
			break;
		if (4 + padded > len)
			return err_set(err, "interface option %u overruns its block", code);
		if (code == 9 && olen >= 1) {
			uint8_t v = o[4];

			if (v & 0x80) {
				if ((v & 0x7f) > 40)
					return err_set(err, "unsupported timestamp resolution 2^-%u", v & 0x7f);
				f->pow2 = v & 0x7f;
			} else {
				if (v > 18)
					return err_set(err, "unsupported timestamp resolution 10^-%u", v);
				f->dec = v;
			}
		} else if (code == 14 && olen >= 8) {
			f->offset_s = (int64_t)rd64(o + 4, r->swap);
		}
		o += 4 + padded;
		len -= 4 + padded;
	}
	return 0;
}

static int read_shb(struct pcapng_reader *r, struct tin *in, struct err *err)
{
	const uint8_t *h;
	uint32_t magic, total;
	size_t avail = 0;

	h = tin_peek(in, 12, &avail);
	if (!h)
		return err_set(err, "truncated section header block");
	memcpy(&magic, h + 8, 4);
	if (magic == BYTE_ORDER_MAGIC)
		r->swap = false;
	else if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
		r->swap = true;
	else
		return err_set(err, "bad byte-order magic in section header block");
	total = rd32(h + 4, r->swap);
	if (total < 28 || total % 4 || total > MAX_READ_BLOCK)
		return err_set(err, "impossible section header block length %u", total);
	h = tin_peek(in, total, &avail);
	if (!h)
		return err_set(err, "truncated section header block (%zu of %u bytes)", avail, total);
	if (rd16(h + 12, r->swap) != 1)
		return err_set(err, "unsupported pcapng major version %u", rd16(h + 12, r->swap));
	if (rd32(h + total - 4, r->swap) != total)
		return err_set(err, "block lengths differ (%u at start)", total);
	r->nifaces = 0; /* interfaces are per section */
	r->in_section = true;
	tin_consume(in, total);
	return 0;
}

static int pcapng_next(struct cap_reader *base, struct cap_packet *p, struct err *err, uint64_t *offset)
{
	struct pcapng_reader *r = (struct pcapng_reader *)base;
	struct tin *in = base->in;

	for (;;) {
		const uint8_t *h, *body;
		uint32_t type, total;
		size_t avail = 0;

		*offset = tin_offset(in);
		h = tin_peek(in, 8, &avail);
		if (!h) {
			if (tin_error(in))
				return err_set(err, "read error: %s", tin_error(in));
			if (avail == 0)
				return 0;
			return err_set(err, "truncated block header (%zu of 8 bytes)", avail);
		}
		if (memcmp(h, "\x0a\x0d\x0d\x0a", 4) == 0) {
			if (read_shb(r, in, err))
				return -1;
			continue;
		}
		type = rd32(h, r->swap);
		total = rd32(h + 4, r->swap);
		if (total < 12 || total % 4)
			return err_set(err, "impossible block length %u", total);
		if (type != BT_IDB && type != BT_EPB && type != BT_SPB && type != BT_PB) {
			/* Unknown, local or uninteresting block: skip it by its length. */
			if (!tin_skip(in, total))
				return err_set(err, "truncated block of type 0x%08x (%u bytes)", type, total);
			continue;
		}
		if (total > MAX_READ_BLOCK)
			return err_set(err, "impossible block length %u for block type %u", total, type);
		h = tin_peek(in, total, &avail);
		if (!h) {
			if (tin_error(in))
				return err_set(err, "read error: %s", tin_error(in));
			return err_set(err, "truncated block (%zu of %u bytes)", avail, total);
		}
		if (rd32(h + total - 4, r->swap) != total)
			return err_set(err, "block lengths differ (%u at start, %u at end)", total,
				       rd32(h + total - 4, r->swap));
		body = h + 8;
		size_t blen = total - 12;

		if (type == BT_IDB) {
			struct iface f = {0};

			if (blen < 8)
				return err_set(err, "interface description block too short");
			if (r->nifaces >= MAX_IFACES)
				return err_set(err, "more than %u interfaces in a section", MAX_IFACES);
			f.linktype = rd16(body, r->swap);
			if (!decode_linktype_known(f.linktype))
				return err_set(err, "unknown link type %u", f.linktype);
			f.snaplen = rd32(body + 4, r->swap);
			f.dec = 6;
			if (parse_idb_options(r, body + 8, blen - 8, &f, err))
				return -1;
			if (!r->ifaces)
				r->ifaces = xcalloc(MAX_IFACES, sizeof(*r->ifaces));
			r->ifaces[r->nifaces++] = f;
			tin_consume(in, total);
			continue;
		}

		const struct iface *f;
		uint32_t ifid = 0, caplen, origlen;
		uint64_t t = 0;
		const uint8_t *data;

		if (type == BT_SPB) {
			if (blen < 4)
				return err_set(err, "simple packet block too short");
			origlen = rd32(body, r->swap);
			if (r->nifaces == 0)
				return err_set(err, "packet block before any interface description");
			f = &r->ifaces[0];
			caplen = origlen;
			if (f->snaplen && caplen > f->snaplen)
				caplen = f->snaplen;
			if (caplen > blen - 4)
				caplen = (uint32_t)(blen - 4);
			data = body + 4;
			p->ts_us = r->last_ts_us;
		} else {
			/* EPB: if id, ts hi, ts lo, caplen, origlen. Obsolete PB: if id is
			 * 16 bits followed by a 16-bit drop count; the rest lines up. */
			if (blen < 20)
				return err_set(err, "packet block too short");
			ifid = type == BT_PB ? rd16(body, r->swap) : rd32(body, r->swap);
			t = (uint64_t)rd32(body + 4, r->swap) << 32 | rd32(body + 8, r->swap);
			caplen = rd32(body + 12, r->swap);
			origlen = rd32(body + 16, r->swap);
			if (ifid >= r->nifaces)
				return err_set(err, "packet for interface %u, but only %u described", ifid, r->nifaces);
			f = &r->ifaces[ifid];
			if (caplen > CAP_MAX_RECORD || caplen > blen - 20)
				return err_set(err, "impossible captured length %u in a %u-byte block", caplen, total);
			data = body + 20;
			p->ts_us = r->last_ts_us = ts_to_us(f, t);
		}
		p->caplen = caplen;
		p->origlen = origlen < caplen ? caplen : origlen;
		p->linktype = f->linktype;
		p->data = data;
		tin_consume(in, total);
		return 1;
	}
}

static void pcapng_close(struct cap_reader *base)
{
	struct pcapng_reader *r = (struct pcapng_reader *)base;

	free(r->ifaces);
	free(r);
}

static const struct cap_reader_ops pcapng_ops = {"pcapng", pcapng_next, pcapng_close, NULL};

struct cap_reader *pcapng_reader_new(struct tin *in, struct err *err, uint64_t *offset)
{
	struct pcapng_reader *r = xcalloc(1, sizeof(*r));

	*offset = tin_offset(in);
	r->base.ops = &pcapng_ops;
	r->base.in = in;
	if (read_shb(r, in, err)) {
		free(r);
		return NULL;
	}
	return &r->base;
}
