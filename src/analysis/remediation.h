/* remediation.h - clean-up statistics of infection episodes per group.
 *
 * Streams the store's observations by (ip, day) into episodes
 * (episodes.h), groups them (by network, country, vendor, family,
 * notification treatment or not at all), and computes per group the
 * Kaplan–Meier curve of time to clean-up with Greenwood log-log intervals,
 * the median, the share cleaned within the horizon (1 − S(horizon)) and the
 * share reinfected within M days of clean-up, plus a log-rank test across
 * the groups.
 *
 * Treatment of an episode: the observations' own treatment column (set by
 * an import), else the assignment of its IP, else of its network ("AS<n>"),
 * provided the episode had not ended before the assignment day; otherwise
 * "unassigned", which is shown but left out of the log-rank test.
 * Reinfection: among cleaned episodes followed for at least M days after
 * their last observation (data_end − last >= M), those whose IP began a new
 * episode at most M days after that last observation. */
#ifndef IOTMON_REMEDIATION_H
#define IOTMON_REMEDIATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"
#include "logrank.h"
#include "store/store.h"
#include "survival.h"

enum remed_by { REMED_BY_NONE, REMED_BY_NETWORK, REMED_BY_COUNTRY, REMED_BY_VENDOR, REMED_BY_FAMILY, REMED_BY_TREATMENT };

struct remed_opts {
	enum remed_by by;
	int64_t gap; /* G, days, >= 1 */
	int64_t horizon; /* N, days */
	int64_t reinfection; /* M, days */
	double z; /* normal quantile of the intervals (KM_Z95) */
	/* Only observations of these UTC days (inclusive; INT64_MIN / INT64_MAX:
	 * from the data); the data is taken to end at to_day, so episodes still
	 * running then are censored. */
	int64_t from_day, to_day;
	struct progress *progress; /* NULL, or a started progress line (rows read) */
};

struct remed_group {
	char *name;
	uint64_t episodes, cleaned, censored;
	uint64_t followed, reinfected; /* reinfection, as above */
	uint64_t notified; /* episodes with a recorded notification between first and last day */
	bool in_test; /* part of the log-rank test */
	uint32_t *events, *censored_at; /* per duration day, [0, len) */
	struct km km;
	double cleaned_within_horizon; /* 1 − S(horizon) */
	int32_t median; /* -1: not reached */
};

struct remediation {
	struct remed_opts opts;
	bool has_data;
	int64_t data_start, data_end; /* days */
	uint64_t observations, episodes, out_of_order;
	struct remed_group *groups; /* sorted by name */
	size_t ngroups;
	size_t len; /* histogram length */
	bool has_logrank;
	struct logrank logrank;
	char logrank_note[ERR_MSG_MAX]; /* why there is no test */
};

void remed_opts_init(struct remed_opts *o);
/* Parses "network", "country", "vendor", "family", "treatment" or "none". */
int remed_by_parse(const char *s, enum remed_by *by);
const char *remed_by_name(enum remed_by by);

int remediation_compute(struct store *s, const struct remed_opts *o, struct remediation *out, struct err *err);
void remediation_free(struct remediation *r);

/* The caveats every rendering of the report carries, NULL-terminated. */
extern const char *const remediation_caveats[];

#endif
