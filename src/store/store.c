/* store.c - choosing a store implementation by its target. */
#include "store.h"

#include <string.h>

struct store *store_open(const char *target, int flags, struct err *err)
{
	if (!target || !*target) {
		err_set(err, "no store given (set [store] path or use --db PATH)");
		return NULL;
	}
	if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0) {
		err_set(err, "%s: the PostgreSQL store is not built into this version", target);
		return NULL;
	}
	return sqlite_store_open(target, flags, err);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

void event_filter_init(struct event_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->since_us = INT64_MIN;
	f->until_us = INT64_MAX;
	f->kind = -1;
}

void obs_filter_init(struct obs_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->day_from = INT64_MIN;
	f->day_to = INT64_MAX;
}
