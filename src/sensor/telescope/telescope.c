/* telescope.c - the analysis driver (see telescope.h). */
#include "telescope.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/progress.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "decode_inline.h"

struct tscope {
	struct tscope_options opt;
	struct agg *agg; /* made on first use, when the input's size is known */
	struct tscope_counts counts;
	int64_t per, per_start, per_end; /* the period of the last packet (no division per packet) */
	struct tscope_error *errors;
	size_t nerrors, errcap;
	pthread_mutex_t lock;
};

struct tscope *tscope_new(const struct tscope_options *opt)
{
	struct tscope *t = xcalloc(1, sizeof(*t));

	t->opt = *opt;
	if (t->opt.threads < 1)
		t->opt.threads = 1;
	if (t->opt.threads > 64)
		t->opt.threads = 64;
	if (t->opt.period_us <= 0)
		t->opt.period_us = US_PER_DAY;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

static void make_agg(struct tscope *t)
{
	if (!t->agg)
		t->agg = agg_new(t->opt.expected_sources, t->opt.threads);
}

void tscope_free(struct tscope *t)
{
	if (!t)
		return;
	agg_free(t->agg);
	for (size_t i = 0; i < t->nerrors; i++) {
		free(t->errors[i].file);
		free(t->errors[i].message);
	}
	free(t->errors);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void tscope_add_error(struct tscope *t, const char *file, uint64_t offset, const char *message)
{
	pthread_mutex_lock(&t->lock);
	if (t->nerrors == t->errcap) {
		t->errcap = t->errcap ? t->errcap * 2 : 8;
		t->errors = xrealloc(t->errors, t->errcap * sizeof(*t->errors));
	}
	t->errors[t->nerrors].file = xstrdup(file);
	t->errors[t->nerrors].offset = offset;
	t->errors[t->nerrors].message = xstrdup(message);
	t->nerrors++;
	pthread_mutex_unlock(&t->lock);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **tscope_expand_paths(struct tscope *t, char *const *paths, int n, int *count)
{
	size_t cap = (size_t)n + 1, len = 0;
	char **out = xmalloc(cap * sizeof(*out));

	for (int i = 0; i < n; i++) {
		struct stat sb;

		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			DIR *d = opendir(paths[i]);
			struct dirent *de;
			size_t first = len;

			if (!d) {
				tscope_add_error(t, paths[i], 0, strerror(errno));
				continue;
			}
			while ((de = readdir(d)) != NULL) {
				char *p;
				struct stat fs;

				if (de->d_name[0] == '.')
					continue;
				if (asprintf(&p, "%s/%s", paths[i], de->d_name) < 0)
					abort();
				if (stat(p, &fs) != 0 || !S_ISREG(fs.st_mode)) {
					free(p);
					continue;
				}
				if (len + 1 >= cap) {
					cap *= 2;
					out = xrealloc(out, cap * sizeof(*out));
				}
				out[len++] = p;
			}
			closedir(d);
			qsort(out + first, len - first, sizeof(*out), cmp_str);
			continue;
		}
		if (len + 1 >= cap) {
			cap *= 2;
			out = xrealloc(out, cap * sizeof(*out));
		}
		out[len++] = xstrdup(paths[i]);
	}
	out[len] = NULL;
	*count = (int)len;
	return out;
}

void tscope_free_paths(char **paths)
{
	if (!paths)
		return;
	for (char **p = paths; *p; p++)
		free(*p);
	free(paths);
}

/* A stable 32-bit stand-in for an IPv6 destination in the distinct count. */
static inline uint32_t hash_v6(const uint8_t *a)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	x = (x ^ (y * 0x9E3779B97F4A7C15ULL)) * 0xff51afd7ed558ccdULL;
	return (uint32_t)(x >> 32);
}

/* lt: the packet's link type; a constant in the batch loop, so the decoder
 * is specialised for it. */
static inline __attribute__((always_inline)) void packet_lt(struct tscope *t, const struct cap_packet *p, uint32_t lt)
{
	struct decoded d;
	struct agg_pkt a;
	unsigned fps;
	int64_t per, len = t->opt.period_us;
	enum pkt_class c;

	t->counts.packets++;
	t->counts.bytes += p->origlen;
	if (decode_packet_inline(lt, p->data, p->caplen, &d))
		return;
	t->counts.ip_packets++;
	c = classify_packet_inline(&d, &fps);
	t->counts.class_packets[c]++;
	if (fps) {
		for (unsigned f = 0; f < FP_COUNT; f++)
			t->counts.fp_packets[f] += (fps >> f) & 1;
	} else if (c != CLASS_BACKSCATTER) {
		t->counts.plain_packets++;
	}
	a.af = d.af;
	if (d.af == 4) {
		memcpy(a.addr, d.src, 4); /* agg_push reads no more of an IPv4 address */
		a.dst32 = d.dst4;
	} else {
		memcpy(a.addr, d.src, 16);
		a.dst32 = hash_v6(d.dst);
	}
	if (__builtin_expect(p->ts_us < t->per_start || p->ts_us >= t->per_end, 0)) {
		per = p->ts_us >= 0 ? p->ts_us / len : -((-p->ts_us + len - 1) / len);
		t->per = per;
		t->per_start = per * len;
		t->per_end = t->per_start + len;
	}
	a.period = (int32_t)t->per;
	a.ms = (uint32_t)((p->ts_us - t->per_start) / 1000);
	a.cls = (uint8_t)c;
	a.fps = (uint8_t)fps;
	a.dport = d.dport;
	a.has_port = (d.flags & DECODE_HAS_L4) && (d.proto == 6 || d.proto == 17);
	agg_push(t->agg, &a);
}

static void packet(struct tscope *t, const struct cap_packet *p)
{
	packet_lt(t, p, p->linktype);
}

/* A batch from one reader: every packet has the same link type. */
static void batch(struct tscope *t, const struct cap_packet *b, unsigned n)
{
	switch (b[0].linktype) {
	case LINKTYPE_ETHERNET:
		for (unsigned i = 0; i < n; i++)
			packet_lt(t, &b[i], LINKTYPE_ETHERNET);
		break;
	case LINKTYPE_RAW:
		for (unsigned i = 0; i < n; i++)
			packet_lt(t, &b[i], LINKTYPE_RAW);
		break;
	default:
		for (unsigned i = 0; i < n; i++)
			packet(t, &b[i]);
	}
}

/* Reads one file; returns 0 when whole. */
static int read_file(struct tscope *t, const char *path)
{
	struct progress prog;
	struct cap_packet pk, b[64];
	struct cap_reader *r;
	struct tin in;
	struct err err;
	uint64_t off = 0;
	int rc;

	t->counts.files++;
	if (tin_open(&in, path, &err)) {
		tscope_add_error(t, path, 0, err.msg);
		return -1;
	}
	r = cap_open(&in, &err, &off);
	if (!r) {
		tscope_add_error(t, path, off, err.msg);
		tin_close(&in);
		return -1;
	}
	if (t->opt.progress)
		progress_start(&prog, path, "packets", tin_size(&in));
	for (;;) {
		/* Check the progress clock every 64K packets only. */
		for (unsigned i = 0; i < 65536;) {
			unsigned n = cap_next_batch(r, b, 64);

			if (n) {
				batch(t, b, n);
				i += n;
				continue;
			}
			rc = cap_next(r, &pk, &err, &off);
			if (rc != 1)
				goto done;
			packet(t, &pk);
			i++;
		}
		if (t->opt.progress)
			progress_update(&prog, tin_progress(&in), t->counts.packets);
		if (t->opt.stop && *t->opt.stop) {
			rc = 0;
			break;
		}
	}
done:
	if (t->opt.progress)
		progress_end(&prog);
	if (rc < 0)
		tscope_add_error(t, path, off, err.msg);
	cap_close(r);
	tin_close(&in);
	return rc < 0 ? -1 : 0;
}

/* A partition count for the input: too few and a partition outgrows the
 * cache; too many and each round's share of a partition is small. */
static size_t expected_sources(char *const *paths, int n)
{
	uint64_t bytes = 0;

	for (int i = 0; i < n; i++) {
		struct stat sb;

		if (strcmp(paths[i], "-") == 0 || stat(paths[i], &sb) != 0)
			bytes += 64u << 20;
		else
			bytes += (uint64_t)sb.st_size;
	}
	/* About 64 bytes a record; telescopes see a few packets per source. */
	bytes = bytes / 64 / 8;
	return bytes > (1u << 20) ? (1u << 20) : (size_t)bytes;
}

int tscope_read_files(struct tscope *t, char *const *paths, int n)
{
	int status = 0;

	if (!t->opt.expected_sources)
		t->opt.expected_sources = expected_sources(paths, n);
	make_agg(t);
	for (int i = 0; i < n && !(t->opt.stop && *t->opt.stop); i++)
		if (read_file(t, paths[i]))
			status = -1;
	agg_drain(t->agg);
	return status || t->nerrors ? -1 : 0;
}

void tscope_add_packet(struct tscope *t, const struct cap_packet *p)
{
	make_agg(t);
	packet(t, p);
}

const struct tscope_counts *tscope_counts(struct tscope *t)
{
	return &t->counts;
}

const struct tscope_error *tscope_errors(const struct tscope *t, size_t *n)
{
	*n = t->nerrors;
	return t->errors;
}

struct collect {
	struct src_entry **v;
	size_t n;
};

static void collect_one(struct src_entry *e, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = e;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct src_entry *x = *(struct src_entry *const *)a, *y = *(struct src_entry *const *)b;
	int r;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	r = memcmp(x->addr, y->addr, 16);
	if (r)
		return r;
	return (x->period > y->period) - (x->period < y->period);
}

struct src_entry **tscope_entries(struct tscope *t, bool sorted, size_t *n)
{
	struct collect c = {0};
	size_t total;

	make_agg(t);
	agg_drain(t->agg);
	total = agg_count(t->agg);
	c.v = xmalloc((total ? total : 1) * sizeof(*c.v));
	agg_each(t->agg, collect_one, &c);
	if (sorted)
		qsort(c.v, c.n, sizeof(*c.v), cmp_entry);
	*n = c.n;
	return c.v;
}

void tscope_reset(struct tscope *t)
{
	if (t->agg)
		agg_reset(t->agg);
	memset(&t->counts, 0, sizeof(t->counts));
}
