#include "mmdb_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

typedef unsigned __int128 u128;

#define DATA_BIT 0x80000000u /* a child that is a record, not a node */

struct mmdb_writer {
	uint32_t (*nodes)[2]; /* child: 0 empty, node index, or DATA_BIT | record */
	size_t nnodes, capnodes;
	struct strbuf data; /* the data section */
	uint32_t *rec_off; /* record index -> offset in data */
	size_t nrec, caprec;
	char *type;
	uint64_t epoch;
	enum mmdb_layout layout;
};

void mmdb_writer_layout(struct mmdb_writer *w, enum mmdb_layout layout)
{
	w->layout = layout;
}

struct mmdb_writer *mmdb_writer_new(const char *database_type, uint64_t build_epoch)
{
	struct mmdb_writer *w = xcalloc(1, sizeof(*w));

	w->capnodes = 1024;
	w->nodes = xcalloc(w->capnodes, sizeof(*w->nodes));
	w->nnodes = 1; /* the root */
	strbuf_init(&w->data, 1u << 30);
	w->type = xstrdup(database_type);
	w->epoch = build_epoch;
	return w;
}

void mmdb_writer_free(struct mmdb_writer *w)
{
	if (!w)
		return;
	free(w->nodes);
	strbuf_free(&w->data);
	free(w->rec_off);
	free(w->type);
	free(w);
}

static void put_ctrl(struct strbuf *b, unsigned type, size_t size)
{
	unsigned char c[6];
	size_t n = 0;

	c[n++] = (unsigned char)((type <= 7 ? type : 0) << 5);
	if (type > 7)
		c[n++] = (unsigned char)(type - 7);
	if (size < 29) {
		c[0] |= (unsigned char)size;
	} else if (size < 29 + 256) {
		c[0] |= 29;
		c[n++] = (unsigned char)(size - 29);
	} else if (size < 285 + 65536) {
		c[0] |= 30;
		c[n++] = (unsigned char)((size - 285) >> 8);
		c[n++] = (unsigned char)(size - 285);
	} else {
		c[0] |= 31;
		c[n++] = (unsigned char)((size - 65821) >> 16);
		c[n++] = (unsigned char)((size - 65821) >> 8);
		c[n++] = (unsigned char)(size - 65821);
	}
	strbuf_append(b, (const char *)c, n);
}

static void put_string(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	put_ctrl(b, 2, n);
	strbuf_append(b, s, n);
}

/* Unsigned integers of type 5 (16), 6 (32) or 9 (64 bit), minimal width. */
static void put_uint(struct strbuf *b, unsigned type, uint64_t v)
{
	unsigned char c[8];
	size_t n = 0;

	for (uint64_t x = v; x; x >>= 8)
		n++;
	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	put_ctrl(b, type, n);
	strbuf_append(b, (const char *)c, n);
}

static uint32_t new_node(struct mmdb_writer *w)
{
	if (w->nnodes == w->capnodes) {
		w->capnodes *= 2;
		w->nodes = xrealloc(w->nodes, w->capnodes * sizeof(*w->nodes));
	}
	w->nodes[w->nnodes][0] = w->nodes[w->nnodes][1] = 0;
	return (uint32_t)w->nnodes++;
}

static void insert(struct mmdb_writer *w, u128 key, unsigned prefix, uint32_t rec)
{
	uint32_t node = 0;

	for (unsigned depth = 0; depth < prefix; depth++) {
		unsigned bit = (unsigned)(key >> (127 - depth)) & 1;
		uint32_t child = w->nodes[node][bit];

		if (depth == prefix - 1) {
			w->nodes[node][bit] = DATA_BIT | rec;
			return;
		}
		if (child == 0 || (child & DATA_BIT)) {
			uint32_t n = new_node(w);

			/* A wider record already here keeps the rest of its block. */
			w->nodes[n][0] = w->nodes[n][1] = child;
			w->nodes[node][bit] = n;
			child = n;
		}
		node = child;
	}
}

static u128 to_key(const struct ipaddr *a)
{
	u128 k = 0;

	if (a->af == 4)
		return (u128)a->b[0] << 24 | (u128)a->b[1] << 16 | (u128)a->b[2] << 8 | a->b[3];
	for (int i = 0; i < 16; i++)
		k = k << 8 | a->b[i];
	return k;
}

