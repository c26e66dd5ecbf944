#include "probe_policy.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "enrich/scope.h"

static int add(struct cidr **v, size_t *n, size_t *cap, const char *s, size_t len)
{
	struct cidr c;

	if (cidr_parse(s, len, &c))
		return -1;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = c;
	return 0;
}

static int add_allow(const char *item, size_t len, void *arg)
{
	struct probe_policy *p = arg;

	return add(&p->allow, &p->nallow, &p->capallow, item, len);
}



static int add_deny(const char *item, size_t len, void *arg)
{
	struct probe_policy *p = arg;

	return add(&p->deny, &p->ndeny, &p->capdeny, item, len);
}

int probe_policy_init(struct probe_policy *p, const struct config *cfg, struct err *err)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	/* The config loader has validated both lists already. */
	if (config_each_item(config_str(cfg, "probe", "allow"), add_allow, p) ||
	    config_each_item(config_str(cfg, "probe", "do_not_probe"), add_deny, p)) {
		probe_policy_free(p);
		return err_set(err, "probe.allow / probe.do_not_probe: not a list of prefixes");
	}
	return 0;
}

int probe_policy_init_allow_only(struct probe_policy *p, const struct config *cfg, const char *cidrs,
				 struct err *err)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (config_each_item(cidrs, add_allow, p)) {
		probe_policy_free(p);
		return err_set(err, "not a list of prefixes: %s", cidrs);
	}
	return 0;
}

int probe_policy_allow(struct probe_policy *p, const char *cidr)
{
	return add(&p->allow, &p->nallow, &p->capallow, cidr, strlen(cidr));
}

void probe_policy_free(struct probe_policy *p)
{
	free(p->allow);
	free(p->deny);
	p->allow = p->deny = NULL;
	p->nallow = p->ndeny = 0;
}

bool probe_policy_check(const struct probe_policy *p, const struct ipaddr *ip, bool infected, const char *cc,
			const char **why)
{
	for (size_t i = 0; i < p->ndeny; i++)
		if (cidr_contains(&p->deny[i], ip)) {
			*why = "on the do-not-probe list";
			return false;
		}
	for (size_t i = 0; i < p->nallow; i++)
		if (cidr_contains(&p->allow[i], ip))
			return true;
	if (!infected || !p->cfg) {
		*why = "not observed as infected (and not in an allowed prefix)";
		return false;
	}
	if (!scope_in_focus(p->cfg, cc)) {
		*why = "outside the focus countries";
		return false;
	}
	return true;
}
