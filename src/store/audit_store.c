#include "audit_store.h"

#include <string.h>

const struct store_audits *store_audits_of(const struct store *s)
{
	if (s && s->backend && strcmp(s->backend->name, "sqlite") == 0)
		return &sqlite_audits;
	if (s && s->backend && strcmp(s->backend->name, "postgresql") == 0)
		return &pg_audits;
	return NULL;
}

static int no_role(const struct store *s, struct err *err)
{
	return err_set(err, "the %s store does not keep audit results yet",
		       s && s->backend ? s->backend->name : "unknown");
}

int store_record_audit(struct store *s, const struct audit_record *r, size_t n, struct err *err)
{
	const struct store_audits *a = store_audits_of(s);

	return a ? a->record_audit(s, r, n, err) : no_role(s, err);
}

int store_audit_latest(struct store *s, int (*cb)(const struct audit_latest *v, void *arg), void *arg,
		       struct err *err)
{
	const struct store_audits *a = store_audits_of(s);

	return a ? a->latest_results(s, cb, arg, err) : no_role(s, err);
}
