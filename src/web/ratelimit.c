/* ratelimit.c - see ratelimit.h. */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/xalloc.h"

#define SLOTS 1024

struct bucket {
	int64_t key; /* 0 = free */
	double tokens;
	int64_t updated_us;
};

struct ratelimit {
	pthread_mutex_t lock;
	double per_us, burst;
	struct bucket b[SLOTS];
};

static struct ratelimit *make(double per_us, double burst)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->lock, NULL);
	rl->per_us = per_us;
	rl->burst = burst;
	return rl;
}

struct ratelimit *ratelimit_new(int per_minute, int burst)
{
	return make(per_minute / 60e6, burst);
}

struct ratelimit *ratelimit_new_window(int count, int window_s)
{
	return make(count / (window_s * 1e6), count);
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* Under lock: key's bucket, refilled up to now_us. */
static struct bucket *bucket_at(struct ratelimit *rl, int64_t key, int64_t now_us)
{
	struct bucket *b = NULL, *oldest = &rl->b[0];

	for (int i = 0; i < SLOTS; i++) {
		if (rl->b[i].key == key) {
			b = &rl->b[i];
			break;
		}
		if (rl->b[i].updated_us < oldest->updated_us)
			oldest = &rl->b[i];
	}
	if (!b) {
		b = oldest;
		b->key = key;
		b->tokens = rl->burst;
		b->updated_us = now_us;
	}
	b->tokens += (double)(now_us - b->updated_us) * rl->per_us;
	if (b->tokens > rl->burst)
		b->tokens = rl->burst;
	b->updated_us = now_us;
	return b;
}

static bool use(struct ratelimit *rl, int64_t key, int64_t now_us, bool take, int *wait_s)
{
	struct bucket *b;
	bool ok;

	pthread_mutex_lock(&rl->lock);
	b = bucket_at(rl, key, now_us);
	ok = b->tokens >= 1;
	if (ok && take)
		b->tokens -= 1;
	else if (!ok && wait_s)
		*wait_s = (int)ceil((1 - b->tokens) / rl->per_us / 1e6);
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

bool ratelimit_take(struct ratelimit *rl, int64_t key, int64_t now_us, int *wait_s)
{
	return use(rl, key, now_us, true, wait_s);
}

bool ratelimit_peek(struct ratelimit *rl, int64_t key, int64_t now_us, int *wait_s)
{
	return use(rl, key, now_us, false, wait_s);
}
