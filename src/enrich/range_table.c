#include "range_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

typedef unsigned __int128 u128;

#define MAX_FIELDS 8
#define MAX_LINE 4096
#define NAME_MAX_LEN 127

struct value {
	uint32_t asn;
	uint32_t name_off; /* into names; 0 is the empty string */
	char cc[2];
};

struct raw4 {
	uint32_t start, end, val;
};

struct raw6 {
	u128 start, end;
	uint32_t val;
};

/* Finished entries carry their value inline: a hit costs the entry's
 * cache line and the name, nothing else. A row has an AS (and aux is its
 * name's offset) or a country (asn 0, aux holds the two letters): 16 bytes,
 * four to a cache line. */
struct ent4 {
	uint32_t start, end, asn, aux;
};

struct tail6 {
	u128 end;
	struct value v;
};

#define IDX4_MIN 4096

struct range_table {
	/* Loading. */
	struct raw4 *raw4;
	size_t n4, cap4;
	struct raw6 *raw6;
	size_t n6, cap6;
	/* Values and the names they point to, de-duplicated through a hash. */
	struct value *vals;
	size_t nvals, capvals;
	char *names;
	size_t names_len, names_cap;
	uint32_t *hash; /* value index + 1, 0 empty */
	size_t hash_cap;
	/* Finished: structure of arrays. */
	struct ent4 *r4;
	uint32_t *idx4; /* idx4[h]: first range whose start >> 16 >= h; NULL for small tables */
	u128 *start6;
	struct tail6 *tail6;
	uint32_t *idx6; /* like idx4, on the top 16 bits of the address; NULL for small tables */
	bool finished;
};

struct range_table *range_table_new(void)
{
	struct range_table *t = xcalloc(1, sizeof(*t));

	t->names_cap = 4096;
	t->names = xmalloc(t->names_cap);
	t->names[0] = '\0';
	t->names_len = 1;
	return t;
}

void range_table_free(struct range_table *t)
{
	if (!t)
		return;
	free(t->raw4);
	free(t->raw6);
	free(t->vals);
	free(t->names);
	free(t->hash);
	free(t->r4);
	free(t->idx4);
	free(t->start6);
	free(t->tail6);
	free(t->idx6);
	free(t);
}

static uint64_t hash_value(uint32_t asn, const char cc[2], const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	h = (h ^ asn) * 1099511628211ULL;
	h = (h ^ (uint8_t)cc[0]) * 1099511628211ULL;
	h = (h ^ (uint8_t)cc[1]) * 1099511628211ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 1099511628211ULL;
	return h;
}

static void hash_insert(struct range_table *t, uint32_t vi, uint64_t h)
{
	size_t mask = t->hash_cap - 1, i = (size_t)h & mask;

	while (t->hash[i])
		i = (i + 1) & mask;
	t->hash[i] = vi + 1;
}

static uint32_t intern_value(struct range_table *t, uint32_t asn, const char cc[2], const char *name, size_t len)
{
	uint64_t h = hash_value(asn, cc, name, len);
	size_t mask, i;

	if ((t->nvals + 1) * 2 > t->hash_cap) {
		free(t->hash);
		t->hash_cap = t->hash_cap ? t->hash_cap * 2 : 1024;
		t->hash = xcalloc(t->hash_cap, sizeof(*t->hash));
		for (uint32_t v = 0; v < t->nvals; v++) {
			const struct value *x = &t->vals[v];
			const char *nm = t->names + x->name_off;

			hash_insert(t, v, hash_value(x->asn, x->cc, nm, strlen(nm)));
		}
	}
	mask = t->hash_cap - 1;
	for (i = (size_t)h & mask; t->hash[i]; i = (i + 1) & mask) {
		const struct value *x = &t->vals[t->hash[i] - 1];
		const char *nm = t->names + x->name_off;

		if (x->asn == asn && x->cc[0] == cc[0] && x->cc[1] == cc[1] && strncmp(nm, name, len) == 0 &&
		    nm[len] == '\0')
			return t->hash[i] - 1;
	}
	if (t->nvals == t->capvals) {
		t->capvals = t->capvals ? t->capvals * 2 : 256;
		t->vals = xrealloc(t->vals, t->capvals * sizeof(*t->vals));
	}
	struct value *v = &t->vals[t->nvals];
	v->asn = asn;
	v->cc[0] = cc[0];
	v->cc[1] = cc[1];
	v->name_off = 0;
	if (len) {
		while (t->names_len + len + 1 > t->names_cap) {
			t->names_cap *= 2;
			t->names = xrealloc(t->names, t->names_cap);
		}
		v->name_off = (uint32_t)t->names_len;
		memcpy(t->names + t->names_len, name, len);
		t->names[t->names_len + len] = '\0';
		t->names_len += len + 1;
	}
	t->hash[i] = (uint32_t)t->nvals + 1;
	return (uint32_t)t->nvals++;
}

