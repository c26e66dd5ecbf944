/* episodes.h - infection episodes from observations, streaming.
 *
 * An episode is a maximal run of observation days of one IP in which
 * consecutive observation days are at most G days apart (day2 − day1 <= G;
 * with G = 1 only consecutive days join). Its length is
 * last − first + 1 days. It counts as cleaned when the data runs on for more
 * than G days past its last observation (data_end − last > G: had the IP
 * still been infected, a sighting would have started a new episode);
 * otherwise it is right-censored at data_end − first + 1 days.
 *
 * The builder takes observations ordered by (ip, day), as the store's
 * by_ip query yields them, and calls back once per finished episode, so
 * memory stays constant however many observations there are. Each episode
 * also says when the same IP's next episode began (for reinfection). */
#ifndef IOTMON_EPISODES_H
#define IOTMON_EPISODES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct episode {
	struct ipaddr ip;
	int64_t first_day, last_day;
	uint32_t days; /* observation days in the episode */
	int64_t duration; /* days: last − first + 1 if cleaned, else data_end − first + 1 */
	bool cleaned;
	bool has_next; /* the IP had a later episode, starting on next_first_day */
	int64_t next_first_day;
	/* The first known value within the episode, "" / 0 when none. */
	uint32_t asn;
	char cc[3];
	char family[EVENT_FAMILY_MAX];
	char treatment[32];
};

typedef int (*episode_cb)(const struct episode *e, void *arg);

struct episode_builder {
	int64_t gap, data_end;
	episode_cb cb;
	void *arg;
	bool have_cur;
	struct episode cur; /* the episode being extended */
	uint64_t out_of_order; /* observations that broke the (ip, day) order and were skipped */
};

/* gap >= 0 (days without a sighting bridged); data_end: the last day of the data (store_observation_span). */
void episodes_init(struct episode_builder *b, int64_t gap, int64_t data_end, episode_cb cb, void *arg);
/* Adds one observation; returns what the callback returned (non-zero stops). */
int episodes_add(struct episode_builder *b, const struct observation *o);
/* Emits the episodes still held; call once after the last observation. */
int episodes_finish(struct episode_builder *b);

/* The definition above, for one episode. */
void episode_classify(int64_t first_day, int64_t last_day, int64_t data_end, int64_t gap, int64_t *duration,
		      bool *cleaned);

#endif
