/* cleanup.h - clean-up figures for the dashboard, from the remediation
 * analysis (src/analysis/remediation.h: episodes with a gap of 7 days,
 * Kaplan-Meier survival, horizon 14 days, as `iotmon report remediation`
 * computes them by default).
 *
 * The pages ask only these functions, so the analysis is wired in one
 * place. Figures cover all stored observations, not the page's period: an
 * infection's clean-up is only known after it has ended. */
#ifndef IOTMON_WEB_CLEANUP_H
#define IOTMON_WEB_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define CLEANUP_HORIZON_DAYS 14

struct cleanup_network {
	uint32_t asn; /* set by the caller */
	bool available; /* false: no episodes of this network */
	uint64_t episodes;
	double cleaned_within_14; /* Kaplan-Meier 1 - S(14) */
	bool has_median;
	double median_days; /* smallest d with S(d) <= 0.5 */
};

/* Fills out[i] for the n networks whose asn is set. */
int cleanup_networks(struct store *s, struct cleanup_network *out, size_t n, struct err *err);

/* The survival curve of all infections, as a step function from day 0. */
struct cleanup_curve {
	bool available; /* false: no observations */
	uint64_t episodes, cleaned, censored;
	double cleaned_within_14;
	int32_t median; /* -1: not reached */
	size_t n;
	double *day, *survival, *lower, *upper; /* owned */
};

int cleanup_survival(struct store *s, struct cleanup_curve *c, struct err *err);
/* The same for the infections of one network (the portal). */
int cleanup_network_curve(struct store *s, uint32_t asn, struct cleanup_curve *c, struct err *err);
void cleanup_curve_free(struct cleanup_curve *c);

#endif
