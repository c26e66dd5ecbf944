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

/* Packets handed from the reading worker (0) to another worker: a ring of
 * QDEPTH blocks of QBLOCK packets. The reader fills the block after the
 * published ones, publishes it whole; the worker applies blocks in order,
 * so each source's packets still arrive in file order. */
#define QBLOCK 1024
#define QDEPTH 8

struct pktq {
	pthread_mutex_t m;
	pthread_cond_t cv;
	unsigned head, n; /* published blocks [head, head+n) (under m) */
	unsigned tail, fill; /* reader only: the block being filled, packets in it */
	unsigned cnt[QDEPTH];
	bool done;
	struct agg_pkt (*blk)[QBLOCK];
};

struct worker {
	struct tscope *t;
	struct pktq q; /* workers other than 0: what the reader hands over */
	unsigned index;
	struct agg *agg;
	struct tscope_counts counts;
	char *const *paths;
	int npaths;
	int status;
	int64_t per, per_start, per_end; /* the period of the last packet (no division per packet) */
};

struct tscope {
	struct tscope_options opt;
	struct worker *w;
	unsigned nworkers;
	struct tscope_counts total;
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

static void make_workers(struct tscope *t, unsigned n)
{
	if (t->w)
		return;
	t->nworkers = n;
	t->w = xcalloc(n, sizeof(*t->w));
	for (unsigned i = 0; i < n; i++) {
		t->w[i].t = t;
		t->w[i].index = i;
		t->w[i].agg = agg_new(t->opt.expected_sources / n);
		pthread_mutex_init(&t->w[i].q.m, NULL);
		pthread_cond_init(&t->w[i].q.cv, NULL);
	}
}

void tscope_free(struct tscope *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->nworkers; i++) {
		agg_free(t->w[i].agg);
		free(t->w[i].q.blk);
		pthread_mutex_destroy(&t->w[i].q.m);
		pthread_cond_destroy(&t->w[i].q.cv);
	}
	free(t->w);
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

/* Reader side: the block being filled is full (or the input ended). */
static void q_publish(struct pktq *q)
{
	pthread_mutex_lock(&q->m);
	q->cnt[q->tail] = q->fill;
	q->tail = (q->tail + 1) % QDEPTH;
	q->n++;
	q->fill = 0;
	pthread_cond_broadcast(&q->cv);
	while (q->n == QDEPTH) /* the next block is still being applied */
		pthread_cond_wait(&q->cv, &q->m);
	pthread_mutex_unlock(&q->m);
}

static inline void q_put(struct pktq *q, const struct agg_pkt *a)
{
	/* The block after the published ones is the reader's alone. */
	q->blk[q->tail][q->fill++] = *a;
	if (q->fill == QBLOCK)
		q_publish(q);
}

/* Reader side: no more packets. */
static void q_finish(struct pktq *q)
{
	pthread_mutex_lock(&q->m);
	if (q->fill) {
		q->cnt[q->tail] = q->fill;
		q->tail = (q->tail + 1) % QDEPTH;
		q->n++;
		q->fill = 0;
	}
	q->done = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->m);
}

/* lt: the packet's link type; a constant in the batch loop, so the decoder
 * is specialised for it. */
