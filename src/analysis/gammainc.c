/* gammainc.c - regularized incomplete gamma by series and continued fraction. */
#include "gammainc.h"

#include <float.h>
#include <math.h>

#define GI_EPS 1e-16
#define GI_ITMAX 10000
#define GI_TINY 1e-300

/* P(a, x) by the series e^-x x^a / Γ(a+1) * sum x^n / ((a+1)...(a+n)). */
static double series_p(double a, double x)
{
	double ap = a, sum = 1.0 / a, del = sum;

	for (int n = 0; n < GI_ITMAX; n++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (fabs(del) < fabs(sum) * GI_EPS)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Q(a, x) by the continued fraction for Γ(a, x), evaluated with Lentz's
 * method. */
static double contfrac_q(double a, double x)
{
	double b = x + 1 - a, c = 1 / GI_TINY, d = 1 / b, h = d;

	for (int i = 1; i < GI_ITMAX; i++) {
		double an = -i * (i - a), del;

		b += 2;
		d = an * d + b;
		if (fabs(d) < GI_TINY)
			d = GI_TINY;
		c = b + an / c;
		if (fabs(c) < GI_TINY)
			c = GI_TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < GI_EPS)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double gammainc_p(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0 || x < 0)
		return NAN;
	if (x == 0)
		return 0;
	if (isinf(x))
		return 1;
	return x < a + 1 ? series_p(a, x) : 1 - contfrac_q(a, x);
}

double gammainc_q(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0 || x < 0)
		return NAN;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	return x < a + 1 ? 1 - series_p(a, x) : contfrac_q(a, x);
}

double chisq_sf(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (x <= 0)
		return 1;
	return gammainc_q(df / 2, x / 2);
}
