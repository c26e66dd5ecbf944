/* remediation.c - episodes into per-group survival statistics. */
#include "remediation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "episodes.h"
#include "strmap.h"

const char *const remediation_caveats[] = {
	"Dynamic IP addresses: an address is not a device. When a provider reassigns addresses, an infected "
	"device moves to a new address and its old episode looks cleaned (clean-up overestimated, reinfection "
	"underestimated); a recycled address can join two devices into one episode.",
	"Sensor coverage: a device is only seen when it hits our sensors. Gaps in coverage (sensor downtime, "
	"scanning that avoids our address space, a device that goes quiet) end or split episodes; gaps up to "
	"the configured gap are bridged, longer ones look like clean-up and reinfection.",
	"Censoring: episodes still active within the gap of the end of the data are censored, not cleaned; "
	"estimates beyond the longest follow-up are not defined.",
	NULL,
};

void remed_opts_init(struct remed_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->by = REMED_BY_NONE;
	o->gap = 7;
	o->horizon = 14;
	o->reinfection = 30;
	o->z = KM_Z95;
	o->from_day = INT64_MIN;
	o->to_day = INT64_MAX;
}

static const char *const by_names[] = {"none", "network", "country", "vendor", "family", "treatment"};

int remed_by_parse(const char *s, enum remed_by *by)
{
	for (size_t i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
		if (strcmp(s, by_names[i]) == 0) {
			*by = (enum remed_by)i;
			return 0;
		}
	return -1;
}

const char *remed_by_name(enum remed_by by)
{
	return by_names[by];
}

struct assigned {
	char group[32];
	int64_t day;
};

struct notified_days {
	int64_t *days; /* ascending */
	size_t n, cap;
};

struct ctx {
	struct remediation *r;
	struct store *store;
	struct episode_builder b;
	struct strmap groups; /* name -> index in r->groups */
	size_t cap;
	struct strmap units; /* treatment unit -> index in assigned */
	struct assigned *assigned;
	size_t nassigned, capassigned;
	struct strmap notif; /* ip text -> index in days */
	struct notified_days *days;
	size_t ndays, capdays;
	/* the last vendor lookup: episodes of one IP come together */
	struct ipaddr vendor_ip;
	char vendor[64];
	struct err *err;
	int failed;
};

static struct remed_group *group_for(struct ctx *c, const char *name)
{
	struct remediation *r = c->r;
	size_t i = strmap_get(&c->groups, name);

	if (i != STRMAP_NONE)
		return &r->groups[i];
	if (r->ngroups == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		r->groups = xrealloc(r->groups, c->cap * sizeof(*r->groups));
	}
	i = r->ngroups++;
	memset(&r->groups[i], 0, sizeof(r->groups[i]));
	r->groups[i].name = xstrdup(name);
	r->groups[i].events = xcalloc(r->len, sizeof(uint32_t));
	r->groups[i].censored_at = xcalloc(r->len, sizeof(uint32_t));
	r->groups[i].median = -1;
	strmap_put(&c->groups, name, i);
	return &r->groups[i];
}

static const char *treatment_of(struct ctx *c, const struct episode *e, char *buf, size_t size)
{
	char key[IPADDR_STRLEN + 16];
	size_t i;

	if (e->treatment[0])
		return e->treatment;
	ipaddr_format(&e->ip, key);
	i = strmap_get(&c->units, key);
	if (i == STRMAP_NONE && e->asn) {
		snprintf(key, sizeof(key), "AS%u", e->asn);
		i = strmap_get(&c->units, key);
	}
	if (i != STRMAP_NONE && e->last_day >= c->assigned[i].day) {
		snprintf(buf, size, "%s", c->assigned[i].group);
		return buf;
	}
	return "unassigned";
}

static const char *vendor_of(struct ctx *c, const struct episode *e)
{
	struct device d;
	bool found = false;

	if (ipaddr_equal(&c->vendor_ip, &e->ip))
		return c->vendor;
	c->vendor_ip = e->ip;
	snprintf(c->vendor, sizeof(c->vendor), "unknown");
	if (store_get_device(c->store, &e->ip, &d, &found, c->err)) {
		c->failed = 1;
		return c->vendor;
	}
	if (found && d.vendor[0])
		snprintf(c->vendor, sizeof(c->vendor), "%s", d.vendor);
	free(d.evidence);
	return c->vendor;
}

static const char *group_name(struct ctx *c, const struct episode *e, char *buf, size_t size)
{
	switch (c->r->opts.by) {
	case REMED_BY_NETWORK:
		if (!e->asn)
			return "unknown";
		snprintf(buf, size, "AS%u", e->asn);
		return buf;
	case REMED_BY_COUNTRY:
		return e->cc[0] ? e->cc : "unknown";
	case REMED_BY_FAMILY:
		return e->family[0] ? e->family : "unknown";
	case REMED_BY_VENDOR:
		return vendor_of(c, e);
	case REMED_BY_TREATMENT:
		return treatment_of(c, e, buf, size);
	case REMED_BY_NONE:
		break;
	}
	return "all";
}

static bool was_notified(struct ctx *c, const struct episode *e)
{
	char ip[IPADDR_STRLEN];
	size_t i;

	if (!c->ndays)
		return false;
	ipaddr_format(&e->ip, ip);
	i = strmap_get(&c->notif, ip);
	if (i == STRMAP_NONE)
		return false;
	for (size_t j = 0; j < c->days[i].n; j++)
		if (c->days[i].days[j] >= e->first_day && c->days[i].days[j] <= e->last_day)
			return true;
	return false;
}

static int on_episode(const struct episode *e, void *arg)
{
	struct ctx *c = arg;
	struct remediation *r = c->r;
	char buf[64];
	struct remed_group *g = group_for(c, group_name(c, e, buf, sizeof(buf)));
	size_t t = (size_t)e->duration;

	if (c->failed)
		return -1;
	if (t >= r->len)
		t = r->len - 1; /* cannot happen with a correct span; stay in bounds */
	r->episodes++;
	g->episodes++;
	if (e->cleaned) {
		g->cleaned++;
		g->events[t]++;
		if (r->data_end - e->last_day >= r->opts.reinfection) {
			g->followed++;
			if (e->has_next && e->next_first_day - e->last_day <= r->opts.reinfection)
				g->reinfected++;
		}
	} else {
		g->censored++;
		g->censored_at[t]++;
	}
	if (was_notified(c, e))
		g->notified++;
	return 0;
}

static int on_observation(const struct observation *o, void *arg)
{
	struct ctx *c = arg;

	if ((++c->r->observations & 0xffff) == 0 && c->r->opts.progress)
		progress_update(c->r->opts.progress, 0, c->r->observations);
	return episodes_add(&c->b, o);
}

static int on_treatment(const struct treatment *t, void *arg)
{
	struct ctx *c = arg;

	if (c->nassigned == c->capassigned) {
		c->capassigned = c->capassigned ? c->capassigned * 2 : 64;
		c->assigned = xrealloc(c->assigned, c->capassigned * sizeof(*c->assigned));
	}
	snprintf(c->assigned[c->nassigned].group, sizeof(c->assigned[0].group), "%s", t->group);
	c->assigned[c->nassigned].day = t->day;
	strmap_put(&c->units, t->unit, c->nassigned++);
	return 0;
}

static int on_notification(const struct notification *n, void *arg)
{
	struct ctx *c = arg;
	char ip[IPADDR_STRLEN];
	size_t i;
	struct notified_days *d;

	ipaddr_format(&n->ip, ip);
	i = strmap_get(&c->notif, ip);
	if (i == STRMAP_NONE) {
		if (c->ndays == c->capdays) {
			c->capdays = c->capdays ? c->capdays * 2 : 64;
			c->days = xrealloc(c->days, c->capdays * sizeof(*c->days));
		}
		i = c->ndays++;
		memset(&c->days[i], 0, sizeof(c->days[i]));
		strmap_put(&c->notif, ip, i);
	}
	d = &c->days[i];
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->days = xrealloc(d->days, d->cap * sizeof(*d->days));
	}
	d->days[d->n++] = n->day;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct remed_group *)a)->name, ((const struct remed_group *)b)->name);
}

