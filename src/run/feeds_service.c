/* feeds_service.c - the outbox job of `iotmon run`.
 *
 * A timer thread wakes every [feeds] interval_s: each finished UTC day of
 * the last retry_days whose clearinghouse bundle is not yet written gets its
 * outbox; then, when smtp_url is set, every day's mails not yet sent go out
 * (delivery records in the store make that idempotent). The thread opens
 * its own store connection per round, so it never holds the writer up. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/outbox.h"
#include "service.h"

struct feeds_state {
	struct outbox_config oc;
	char *db_path;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, running;
};

static bool feeds_enabled(const struct config *cfg)
{
	return config_bool(cfg, "feeds", "enabled");
}

static bool bundle_exists(const struct outbox_config *oc, int64_t day)
{
	char path[4200], d[11];
	struct stat sb;

	time_format_day(day, d);
	snprintf(path, sizeof(path), "%s/%s/clearinghouse-%s.tar.gz", oc->dir, d, d);
	return stat(path, &sb) == 0;
}

static void round_once(struct feeds_state *st)
{
	int64_t last = time_day_of(time_now_us() - st->oc.delay_minutes * 60 * US_PER_SEC) - 1;
	struct store *s;
	struct err err;
	char d[11];

	s = store_open(st->db_path, 0, &err);
	if (!s) {
		log_warn("feeds: %s", err.msg);
		return;
	}
	for (int64_t day = last - st->oc.retry_days + 1; day <= last; day++) {
		struct outbox_result res;
		struct outbox_delivery_result dr;

		time_format_day(day, d);
		if (!bundle_exists(&st->oc, day)) {
			if (outbox_write_day(s, &st->oc, day, &res, &err))
				log_warn("feeds %s: %s", d, err.msg);
			else if (res.networks)
				log_info("feeds %s: %zu networks, %zu rows, %zu files written", d, res.networks, res.rows,
					 res.files_written);
		}
		if (!*st->oc.smtp_url)
			continue;
		if (outbox_deliver_day(s, &st->oc, day, &dr, &err))
			log_warn("feeds %s: delivery: %s", d, err.msg);
		else if (dr.sent || dr.failed)
			log_info("feeds %s: %zu mails sent, %zu failed (retried later)", d, dr.sent, dr.failed);
	}
	store_close(s);
}

static void *feeds_thread(void *arg)
{
	struct feeds_state *st = arg;
	struct timespec until;

	pthread_mutex_lock(&st->mu);
	while (!st->stop) {
		pthread_mutex_unlock(&st->mu);
		round_once(st);
		pthread_mutex_lock(&st->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += st->oc.interval_s;
		while (!st->stop && pthread_cond_timedwait(&st->cv, &st->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

static void *feeds_start(const struct service_env *env, struct err *err)
{
	struct feeds_state *st = xcalloc(1, sizeof(*st));

	if (outbox_config_load(&st->oc, env->cfg, err)) {
		free(st);
		return NULL;
	}
	st->db_path = xstrdup(env->db_path);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	return st;
}

/* The thread starts only after privileges are dropped, so no outbox file
 * is ever written as root. */
static int feeds_ready(void *arg, struct err *err)
{
	struct feeds_state *st = arg;

	if (pthread_create(&st->thread, NULL, feeds_thread, st) != 0)
		return err_set(err, "feeds: cannot start a thread");
	st->running = true;
	return 0;
}

static void feeds_stop(void *arg)
{
	struct feeds_state *st = arg;

	pthread_mutex_lock(&st->mu);
	st->stop = true;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	if (st->running)
		pthread_join(st->thread, NULL);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	outbox_config_free(&st->oc);
	free(st->db_path);
	free(st);
}

const struct service feeds_service = {
	.name = "feeds",
	.enabled = feeds_enabled,
	.start = feeds_start,
	.ready = feeds_ready,
	.stop = feeds_stop,
};
