/* gammainc.h - the regularized incomplete gamma function and chi-square
 * tail probabilities, for the log-rank test's p-value.
 *
 * P(a, x) = γ(a, x) / Γ(a) and Q(a, x) = 1 − P(a, x), computed by the power
 * series for x < a + 1 and by the continued fraction (modified Lentz) for
 * x >= a + 1, each to about 1e-15 relative accuracy. */
#ifndef IOTMON_GAMMAINC_H
#define IOTMON_GAMMAINC_H

/* NAN for a <= 0, x < 0 or NaN arguments. */
double gammainc_p(double a, double x);
double gammainc_q(double a, double x);
/* P(X >= x) for X ~ chi-square with df degrees of freedom: Q(df/2, x/2). */
double chisq_sf(double x, double df);

#endif
