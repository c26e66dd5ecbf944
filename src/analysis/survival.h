/* survival.h - Kaplan–Meier survival with Greenwood confidence intervals.
 *
 * Input is one (time, event) pair per subject: time in whole days (>= 1),
 * event true when the end was observed (an infection cleaned), false when
 * the subject was right-censored at that time. Ties are handled the usual
 * way: at a time t every subject with time >= t is at risk, all events at t
 * count together, and subjects censored at t are still at risk at t (they
 * leave after it).
 *
 * Confidence intervals use Greenwood's variance with the log-log transform
 * (Kalbfleisch & Prentice; R's survfit conf.type = "log-log"): with
 * v = sum d/(n(n-d)) over event times <= t and se = sqrt(v) / |ln S|,
 * the bounds are S^exp(+z se) (lower) and S^exp(-z se) (upper). Unlike the
 * plain interval S ± z S sqrt(v) they stay inside [0, 1]. Where S reaches 0
 * both bounds are 0; where S is 1 both are 1. */
#ifndef IOTMON_SURVIVAL_H
#define IOTMON_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct surv_obs {
	int32_t time; /* days, >= 1 */
	bool event; /* true: ended (cleaned); false: censored */
};

/* One row of the Kaplan–Meier table, at a time with at least one event. */
struct km_row {
	int32_t day;
	uint32_t at_risk, events, censored; /* censored: subjects censored at this day */
	double survival, lower, upper;
	double greenwood; /* v = sum d/(n(n-d)) up to here (variance of S is S^2 v) */
};

struct km {
	struct km_row *rows; /* event times, ascending */
	size_t n;
	uint64_t subjects, events, censored;
};

#define KM_Z95 1.959963984540054

/* Estimates the curve from n observations (any order); z is the normal
 * quantile of the interval (KM_Z95 for 95 %). Times < 1 count as 1. Returns
 * 0; out->rows is NULL when there is no event. */
int km_estimate(const struct surv_obs *obs, size_t n, double z, struct km *out);
/* The same from a histogram: events[t] and censored[t] for t in [0, len). */
int km_from_counts(const uint32_t *events, const uint32_t *censored, size_t len, double z, struct km *out);
void km_free(struct km *km);

/* S(t): the estimate at day t (1 before the first event). */
double km_survival_at(const struct km *km, int32_t t);
/* The smallest day d with S(d) <= 0.5, or -1 when the curve stays above. */
int32_t km_median(const struct km *km);

/* The log-log Greenwood bounds of one S with its Greenwood sum v. */
void km_loglog_ci(double s, double v, double z, double *lower, double *upper);

#endif