struct field {
	const char *p;
	size_t len;
};

/* Splits one CSV line into fields. A quoted field's "" becomes " in scratch
 * (which must hold len bytes). Returns the number of fields, or -1. */
static int split_csv(const char *line, size_t len, struct field *f, char *scratch)
{
	size_t i = 0, s = 0;
	int n = 0;

	for (;;) {
		if (n == MAX_FIELDS)
			return -1;
		if (i < len && line[i] == '"') {
			f[n].p = scratch + s;
			f[n].len = 0;
			for (i++;; i++) {
				if (i >= len)
					return -1; /* unterminated quote */
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						i++;
					} else {
						i++;
						break;
					}
				}
				scratch[s++] = line[i];
				f[n].len++;
			}
			if (i < len && line[i] != ',')
				return -1;
		} else {
			f[n].p = line + i;
			while (i < len && line[i] != ',')
				i++;
			f[n].len = (size_t)(line + i - f[n].p);
		}
		n++;
		if (i >= len)
			return n;
		i++; /* the comma */
	}
}

/* A decimal number up to 2^128-1. */
static int parse_dec128(const char *p, size_t len, u128 *out)
{
	u128 v = 0, max = ~(u128)0;

	if (len == 0 || len > 39)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(p[i] - '0');

		if (d > 9 || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Parses an address field: returns 4 or 6 (family), or 0; *numeric tells
 * a decimal number from an address in text. */
static int parse_addr(const struct field *f, u128 *out, bool *numeric_out)
{
	struct ipaddr a;
	bool numeric = f->len > 0;

	for (size_t i = 0; i < f->len; i++)
		if (f->p[i] < '0' || f->p[i] > '9')
			numeric = false;
	*numeric_out = numeric;
	if (numeric) {
		if (parse_dec128(f->p, f->len, out))
			return 0;
		return *out > 0xffffffffu ? 6 : 4;
	}
	if (ipaddr_parse(f->p, f->len, &a))
		return 0;
	*out = 0;
	if (a.af == 4) {
		*out = (u128)a.b[0] << 24 | (u128)a.b[1] << 16 | (u128)a.b[2] << 8 | a.b[3];
		return 4;
	}
	for (int i = 0; i < 16; i++)
		*out = *out << 8 | a.b[i];
	return 6;
}

static const char *parse_line(struct range_table *t, const char *line, size_t len)
{
	struct field f[MAX_FIELDS];
	char scratch[MAX_LINE];
	char cc[2] = {0, 0};
	const char *name = "";
	size_t name_len = 0;
	uint32_t asn = 0;
	int n, fam1, fam2;
	bool num1, num2;
	u128 a, b;

	if (len > MAX_LINE)
		return "line too long";
	n = split_csv(line, len, f, scratch);
	if (n < 3)
		return "expected start,end,asn,org or start,end,cc";
	fam1 = parse_addr(&f[0], &a, &num1);
	fam2 = parse_addr(&f[1], &b, &num2);
	if (!fam1 || !fam2)
		return "not an address range";
	if (fam1 != fam2) {
		/* Only a numeric IPv6 range may start below 2^32. */
		if (!num1 || !num2)
			return "start and end of different families";
		fam1 = 6;
	}
	if (a > b)
		return "start after end";
	if (n == 3 && f[2].len == 2 && f[2].p[0] >= 'A' && f[2].p[0] <= 'Z' && f[2].p[1] >= 'A' &&
	    f[2].p[1] <= 'Z') {
		cc[0] = f[2].p[0];
		cc[1] = f[2].p[1];
	} else if (n == 4) {
		u128 v;

		if (parse_dec128(f[2].p, f[2].len, &v) || v == 0 || v > 0xffffffffu)
			return "not an AS number";
		asn = (uint32_t)v;
		name = f[3].p;
		name_len = f[3].len > NAME_MAX_LEN ? NAME_MAX_LEN : f[3].len;
		for (size_t i = 0; i < name_len; i++)
			if ((unsigned char)name[i] < 0x20)
				return "control character in name";
	} else {
		return "expected start,end,asn,org or start,end,cc";
	}
	if (t->finished)
		return "table already finished";
	uint32_t vi = intern_value(t, asn, cc, name, name_len);
	if (fam1 == 4) {
		if (t->n4 == t->cap4) {
			t->cap4 = t->cap4 ? t->cap4 * 2 : 1024;
			t->raw4 = xrealloc(t->raw4, t->cap4 * sizeof(*t->raw4));
		}
		t->raw4[t->n4++] = (struct raw4){(uint32_t)a, (uint32_t)b, vi};
	} else {
		if (t->n6 == t->cap6) {
			t->cap6 = t->cap6 ? t->cap6 * 2 : 1024;
			t->raw6 = xrealloc(t->raw6, t->cap6 * sizeof(*t->raw6));
		}
		t->raw6[t->n6].start = a;
		t->raw6[t->n6].end = b;
		t->raw6[t->n6].val = vi;
		t->n6++;
	}
	return NULL;
}

void range_table_load_buf(struct range_table *t, const char *buf, size_t len, const char *name,
			  struct range_load_stats *st)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *why;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		st->lines++;
		why = parse_line(t, line, n);
		if (!why) {
			st->ranges++;
			continue;
		}
		/* A header line ("start,end,...") is not an error. */
		if (lineno == 1 && ((line[0] >= 'a' && line[0] <= 'z') || (line[0] >= 'A' && line[0] <= 'Z')) &&
		    memchr(line, ',', n) && !memchr(line, ':', n) && !memchr(line, '.', n))
			continue;
		if (st->bad++ == 0)
			snprintf(st->first_bad, sizeof(st->first_bad), "%s:%zu: %s", name, lineno, why);
	}
}

