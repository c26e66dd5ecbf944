/* survival.c - Kaplan–Meier product-limit estimate from day counts.
 *
 * Times are whole days, so the estimate is built from a histogram of
 * events and censorings per day: O(n + longest time), no sorting, which
 * keeps a report over millions of episodes linear. */
#include "survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Products like 3/4 * 2/3 land a rounding error away from 0.5; the median
 * test allows for it. */
#define KM_EPS 1e-12

void km_loglog_ci(double s, double v, double z, double *lower, double *upper)
{
	double ls, se;

	if (s <= 0) {
		*lower = *upper = 0;
		return;
	}
	if (s >= 1 || !isfinite(v)) {
		*lower = s >= 1 ? 1 : 0;
		*upper = 1;
		return;
	}
	ls = log(s);
	se = sqrt(v) / fabs(ls);
	*lower = pow(s, exp(z * se));
	*upper = pow(s, exp(-z * se));
}

int km_from_counts(const uint32_t *events, const uint32_t *censored, size_t len, double z, struct km *out)
{
	uint64_t at_risk = 0;
	size_t nrows = 0, cap = 0;
	double s = 1, v = 0;

	memset(out, 0, sizeof(*out));
	for (size_t t = 0; t < len; t++) {
		at_risk += (uint64_t)events[t] + censored[t];
		out->events += events[t];
		out->censored += censored[t];
		if (events[t])
			cap++;
	}
	out->subjects = at_risk;
	if (cap)
		out->rows = xcalloc(cap, sizeof(*out->rows));
	for (size_t t = 0; t < len; t++) {
		uint64_t d = events[t];

		if (d) {
			struct km_row *r = &out->rows[nrows++];

			s *= (double)(at_risk - d) / (double)at_risk;
			/* n == d drives S to 0, where the variance term is
			 * undefined and no longer needed. */
			v = at_risk > d ? v + (double)d / ((double)at_risk * (double)(at_risk - d)) : INFINITY;
			r->day = (int32_t)t;
			r->at_risk = (uint32_t)at_risk;
			r->events = (uint32_t)d;
			r->censored = censored[t];
			r->survival = s;
			r->greenwood = v;
			km_loglog_ci(s, v, z, &r->lower, &r->upper);
		}
		at_risk -= d + censored[t];
	}
	out->n = nrows;
	return 0;
}

int km_estimate(const struct surv_obs *obs, size_t n, double z, struct km *out)
{
	int32_t max = 1;
	uint32_t *ev, *ce;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (obs[i].time > max)
			max = obs[i].time;
	ev = xcalloc((size_t)max + 1, sizeof(*ev));
	ce = xcalloc((size_t)max + 1, sizeof(*ce));
	for (size_t i = 0; i < n; i++) {
		int32_t t = obs[i].time < 1 ? 1 : obs[i].time;

		if (obs[i].event)
			ev[t]++;
		else
			ce[t]++;
	}
	rc = km_from_counts(ev, ce, (size_t)max + 1, z, out);
	free(ev);
	free(ce);
	return rc;
}

void km_free(struct km *km)
{
	free(km->rows);
	memset(km, 0, sizeof(*km));
}

double km_survival_at(const struct km *km, int32_t t)
{
	double s = 1;

	for (size_t i = 0; i < km->n && km->rows[i].day <= t; i++)
		s = km->rows[i].survival;
	return s;
}

int32_t km_median(const struct km *km)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->rows[i].survival <= 0.5 + KM_EPS)
			return km->rows[i].day;
	return -1;
}
