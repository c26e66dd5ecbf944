/* logrank.c - k-sample log-rank statistic from per-day histograms. */
#include "logrank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "gammainc.h"

/* Solves A x = b (m x m, row-major, destroyed) by Gaussian elimination with
 * partial pivoting; -1 when A is (numerically) singular. */
static int solve(double *a, double *b, size_t m)
{
	double scale = 0;

	for (size_t i = 0; i < m * m; i++)
		if (fabs(a[i]) > scale)
			scale = fabs(a[i]);
	if (scale == 0)
		return -1;
	for (size_t c = 0; c < m; c++) {
		size_t p = c;

		for (size_t r = c + 1; r < m; r++)
			if (fabs(a[r * m + c]) > fabs(a[p * m + c]))
				p = r;
		if (fabs(a[p * m + c]) <= scale * 1e-12)
			return -1;
		if (p != c) {
			for (size_t j = 0; j < m; j++) {
				double t = a[c * m + j];

				a[c * m + j] = a[p * m + j];
				a[p * m + j] = t;
			}
			double t = b[c];
			b[c] = b[p];
			b[p] = t;
		}
		for (size_t r = c + 1; r < m; r++) {
			double f = a[r * m + c] / a[c * m + c];

			for (size_t j = c; j < m; j++)
				a[r * m + j] -= f * a[c * m + j];
			b[r] -= f * b[c];
		}
	}
	for (size_t c = m; c-- > 0;) {
		double s = b[c];

		for (size_t j = c + 1; j < m; j++)
			s -= a[c * m + j] * b[j];
		b[c] = s / a[c * m + c];
	}
	return 0;
}

int logrank_counts(const uint32_t *const *events, const uint32_t *const *censored, size_t k, size_t len,
		   struct logrank *out, struct err *err)
{
	size_t *idx, g = 0, m;
	double *risk, *oe, *v, *x, total_events = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	idx = xcalloc(k ? k : 1, sizeof(*idx));
	risk = xcalloc(k ? k : 1, sizeof(*risk));
	/* Keep the groups that have subjects; at risk at the start = all. */
	for (size_t i = 0; i < k; i++) {
		double n = 0;

		for (size_t t = 0; t < len; t++)
			n += (double)events[i][t] + censored[i][t];
		if (n > 0) {
			risk[g] = n;
			idx[g++] = i;
		}
	}
	if (g < 2) {
		free(idx);
		free(risk);
		return err_set(err, "log-rank test needs two groups with data (have %zu)", g);
	}
	if (g > LOGRANK_MAX_GROUPS) {
		free(idx);
		free(risk);
		return err_set(err, "log-rank test over %zu groups is not computed (at most %d)", g,
			       LOGRANK_MAX_GROUPS);
	}
	m = g - 1;
	oe = xcalloc(g, sizeof(*oe));
	v = xcalloc(m > 0 ? m * m : 1, sizeof(*v));
	for (size_t t = 0; t < len; t++) {
		double n = 0, d = 0;

		for (size_t j = 0; j < g; j++) {
			n += risk[j];
			d += events[idx[j]][t];
		}
		if (d > 0 && n > 0) {
			double f = n > 1 ? d * (n - d) / (n * n * (n - 1)) : 0;

			total_events += d;
			for (size_t j = 0; j < g; j++)
				oe[j] += events[idx[j]][t] - d * risk[j] / n;
			for (size_t a = 0; a < m; a++)
				for (size_t b = 0; b < m; b++)
					v[a * m + b] += f * risk[a] * ((a == b ? n : 0) - risk[b]);
		}
		for (size_t j = 0; j < g; j++)
			risk[j] -= (double)events[idx[j]][t] + censored[idx[j]][t];
	}
	x = xcalloc(m, sizeof(*x));
	memcpy(x, oe, m * sizeof(*x));
	if (total_events == 0) {
		rc = err_set(err, "log-rank test: no events in any group");
	} else if (solve(v, x, m)) {
		rc = err_set(err, "log-rank test: the groups' covariance is singular");
	} else {
		double chi2 = 0;

		for (size_t a = 0; a < m; a++)
			chi2 += oe[a] * x[a];
		out->chi2 = chi2 < 0 ? 0 : chi2;
		out->df = (int)m;
		out->p = chisq_sf(out->chi2, out->df);
	}
	free(x);
	free(v);
	free(oe);
	free(idx);
	free(risk);
	return rc;
}

int logrank_test(const struct surv_obs *const *obs, const size_t *n, size_t k, struct logrank *out,
		 struct err *err)
{
	uint32_t **ev = xcalloc(k ? k : 1, sizeof(*ev)), **ce = xcalloc(k ? k : 1, sizeof(*ce));
	int32_t max = 1;
	int rc;

	for (size_t g = 0; g < k; g++)
		for (size_t i = 0; i < n[g]; i++)
			if (obs[g][i].time > max)
				max = obs[g][i].time;
	for (size_t g = 0; g < k; g++) {
		ev[g] = xcalloc((size_t)max + 1, sizeof(**ev));
		ce[g] = xcalloc((size_t)max + 1, sizeof(**ce));
		for (size_t i = 0; i < n[g]; i++) {
			int32_t t = obs[g][i].time < 1 ? 1 : obs[g][i].time;

			if (obs[g][i].event)
				ev[g][t]++;
			else
				ce[g][t]++;
		}
	}
	rc = logrank_counts((const uint32_t *const *)ev, (const uint32_t *const *)ce, k, (size_t)max + 1, out,
			    err);
	for (size_t g = 0; g < k; g++) {
		free(ev[g]);
		free(ce[g]);
	}
	free(ev);
	free(ce);
	return rc;
}
