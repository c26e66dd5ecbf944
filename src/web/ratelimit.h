/* ratelimit.h - request budgets per key (token buckets): per API token,
 * and per client address for failed logins and uncached pages (peer.h).
 *
 * Each key has a bucket of `burst` requests refilled at
 * `per_minute`; a request takes one or is refused with the seconds to wait.
 * The table has a fixed number of slots; when full, the least recently used
 * key is forgotten (it starts again with a full bucket). Thread-safe. */
#ifndef IOTMON_WEB_RATELIMIT_H
#define IOTMON_WEB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int per_minute, int burst);
/* A budget of count per window_s seconds, all of it usable at once. */
struct ratelimit *ratelimit_new_window(int count, int window_s);
void ratelimit_free(struct ratelimit *rl);
/* Takes one request of key at now_us (monotonic); false and *wait_s when
 * the bucket is empty. */
bool ratelimit_take(struct ratelimit *rl, int64_t key, int64_t now_us, int *wait_s);
/* Like ratelimit_take without taking: is one request left? */
bool ratelimit_peek(struct ratelimit *rl, int64_t key, int64_t now_us, int *wait_s);

#endif
