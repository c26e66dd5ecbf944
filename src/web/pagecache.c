/* pagecache.c - see pagecache.h. One lock for the entries and the keys in
 * flight; one condition variable, broadcast when a flight ends (flights are
 * few: at most one per worker thread). */
#include "web/pagecache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"

#define CACHE_SLOTS 64

struct cache_entry {
	char *key; /* path?query in canonical form (query_canonical) */
	char *body;
	size_t len;
	const char *content_type;
	int64_t expires_us; /* monotonic */
};

/* A computation under way. When it lands it leaves the list; its waiters
 * still hold it and take the answer from it (a page too big to keep is
 * shared all the same), the last one frees it. */
struct flight {
	char *key;
	struct flight *next;
	int waiters;
	bool landed;
	bool ok; /* landed with a 200: body, len, content_type */
	char *body;
	size_t len;
	const char *content_type;
};

struct pagecache {
	int seconds;
	size_t budget; /* bytes of bodies */
	struct metric *gauge;
	pthread_mutex_t lock;
	pthread_cond_t landed; /* a flight ended */
	struct cache_entry e[CACHE_SLOTS];
	size_t bytes;
	struct flight *flights;
};

struct pagecache *pagecache_new(int seconds, size_t max_bytes, struct metric *gauge)
{
	struct pagecache *pc = xcalloc(1, sizeof(*pc));

	pc->seconds = seconds;
	pc->budget = max_bytes;
	pc->gauge = gauge;
	pthread_mutex_init(&pc->lock, NULL);
	pthread_cond_init(&pc->landed, NULL);
	return pc;
}

static void drop(struct pagecache *pc, struct cache_entry *e)
{
	pc->bytes -= e->len;
	free(e->key);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

static void flight_free(struct flight *f)
{
	free(f->key);
	free(f->body);
	free(f);
}

void pagecache_free(struct pagecache *pc)
{
	if (!pc)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		drop(pc, &pc->e[i]);
	while (pc->flights) {
		struct flight *f = pc->flights;

		pc->flights = f->next;
		flight_free(f);
	}
	pthread_cond_destroy(&pc->landed);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
}

static struct flight **flight_of(struct pagecache *pc, const char *key)
{
	struct flight **f = &pc->flights;

	while (*f && strcmp((*f)->key, key) != 0)
		f = &(*f)->next;
	return f;
}

static void answer(struct web_response *r, const char *body, size_t len, const char *content_type)
{
	strbuf_append(&r->body, body, len);
	r->content_type = content_type;
	r->status = 200;
}

/* Waits for f to land; true with r filled when it landed with a page. */
static bool wait_for(struct pagecache *pc, struct flight *f, struct web_response *r)
{
	bool ok;

	f->waiters++;
	while (!f->landed)
		pthread_cond_wait(&pc->landed, &pc->lock);
	ok = f->ok;
	if (ok)
		answer(r, f->body, f->len, f->content_type);
	if (--f->waiters == 0)
		flight_free(f);
	return ok;
}

enum pagecache_result pagecache_lookup(struct pagecache *pc, const char *key, struct web_response *r)
{
	struct flight *f;

	pthread_mutex_lock(&pc->lock);
	for (;;) {
		int64_t now = time_mono_us();

		for (int i = 0; i < CACHE_SLOTS; i++) {
			struct cache_entry *e = &pc->e[i];

			if (e->key && e->expires_us > now && strcmp(e->key, key) == 0) {
				answer(r, e->body, e->len, e->content_type);
				pthread_mutex_unlock(&pc->lock);
				return PAGECACHE_HIT;
			}
		}
		f = *flight_of(pc, key);
		if (!f)
			break;
		if (wait_for(pc, f, r)) {
			pthread_mutex_unlock(&pc->lock);
			return PAGECACHE_HIT;
		}
		/* it failed: look again, perhaps computing it ourselves */
	}
	f = xcalloc(1, sizeof(*f));
	f->key = xstrdup(key);
	f->next = pc->flights;
	pc->flights = f;
	pthread_mutex_unlock(&pc->lock);
	return PAGECACHE_MISS;
}

/* Keeps a copy within CACHE_SLOTS entries and the byte budget, pushing out
 * the copies that expire first; a page over a quarter of the budget is not
 * kept. Called with the lock held. */
static void put(struct pagecache *pc, const char *key, const struct web_response *r)
{
	size_t len = r->body.len;
	struct cache_entry *slot;

	if (len > pc->budget / 4)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (pc->e[i].key && strcmp(pc->e[i].key, key) == 0)
			drop(pc, &pc->e[i]);
	for (;;) {
		struct cache_entry *first = NULL;

		slot = NULL;
		for (int i = 0; i < CACHE_SLOTS; i++) {
			struct cache_entry *e = &pc->e[i];

			if (!e->key)
				slot = slot ? slot : e;
			else if (!first || e->expires_us < first->expires_us)
				first = e;
		}
		if (slot && pc->bytes + len <= pc->budget)
			break;
		drop(pc, first); /* not NULL: a full table or bytes held */
	}
	slot->key = xstrdup(key);
	slot->body = xmalloc(len + 1);
	if (len)
		memcpy(slot->body, r->body.data, len);
	slot->len = len;
	pc->bytes += len;
	if (pc->gauge)
		metric_set(pc->gauge, (int64_t)pc->bytes);
	slot->content_type = r->content_type;
	slot->expires_us = time_mono_us() + (int64_t)pc->seconds * US_PER_SEC;
}

void pagecache_finish(struct pagecache *pc, const char *key, const struct web_response *r)
{
	struct flight **f, *done;

	pthread_mutex_lock(&pc->lock);
	if (r && r->status == 200)
		put(pc, key, r);
	f = flight_of(pc, key);
	done = *f;
	if (done) {
		*f = done->next;
		done->landed = true;
		if (done->waiters && r && r->status == 200) {
			done->ok = true;
			done->body = xmalloc(r->body.len + 1);
			if (r->body.len)
				memcpy(done->body, r->body.data, r->body.len);
			done->len = r->body.len;
			done->content_type = r->content_type;
		}
		if (!done->waiters)
			flight_free(done);
	}
	pthread_cond_broadcast(&pc->landed);
	pthread_mutex_unlock(&pc->lock);
}
