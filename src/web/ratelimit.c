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

struct ratelimit *ratelimit_new(int per_minute, int burst)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->lock, NULL);
	rl->per_us = per_minute / 60e6;
	rl->burst = burst;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

bool ratelimit_take(struct ratelimit *rl, int64_t key, int64_t now_us, int *wait_s)
{
	struct bucket *b = NULL, *oldest = &rl->b[0];
	bool ok;

	pthread_mutex_lock(&rl->lock);
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
	ok = b->tokens >= 1;
	if (ok)
		b->tokens -= 1;
	else
		*wait_s = (int)ceil((1 - b->tokens) / rl->per_us / 1e6);
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
