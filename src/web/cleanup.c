/* cleanup.c - see cleanup.h. */
#include "cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/remediation.h"
#include "core/xalloc.h"

static int compute(struct store *s, enum remed_by by, struct remediation *r, struct err *err)
{
	struct remed_opts o;

	remed_opts_init(&o);
	o.by = by;
	o.horizon = CLEANUP_HORIZON_DAYS;
	return remediation_compute(s, &o, r, err);
}

int cleanup_networks(struct store *s, struct cleanup_network *out, size_t n, struct err *err)
{
	struct remediation r;

	for (size_t i = 0; i < n; i++)
		out[i].available = false;
	if (compute(s, REMED_BY_NETWORK, &r, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "AS%u", out[i].asn);
		for (size_t g = 0; out[i].asn && g < r.ngroups; g++) {
			const struct remed_group *grp = &r.groups[g];

			if (strcmp(grp->name, name) != 0 || grp->episodes == 0)
				continue;
			out[i].available = true;
			out[i].episodes = grp->episodes;
			out[i].cleaned_within_14 = grp->cleaned_within_horizon;
			out[i].has_median = grp->median >= 0;
			out[i].median_days = grp->median;
			break;
		}
	}
	remediation_free(&r);
	return 0;
}

/* Copies group g's figures and Kaplan-Meier steps into c. */
static void curve_of(const struct remed_group *g, struct cleanup_curve *c)
{
	c->available = true;
	c->episodes = g->episodes;
	c->cleaned = g->cleaned;
	c->censored = g->censored;
	c->cleaned_within_14 = g->cleaned_within_horizon;
	c->median = g->median;
	/* Day 0 at 1, then each event day of the Kaplan-Meier table. */
	c->n = g->km.n + 1;
	c->day = xcalloc(c->n, sizeof(double));
	c->survival = xcalloc(c->n, sizeof(double));
	c->lower = xcalloc(c->n, sizeof(double));
	c->upper = xcalloc(c->n, sizeof(double));
	c->survival[0] = c->lower[0] = c->upper[0] = 1;
	for (size_t i = 0; i < g->km.n; i++) {
		c->day[i + 1] = g->km.rows[i].day;
		c->survival[i + 1] = g->km.rows[i].survival;
		c->lower[i + 1] = g->km.rows[i].lower;
		c->upper[i + 1] = g->km.rows[i].upper;
	}
}

int cleanup_survival(struct store *s, struct cleanup_curve *c, struct err *err)
{
	struct remediation r;

	memset(c, 0, sizeof(*c));
	if (compute(s, REMED_BY_NONE, &r, err))
		return -1;
	if (r.has_data && r.ngroups > 0 && r.groups[0].episodes > 0)
		curve_of(&r.groups[0], c);
	remediation_free(&r);
	return 0;
}

int cleanup_network_curve(struct store *s, uint32_t asn, struct cleanup_curve *c, struct err *err)
{
	struct remediation r;
	char name[16];

	memset(c, 0, sizeof(*c));
	if (compute(s, REMED_BY_NETWORK, &r, err))
		return -1;
	snprintf(name, sizeof(name), "AS%u", asn);
	for (size_t g = 0; g < r.ngroups; g++)
		if (strcmp(r.groups[g].name, name) == 0 && r.groups[g].episodes > 0)
			curve_of(&r.groups[g], c);
	remediation_free(&r);
	return 0;
}

void cleanup_curve_free(struct cleanup_curve *c)
{
	free(c->day);
	free(c->survival);
	free(c->lower);
	free(c->upper);
	memset(c, 0, sizeof(*c));
}