static void finish_groups(struct remediation *r)
{
	const uint32_t **ev, **ce;
	size_t k = 0;
	struct err err;

	if (r->ngroups > 1) /* groups is NULL when there are none */
		qsort(r->groups, r->ngroups, sizeof(*r->groups), by_name);
	ev = xcalloc(r->ngroups + 1, sizeof(*ev));
	ce = xcalloc(r->ngroups + 1, sizeof(*ce));
	for (size_t i = 0; i < r->ngroups; i++) {
		struct remed_group *g = &r->groups[i];
		int64_t h = r->opts.horizon;

		km_from_counts(g->events, g->censored_at, r->len, r->opts.z, &g->km);
		g->median = km_median(&g->km);
		g->cleaned_within_horizon = 1 - km_survival_at(&g->km, h > INT32_MAX ? INT32_MAX : (int32_t)h);
		g->in_test = !(r->opts.by == REMED_BY_TREATMENT && strcmp(g->name, "unassigned") == 0);
		if (g->in_test) {
			ev[k] = g->events;
			ce[k++] = g->censored_at;
		}
	}
	if (logrank_counts(ev, ce, k, r->len, &r->logrank, &err) == 0)
		r->has_logrank = true;
	else
		snprintf(r->logrank_note, sizeof(r->logrank_note), "%s", err.msg);
	free(ev);
	free(ce);
}

