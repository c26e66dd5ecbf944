/* logrank.h - the k-sample log-rank test for survival curves.
 *
 * Tests whether k groups share one survival curve (Mantel–Haenszel /
 * Peto log-rank). At every time t with events, with N at risk and D events
 * in all groups together, group g contributes O_g = d_g observed and
 * E_g = D n_g / N expected events, and the hypergeometric covariance
 * V_gh = D (N−D) / (N² (N−1)) · n_g (δ_gh N − n_h). The statistic is
 * (O−E)ᵀ V⁻¹ (O−E) over the first k−1 groups, chi-square with k−1 degrees
 * of freedom under the null; p = Q((k−1)/2, χ²/2). Groups without subjects
 * are left out (and do not count in k). */
#ifndef IOTMON_LOGRANK_H
#define IOTMON_LOGRANK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "survival.h"

/* Above this many groups the covariance matrix gets large; callers report
 * no test instead. */
#define LOGRANK_MAX_GROUPS 256

struct logrank {
	double chi2;
	int df;
	double p;
};

/* events[g][t] and censored[g][t] for t < len, g < k (histograms of the
 * same length). Returns -1 (err) when fewer than two groups have subjects,
 * when there is no event, or when the covariance is singular. */
int logrank_counts(const uint32_t *const *events, const uint32_t *const *censored, size_t k, size_t len,
		   struct logrank *out, struct err *err);
/* The same from per-group observations. */
int logrank_test(const struct surv_obs *const *obs, const size_t *n, size_t k, struct logrank *out,
		 struct err *err);

#endif
