/* connguard.c - see connguard.h.
 *
 * Open connections sit in a list and their prefixes in a small table of
 * counts; both are scanned linearly (at most max_total entries, a few
 * microseconds). A connection's file descriptor stays valid while it is in
 * the list: the server removes it (connguard_close) before libmicrohttpd
 * closes the socket, and the reaper calls shutdown(2) under the same lock. */
#include "connguard.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/peer.h"

#define REAP_INTERVAL_MS 250

struct guarded_conn {
	struct guarded_conn *prev, *next;
	struct ipaddr prefix;
	int fd;
	int64_t deadline_us; /* INT64_MAX: already shut down */
};

struct prefix_count {
	struct ipaddr prefix;
	int n;
};

struct connguard {
	struct connguard_limits lim;
	pthread_mutex_t lock;
	struct guarded_conn *head;
	int open;
	struct prefix_count *pc; /* one per prefix with an open connection */
	int npc;
	uint64_t refused, reaped;
	/* reaper */
	bool has_reaper, stop;
	pthread_t reaper;
	pthread_cond_t wake;
};

static struct prefix_count *find_prefix(struct connguard *g, const struct ipaddr *p)
{
	for (int i = 0; i < g->npc; i++)
		if (ipaddr_equal(&g->pc[i].prefix, p))
			return &g->pc[i];
	return NULL;
}

/* Under lock: may one more connection of a prefix holding `held` open? */
static bool admissible(const struct connguard *g, const struct prefix_count *held)
{
	int n = held ? held->n : 0;

	if (g->open >= g->lim.max_total || n >= g->lim.max_per_prefix)
		return false;
	/* The last quarter is for prefixes holding few connections. */
	if (n >= CONNGUARD_LIGHT && 4 * g->open >= 3 * g->lim.max_total)
		return false;
	return true;
}

bool connguard_admit(struct connguard *g, const struct ipaddr *a)
{
	struct ipaddr p;
	bool ok;

	peer_prefix(a, &p);
	pthread_mutex_lock(&g->lock);
	ok = admissible(g, find_prefix(g, &p));
	if (!ok)
		g->refused++;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

struct guarded_conn *connguard_open(struct connguard *g, const struct ipaddr *a, int fd, int64_t now_us)
{
	struct guarded_conn *c = NULL;
	struct prefix_count *pc;
	struct ipaddr p;

	peer_prefix(a, &p);
	pthread_mutex_lock(&g->lock);
	pc = find_prefix(g, &p);
	if (!admissible(g, pc)) {
		g->refused++;
		goto out;
	}
	if (!pc) {
		pc = &g->pc[g->npc++]; /* npc <= open < max_total: room */
		pc->prefix = p;
		pc->n = 0;
	}
	pc->n++;
	c = xcalloc(1, sizeof(*c));
	c->prefix = p;
	c->fd = fd;
	c->deadline_us = now_us + (int64_t)g->lim.request_s * US_PER_SEC;
	c->next = g->head;
	if (g->head)
		g->head->prev = c;
	g->head = c;
	g->open++;
out:
	pthread_mutex_unlock(&g->lock);
	return c;
}

void connguard_close(struct connguard *g, struct guarded_conn *c)
{
	struct prefix_count *pc;

	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	g->open--;
	pc = find_prefix(g, &c->prefix);
	if (pc && --pc->n == 0)
		*pc = g->pc[--g->npc];
	pthread_mutex_unlock(&g->lock);
	free(c);
}

static void set_deadline(struct connguard *g, struct guarded_conn *c, int64_t deadline_us)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->deadline_us != INT64_MAX)
		c->deadline_us = deadline_us;
	pthread_mutex_unlock(&g->lock);
}

void connguard_answering(struct connguard *g, struct guarded_conn *c, int64_t now_us)
{
	set_deadline(g, c, now_us + (int64_t)g->lim.response_s * US_PER_SEC);
}

void connguard_waiting(struct connguard *g, struct guarded_conn *c, int64_t now_us)
{
	set_deadline(g, c, now_us + (int64_t)g->lim.request_s * US_PER_SEC);
}

int connguard_reap(struct connguard *g, int64_t now_us)
{
	int n = 0;

	pthread_mutex_lock(&g->lock);
	for (struct guarded_conn *c = g->head; c; c = c->next) {
		if (c->deadline_us > now_us)
			continue;
		shutdown(c->fd, SHUT_RDWR);
		c->deadline_us = INT64_MAX;
		n++;
	}
	g->reaped += (uint64_t)n;
	pthread_mutex_unlock(&g->lock);
	if (n)
		metrics_count("iotmon_web_refused_total", "reason=\"deadline\"",
			      "web connections or requests refused by a limit, by limit", n);
	return n;
}

void connguard_stats(struct connguard *g, struct connguard_stats *out)
{
	pthread_mutex_lock(&g->lock);
	out->open = g->open;
	out->prefixes = g->npc;
	out->refused = g->refused;
	out->reaped = g->reaped;
	pthread_mutex_unlock(&g->lock);
}

static void *reaper_main(void *arg)
{
	struct connguard *g = arg;
	struct timespec ts;

	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += REAP_INTERVAL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &ts);
		if (g->stop)
			break;
		pthread_mutex_unlock(&g->lock);
		connguard_reap(g, time_mono_us());
		pthread_mutex_lock(&g->lock);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct connguard *connguard_new(const struct connguard_limits *lim, bool reaper, struct err *err)
{
	struct connguard *g = xcalloc(1, sizeof(*g));
	pthread_condattr_t ca;

	g->lim = *lim;
	g->pc = xcalloc((size_t)lim->max_total + 1, sizeof(*g->pc));
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (reaper) {
		int rc = pthread_create(&g->reaper, NULL, reaper_main, g);

		if (rc) {
			err_set(err, "cannot start the connection reaper: %s", strerror(rc));
			connguard_free(g);
			return NULL;
		}
		g->has_reaper = true;
	}
	return g;
}

void connguard_free(struct connguard *g)
{
	if (!g)
		return;
	if (g->has_reaper) {
		pthread_mutex_lock(&g->lock);
		g->stop = true;
		pthread_cond_signal(&g->wake);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->reaper, NULL);
	}
	while (g->head)
		connguard_close(g, g->head);
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g->pc);
	free(g);
}