int remediation_compute(struct store *s, const struct remed_opts *o, struct remediation *out, struct err *err)
{
	struct ctx c;
	struct obs_filter f;
	int rc;

	memset(out, 0, sizeof(*out));
	out->opts = *o;
	if (out->opts.gap < 0)
		out->opts.gap = 0;
	if (store_observation_span(s, &out->data_start, &out->data_end, &out->has_data, err))
		return -1;
	if (out->data_start < o->from_day)
		out->data_start = o->from_day;
	if (out->data_end > o->to_day)
		out->data_end = o->to_day;
	if (out->data_start > out->data_end)
		out->has_data = false;
	if (!out->has_data) {
		snprintf(out->logrank_note, sizeof(out->logrank_note), "no observations");
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.r = out;
	c.store = s;
	c.err = err;
	strmap_init(&c.groups);
	strmap_init(&c.units);
	strmap_init(&c.notif);
	out->len = (size_t)(out->data_end - out->data_start) + 2;
	rc = 0;
	if (o->by == REMED_BY_TREATMENT)
		rc = store_query_treatments(s, on_treatment, &c, err);
	if (!rc)
		rc = store_query_notifications(s, on_notification, &c, err);
	if (!rc) {
		episodes_init(&c.b, out->opts.gap, out->data_end, on_episode, &c);
		obs_filter_init(&f);
		f.day_from = out->data_start;
		f.day_to = out->data_end;
		f.by_ip = true;
		f.episode_fields = true;
		rc = store_query_observations(s, &f, on_observation, &c, err);
		if (!rc)
			rc = episodes_finish(&c.b);
		out->out_of_order = c.b.out_of_order;
		if (rc && !c.failed && rc != -1)
			err_set(err, "episode building stopped");
	}
	if (!rc)
		finish_groups(out);
	strmap_free(&c.groups);
	strmap_free(&c.units);
	strmap_free(&c.notif);
	for (size_t i = 0; i < c.ndays; i++)
		free(c.days[i].days);
	free(c.days);
	free(c.assigned);
	return rc ? -1 : 0;
}

void remediation_free(struct remediation *r)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		free(r->groups[i].name);
		free(r->groups[i].events);
		free(r->groups[i].censored_at);
		km_free(&r->groups[i].km);
	}
	free(r->groups);
	memset(r, 0, sizeof(*r));
}
