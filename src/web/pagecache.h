/* pagecache.h - the public pages' cache: copies of 200 answers under a
 * canonical key, for cache_seconds, within 64 entries and a byte budget;
 * and a single flight per key: while one request computes a page, the
 * others asking for the same key wait for it instead of computing it too.
 *
 *   if (pagecache_lookup(pc, key, r) == PAGECACHE_MISS) {
 *           ...compute r...
 *           pagecache_finish(pc, key, r);   (always, even on error)
 *   }
 *
 * The waiters get the computed page even when it is too big to keep.
 * Errors are not kept nor shared: after a failed computation the next
 * waiter computes in turn. */
#ifndef IOTMON_WEB_PAGECACHE_H
#define IOTMON_WEB_PAGECACHE_H

#include <stddef.h>

#include "core/metrics.h"
#include "web/handler.h"

struct pagecache;

/* gauge (may be NULL) is set to the bytes held. */
struct pagecache *pagecache_new(int seconds, size_t max_bytes, struct metric *gauge);
void pagecache_free(struct pagecache *pc);

enum pagecache_result {
	PAGECACHE_HIT, /* r holds the page (status 200, body, content type) */
	PAGECACHE_MISS /* the caller computes key and must call pagecache_finish */
};

/* Waits while another caller computes key. */
enum pagecache_result pagecache_lookup(struct pagecache *pc, const char *key, struct web_response *r);
/* Ends the caller's computation of key: keeps r when its status is 200
 * (r NULL: nothing to keep) and wakes the waiters. */
void pagecache_finish(struct pagecache *pc, const char *key, const struct web_response *r);

#endif
