/* Unit tests for the page cache: 32 threads asking for one uncached page
 * compute it once (single flight) and all get it; a failed computation is
 * not kept, so the next caller computes again; other keys do not wait. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "web/pagecache.h"

#define NTHREADS 32

struct asker {
	struct pagecache *pc;
	const char *key;
	int status; /* what a computation answers */
	atomic_int *computations;
	pthread_barrier_t *start;
	int got_status;
	char body[32];
};

/* One request: from the cache, or computed (slowly, so the others arrive
 * while it runs). */
static void *ask(void *arg)
{
	struct asker *a = arg;
	struct web_response r = {0};

	strbuf_init(&r.body, 0);
	pthread_barrier_wait(a->start);
	if (pagecache_lookup(a->pc, a->key, &r) == PAGECACHE_MISS) {
		atomic_fetch_add(a->computations, 1);
		usleep(a->status == 200 ? 100 * 1000 : 10 * 1000);
		r.status = a->status;
		r.content_type = "text/html";
		strbuf_puts(&r.body, a->status == 200 ? "page" : "error");
		pagecache_finish(a->pc, a->key, &r);
	}
	a->got_status = r.status;
	snprintf(a->body, sizeof(a->body), "%s", r.body.data ? r.body.data : "");
	strbuf_free(&r.body);
	return NULL;
}

static int burst(struct pagecache *pc, const char *key, int status, struct asker *as)
{
	pthread_t t[NTHREADS];
	atomic_int computations = 0;
	pthread_barrier_t start;

	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		as[i] = (struct asker){.pc = pc, .key = key, .status = status, .computations = &computations,
				       .start = &start};
		assert_int_equal(pthread_create(&t[i], NULL, ask, &as[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	return atomic_load(&computations);
}

static void test_single_flight(void **state)
{
	struct pagecache *pc = pagecache_new(60, 1 << 20, NULL);
	struct asker as[NTHREADS];

	(void)state;
	assert_int_equal(burst(pc, "/networks?period=all", 200, as), 1);
	for (int i = 0; i < NTHREADS; i++) {
		assert_int_equal(as[i].got_status, 200);
		assert_string_equal(as[i].body, "page");
	}
	/* and later callers are served the copy */
	assert_int_equal(burst(pc, "/networks?period=all", 200, as), 0);
	pagecache_free(pc);
}

static void test_errors_not_kept(void **state)
{
	struct pagecache *pc = pagecache_new(60, 1 << 20, NULL);
	struct asker as[NTHREADS];
	struct web_response r = {0};
	int n;

	(void)state;
	/* each failure is computed by one caller at a time, never kept */
	n = burst(pc, "/families", 500, as);
	assert_int_equal(n, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(as[i].got_status, 500);
	strbuf_init(&r.body, 0);
	assert_int_equal(pagecache_lookup(pc, "/families", &r), PAGECACHE_MISS);
	/* while this flight is open, another key is not held up */
	assert_int_equal(burst(pc, "/countries", 200, as), 1);
	pagecache_finish(pc, "/families", NULL);
	strbuf_free(&r.body);
	pagecache_free(pc);
}

static void test_too_big_to_keep(void **state)
{
	struct pagecache *small = pagecache_new(60, 16, NULL); /* a 4-byte page is over a quarter */
	struct asker as[NTHREADS];

	(void)state;
	/* not kept, yet one computation serves the callers waiting for it */
	assert_true(burst(small, "/", 200, as) <= 4); /* 1 unless a thread is 100 ms late */
	for (int i = 0; i < NTHREADS; i++)
		assert_string_equal(as[i].body, "page");
	pagecache_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_flight),
		cmocka_unit_test(test_errors_not_kept),
		cmocka_unit_test(test_too_big_to_keep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
