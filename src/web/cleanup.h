/* cleanup.h - clean-up figures for the dashboard, from the remediation
 * analysis (episodes and Kaplan-Meier survival, src/analysis).
 *
 * The pages ask only these functions, so the analysis is wired in one
 * place. While no analysis is built in, `available` is false and the pages
 * say so instead of showing a number. */
#ifndef IOTMON_WEB_CLEANUP_H
#define IOTMON_WEB_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct cleanup_network {
	uint32_t asn;
	bool available;
	double cleaned_within_14; /* Kaplan-Meier 1 - S(14) */
	bool has_median;
	double median_days;
};

/* Fills out[i] for the n networks whose asn is set. */
int cleanup_networks(struct store *s, struct cleanup_network *out, size_t n, struct err *err);

struct cleanup_curve {
	bool available;
	size_t n;
	double *day, *survival, *lower, *upper; /* owned */
};

int cleanup_survival(struct store *s, struct cleanup_curve *c, struct err *err);
void cleanup_curve_free(struct cleanup_curve *c);

#endif