static inline __attribute__((always_inline)) void worker_packet_lt(struct worker *w, const struct cap_packet *p,
								   uint32_t lt)
{
	struct decoded d;
	struct agg_pkt a;
	unsigned fps;
	uint64_t ah;
	int64_t per, len = w->t->opt.period_us;
	enum pkt_class c;

	w->counts.packets++;
	w->counts.bytes += p->origlen;
	if (decode_packet_inline(lt, p->data, p->caplen, &d))
		return;
	ah = agg_addr_hash(d.af, d.src);
	w->counts.ip_packets++;
	c = classify_packet_inline(&d, &fps);
	w->counts.class_packets[c]++;
	if (fps) {
		for (unsigned f = 0; f < FP_COUNT; f++)
			w->counts.fp_packets[f] += (fps >> f) & 1;
	} else if (c != CLASS_BACKSCATTER) {
		w->counts.plain_packets++;
	}
	a.af = d.af;
	if (d.af == 4) {
		memset(a.addr, 0, sizeof(a.addr));
		memcpy(a.addr, d.src, 4);
		a.dst32 = d.dst4;
	} else {
		memcpy(a.addr, d.src, 16);
		a.dst32 = hash_v6(d.dst);
	}
	if (__builtin_expect(p->ts_us < w->per_start || p->ts_us >= w->per_end, 0)) {
		per = p->ts_us >= 0 ? p->ts_us / len : -((-p->ts_us + len - 1) / len);
		w->per = per;
		w->per_start = per * len;
		w->per_end = w->per_start + len;
	}
	a.period = (int32_t)w->per;
	a.ms = (uint32_t)((p->ts_us - w->per_start) / 1000);
	a.cls = (uint8_t)c;
	a.fps = (uint8_t)fps;
	a.dport = d.dport;
	a.has_port = (d.flags & DECODE_HAS_L4) && (d.proto == 6 || d.proto == 17);
	agg_pkt_hash(&a, ah);
	if (w->t->nworkers > 1) {
		/* Worker 0 reads; sources are split by address hash. */
		unsigned owner = (unsigned)((ah >> 40) % w->t->nworkers);

		if (owner) {
			q_put(&w->t->w[owner].q, &a);
			return;
		}
	}
	agg_push(w->agg, &a);
}

static void worker_packet(struct worker *w, const struct cap_packet *p)
{
	worker_packet_lt(w, p, p->linktype);
}

/* A batch from one reader: every packet has the same link type. */
static void worker_batch(struct worker *w, const struct cap_packet *b, unsigned n)
{
	switch (b[0].linktype) {
	case LINKTYPE_ETHERNET:
		for (unsigned i = 0; i < n; i++)
			worker_packet_lt(w, &b[i], LINKTYPE_ETHERNET);
		break;
	case LINKTYPE_RAW:
		for (unsigned i = 0; i < n; i++)
			worker_packet_lt(w, &b[i], LINKTYPE_RAW);
		break;
	default:
		for (unsigned i = 0; i < n; i++)
			worker_packet(w, &b[i]);
	}
}

/* Reads one file; returns 0 when whole. Only worker 0 records errors and
 * shows progress: every worker meets the same damage at the same offset. */
static int worker_file(struct worker *w, const char *path)
{
	struct progress prog;
	struct cap_packet pk, batch[64];
	struct cap_reader *r;
	struct tin in;
	struct err err;
	uint64_t off = 0;
	bool lead = w->index == 0;
	int rc;

	if (lead)
		w->counts.files++;
	if (tin_open(&in, path, &err)) {
		if (lead)
			tscope_add_error(w->t, path, 0, err.msg);
		return -1;
	}
	r = cap_open(&in, &err, &off);
	if (!r) {
		if (lead)
			tscope_add_error(w->t, path, off, err.msg);
		tin_close(&in);
		return -1;
	}
	if (lead && w->t->opt.progress)
		progress_start(&prog, path, "packets", tin_size(&in));
	for (;;) {
		/* Check the progress clock every 64K packets only. */
		for (unsigned i = 0; i < 65536;) {
			unsigned n = cap_next_batch(r, batch, 64);

			if (n) {
				worker_batch(w, batch, n);
				i += n;
				continue;
			}
			rc = cap_next(r, &pk, &err, &off);
			if (rc != 1)
				goto done;
			worker_packet(w, &pk);
			i++;
		}
		if (lead && w->t->opt.progress)
			progress_update(&prog, tin_progress(&in), w->counts.packets);
	}
done:
	if (lead && w->t->opt.progress)
		progress_end(&prog);
	if (rc < 0 && lead)
		tscope_add_error(w->t, path, off, err.msg);
	cap_close(r);
	tin_close(&in);
	return rc < 0 ? -1 : 0;
}