int range_table_load_file(struct range_table *t, const char *path, struct range_load_stats *st, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;
	size_t got;

	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return err_set(err, "%s: not a regular file", path);
	}
	buf = xmalloc((size_t)size + 1);
	got = fread(buf, 1, (size_t)size, f);
	if (got != (size_t)size || ferror(f)) {
		free(buf);
		fclose(f);
		return err_set(err, "%s: read error", path);
	}
	fclose(f);
	range_table_load_buf(t, buf, got, path, st);
	free(buf);
	return 0;
}

static int cmp4(const void *a, const void *b)
{
	const struct raw4 *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static int cmp6(const void *a, const void *b)
{
	const struct raw6 *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

size_t range_table_finish(struct range_table *t)
{
	size_t clipped = 0, n = 0;

	if (t->finished)
		return 0;

	if (t->n4)
		qsort(t->raw4, t->n4, sizeof(*t->raw4), cmp4);
	t->r4 = xmalloc((t->n4 + 1) * sizeof(*t->r4));
	/* Clipping compares with the previous kept range. */
	for (size_t i = 0; i < t->n4; i++) {
		struct raw4 r = t->raw4[i];

		if (n && r.start <= t->r4[n - 1].end) {
			clipped++;
			if (r.end <= t->r4[n - 1].end)
				continue;
			r.start = t->r4[n - 1].end + 1;
		}
		t->r4[n].start = r.start;
		t->r4[n].end = r.end;
		t->r4[n].asn = t->vals[r.val].asn;
		t->r4[n].aux = t->vals[r.val].asn ? t->vals[r.val].name_off
						  : (uint32_t)(uint8_t)t->vals[r.val].cc[0] |
							    (uint32_t)(uint8_t)t->vals[r.val].cc[1] << 8;
		n++;
	}
	t->n4 = n;
	free(t->raw4);
	t->raw4 = NULL;
	t->cap4 = 0;
	/* The bucket index pays off only for big tables (256 KiB). */
	if (n >= IDX4_MIN) {
		t->idx4 = xmalloc(65537 * sizeof(uint32_t));
		for (size_t h = 0, i = 0; h <= 65536; h++) {
			while (i < n && (t->r4[i].start >> 16) < h)
				i++;
			t->idx4[h] = (uint32_t)i;
		}
	}

	if (t->n6)
		qsort(t->raw6, t->n6, sizeof(*t->raw6), cmp6);
	t->start6 = xmalloc((t->n6 + 1) * sizeof(u128));
	t->tail6 = xmalloc((t->n6 + 1) * sizeof(*t->tail6));
	n = 0;
	for (size_t i = 0; i < t->n6; i++) {
		struct raw6 r = t->raw6[i];

		if (n && r.start <= t->tail6[n - 1].end) {
			clipped++;
			if (r.end <= t->tail6[n - 1].end)
				continue;
			r.start = t->tail6[n - 1].end + 1;
		}
		t->start6[n] = r.start;
		t->tail6[n].end = r.end;
		t->tail6[n].v = t->vals[r.val];
		n++;
	}
	t->n6 = n;
	/* Random IPv6 addresses mostly fall in empty top-16-bit buckets:
	 * the index answers those with two loads. */
	if (n >= IDX4_MIN) {
		t->idx6 = xmalloc(65537 * sizeof(uint32_t));
		for (size_t h = 0, i = 0; h <= 65536; h++) {
			while (i < n && (size_t)(t->start6[i] >> 112) < h)
				i++;
			t->idx6[h] = (uint32_t)i;
		}
	}
	free(t->raw6);
	t->raw6 = NULL;
	t->cap6 = 0;
	free(t->hash);
	t->hash = NULL;
	t->hash_cap = 0;
	/* Values now live in the entries; only the names stay shared. */
	free(t->vals);
	t->vals = NULL;
	t->nvals = t->capvals = 0;
	t->finished = true;
	return clipped;
}

static void fill4(const struct range_table *t, const struct ent4 *e, struct enrichment *out)
{
	if (e->asn) {
		const char *nm = t->names + e->aux;

		out->asn = e->asn;
		memcpy(out->as_name, nm, strlen(nm) + 1);
	} else {
		out->cc[0] = (char)(e->aux & 0xff);
		out->cc[1] = (char)(e->aux >> 8);
		out->cc[2] = '\0';
	}
}

static void fill(const struct range_table *t, const struct value *v, struct enrichment *out)
{
	if (v->asn) {
		const char *nm = t->names + v->name_off;
		size_t len = strlen(nm);

		out->asn = v->asn;
		memcpy(out->as_name, nm, len + 1);
	}
	if (v->cc[0]) {
		out->cc[0] = v->cc[0];
		out->cc[1] = v->cc[1];
		out->cc[2] = '\0';
	}
}

bool range_table_lookup_v4(const struct range_table *t, uint32_t ip, struct enrichment *out)
{
	uint32_t h = ip >> 16, lo = t->idx4 ? t->idx4[h] : 0, hi = t->idx4 ? t->idx4[h + 1] : (uint32_t)t->n4;

	/* The last range starting at or before ip: inside this bucket, or the
	 * one before it. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->r4[mid].start <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t->r4[lo - 1].end < ip)
		return false;
	fill4(t, &t->r4[lo - 1], out);
	return true;
}

bool range_table_lookup(const struct range_table *t, const struct ipaddr *addr, struct enrichment *out)
{
	if (!t->finished)
		return false;
	if (addr->af == 4)
		return range_table_lookup_v4(t, (uint32_t)addr->b[0] << 24 | (uint32_t)addr->b[1] << 16 |
						     (uint32_t)addr->b[2] << 8 | addr->b[3],
					     out);
	if (addr->af != 6)
		return false;
	u128 ip = 0;
	size_t lo = 0, hi = t->n6;

	for (int i = 0; i < 16; i++)
		ip = ip << 8 | addr->b[i];
	if (t->idx6) {
		size_t h = (size_t)(ip >> 112);

		lo = t->idx6[h];
		hi = t->idx6[h + 1];
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->start6[mid] <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t->tail6[lo - 1].end < ip)
		return false;
	fill(t, &t->tail6[lo - 1].v, out);
	return true;
}

size_t range_table_count(const struct range_table *t)
{
	return t->n4 + t->n6;
}

size_t range_table_memory(const struct range_table *t)
{
	return sizeof(*t) + (t->idx4 ? 65537 * sizeof(uint32_t) : 0) + t->n4 * sizeof(struct ent4) +
	       t->n6 * (sizeof(u128) + sizeof(struct tail6)) + (t->idx6 ? 65537 * sizeof(uint32_t) : 0) +
	       t->nvals * sizeof(struct value) + t->names_len;
}

static struct ipaddr from128(u128 x)
{
	uint8_t b[16];
	struct ipaddr a;

	for (int i = 15; i >= 0; i--, x >>= 8)
		b[i] = (uint8_t)x;
	ipaddr_from_v6(b, &a);
	return a;
}

int range_table_each(const struct range_table *t,
		     int (*fn)(const struct ipaddr *start, const struct ipaddr *end, const struct enrichment *e, void *arg),
		     void *arg)
{
	struct ipaddr a, b;
	struct enrichment e;
	int rc;

	if (!t->finished)
		return 0;
	for (size_t i = 0; i < t->n4; i++) {
		memset(&e, 0, sizeof(e));
		fill4(t, &t->r4[i], &e);
		ipaddr_from_v4(t->r4[i].start, &a);
		ipaddr_from_v4(t->r4[i].end, &b);
		if ((rc = fn(&a, &b, &e, arg)) != 0)
			return rc;
	}
	for (size_t i = 0; i < t->n6; i++) {
		memset(&e, 0, sizeof(e));
		fill(t, &t->tail6[i].v, &e);
		a = from128(t->start6[i]);
		b = from128(t->tail6[i].end);
		if ((rc = fn(&a, &b, &e, arg)) != 0)
			return rc;
	}
	return 0;
}