int mmdb_writer_add_range(struct mmdb_writer *w, const struct ipaddr *start, const struct ipaddr *end,
			  uint32_t asn, const char *as_name, const char *cc)
{
	u128 a = to_key(start), b = to_key(end);
	unsigned bits = start->af == 4 ? 32 : 128;
	uint32_t rec;

	if (start->af != end->af || (start->af != 4 && start->af != 6) || b < a)
		return -1;
	if (w->nrec == w->caprec) {
		w->caprec = w->caprec ? w->caprec * 2 : 1024;
		w->rec_off = xrealloc(w->rec_off, w->caprec * sizeof(*w->rec_off));
	}
	rec = (uint32_t)w->nrec;
	w->rec_off[w->nrec++] = (uint32_t)w->data.len;
	put_ctrl(&w->data, 7, (asn ? 2 : 0) + (cc && *cc ? 1 : 0));
	if (asn && w->layout == MMDB_LAYOUT_IPINFO) {
		char text[16];

		snprintf(text, sizeof(text), "AS%u", asn);
		put_string(&w->data, "asn");
		put_string(&w->data, text);
		put_string(&w->data, "as_name");
		put_string(&w->data, as_name ? as_name : "");
	} else if (asn) {
		put_string(&w->data, "autonomous_system_number");
		put_uint(&w->data, 6, asn);
		put_string(&w->data, "autonomous_system_organization");
		put_string(&w->data, as_name ? as_name : "");
	}
	if (cc && *cc && w->layout == MMDB_LAYOUT_GEOLITE2) {
		put_string(&w->data, "country");
		put_ctrl(&w->data, 7, 1);
		put_string(&w->data, "iso_code");
		put_string(&w->data, cc);
	} else if (cc && *cc) {
		put_string(&w->data, "country_code");
		put_string(&w->data, cc);
	}
	/* The largest aligned blocks that cover [a, b]. */
	for (;;) {
		unsigned k = 0;

		while (k < bits && !((a >> k) & 1) && a + (((u128)2 << k) - 1) <= b)
			k++;
		insert(w, a, 128 - k, rec);
		if (k == 128 || a + (((u128)1 << k) - 1) >= b)
			break;
		a += (u128)1 << k;
	}
	return 0;
}

int mmdb_writer_write(struct mmdb_writer *w, const char *path, struct err *err)
{
	uint32_t nodes = (uint32_t)w->nnodes;
	struct strbuf meta;
	FILE *f = fopen(path, "wb");
	unsigned char zero[16] = {0};
	int bad = 0;

	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < w->nnodes; i++) {
		unsigned char rec[8];

		for (int side = 0; side < 2; side++) {
			uint32_t c = w->nodes[i][side], v;

			v = c == 0 ? nodes : (c & DATA_BIT) ? nodes + 16 + w->rec_off[c & ~DATA_BIT] : c;
			for (int j = 0; j < 4; j++)
				rec[side * 4 + j] = (unsigned char)(v >> (24 - 8 * j));
		}
		bad |= fwrite(rec, 1, 8, f) != 8;
	}
	bad |= fwrite(zero, 1, 16, f) != 16;
	bad |= fwrite(w->data.data, 1, w->data.len, f) != w->data.len;

	strbuf_init(&meta, 1 << 20);
	strbuf_append(&meta, "\xab\xcd\xefMaxMind.com", 14);
	put_ctrl(&meta, 7, 9);
	put_string(&meta, "node_count");
	put_uint(&meta, 6, nodes);
	put_string(&meta, "record_size");
	put_uint(&meta, 5, 32);
	put_string(&meta, "ip_version");
	put_uint(&meta, 5, 6);
	put_string(&meta, "database_type");
	put_string(&meta, w->type);
	put_string(&meta, "languages");
	put_ctrl(&meta, 11, 0);
	put_string(&meta, "binary_format_major_version");
	put_uint(&meta, 5, 2);
	put_string(&meta, "binary_format_minor_version");
	put_uint(&meta, 5, 0);
	put_string(&meta, "build_epoch");
	put_uint(&meta, 9, w->epoch);
	put_string(&meta, "description");
	put_ctrl(&meta, 7, 0);
	bad |= fwrite(meta.data, 1, meta.len, f) != meta.len;
	strbuf_free(&meta);
	if (fclose(f) || bad)
		return err_set(err, "%s: write error", path);
	return 0;
}