/* Workers other than 0: apply what the reader hands over. */
static void *consumer_main(void *arg)
{
	struct worker *w = arg;
	struct pktq *q = &w->q;

	w->status = 0;
	pthread_mutex_lock(&q->m);
	for (;;) {
		while (!q->n && !q->done)
			pthread_cond_wait(&q->cv, &q->m);
		if (!q->n)
			break;
		unsigned b = q->head, n = q->cnt[b];

		pthread_mutex_unlock(&q->m);
		for (unsigned i = 0; i < n; i++)
			agg_push(w->agg, &q->blk[b][i]);
		pthread_mutex_lock(&q->m);
		q->head = (q->head + 1) % QDEPTH;
		q->n--;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->m);
	agg_drain(w->agg);
	return NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->status = 0;
	for (int i = 0; i < w->npaths; i++)
		if (worker_file(w, w->paths[i]))
			w->status = -1;
	for (unsigned i = 1; i < w->t->nworkers; i++)
		q_finish(&w->t->w[i].q);
	agg_drain(w->agg);
	return NULL;
}

static void sum_counts(struct tscope *t)
{
	struct tscope_counts *s = &t->total;

	memset(s, 0, sizeof(*s));
	if (!t->nworkers)
		return;
	/* Worker 0 reads and counts every record; the others only aggregate. */
	s->files = t->w[0].counts.files;
	s->packets = t->w[0].counts.packets;
	s->bytes = t->w[0].counts.bytes;
	for (unsigned i = 0; i < t->nworkers; i++) {
		const struct tscope_counts *c = &t->w[i].counts;

		s->ip_packets += c->ip_packets;
		s->plain_packets += c->plain_packets;
		for (unsigned f = 0; f < FP_COUNT; f++)
			s->fp_packets[f] += c->fp_packets[f];
		for (unsigned k = 0; k < CLASS_COUNT; k++)
			s->class_packets[k] += c->class_packets[k];
	}
}

/* A table size for the input: growing a big table costs more than one
 * sized right, and an oversized one costs page faults and TLB misses. */
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
	/* Only worker 0 reads, so stdin and gzip input need no special case. */
	unsigned threads = t->opt.threads;
	int status = 0;

	if (!t->opt.expected_sources)
		t->opt.expected_sources = expected_sources(paths, n);
	make_workers(t, threads);
	for (unsigned i = 0; i < t->nworkers; i++) {
		struct pktq *q = &t->w[i].q;

		t->w[i].paths = paths;
		t->w[i].npaths = n;
		if (i && !q->blk)
			q->blk = xmalloc(QDEPTH * sizeof(*q->blk));
		q->head = q->n = q->tail = q->fill = 0;
		q->done = false;
	}
	if (t->nworkers == 1) {
		worker_main(&t->w[0]);
	} else {
		pthread_t *tid = xcalloc(t->nworkers, sizeof(*tid));

		for (unsigned i = 1; i < t->nworkers; i++)
			if (pthread_create(&tid[i], NULL, consumer_main, &t->w[i]) != 0)
				abort();
		worker_main(&t->w[0]);
		for (unsigned i = 1; i < t->nworkers; i++)
			pthread_join(tid[i], NULL);
		free(tid);
	}
	for (unsigned i = 0; i < t->nworkers; i++)
		if (t->w[i].status)
			status = -1;
	sum_counts(t);
	return status || t->nerrors ? -1 : 0;
}

void tscope_add_packet(struct tscope *t, const struct cap_packet *p)
{
	make_workers(t, 1);
	worker_packet(&t->w[0], p);
}

const struct tscope_counts *tscope_counts(struct tscope *t)
{
	sum_counts(t);
	return &t->total;
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
	size_t total = 0;

	for (unsigned i = 0; i < t->nworkers; i++) {
		agg_drain(t->w[i].agg);
		total += agg_count(t->w[i].agg);
	}
	c.v = xmalloc((total ? total : 1) * sizeof(*c.v));
	for (unsigned i = 0; i < t->nworkers; i++)
		agg_each(t->w[i].agg, collect_one, &c);
	if (sorted)
		qsort(c.v, c.n, sizeof(*c.v), cmp_entry);
	*n = c.n;
	return c.v;
}

void tscope_reset(struct tscope *t)
{
	for (unsigned i = 0; i < t->nworkers; i++) {
		agg_reset(t->w[i].agg);
		memset(&t->w[i].counts, 0, sizeof(t->w[i].counts));
	}
	memset(&t->total, 0, sizeof(t->total));
}
