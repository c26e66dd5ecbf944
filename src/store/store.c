/* store.c - the table of store backends, and choosing one by its target. */
#include "store.h"

#include <string.h>

#include "core/timeutil.h"

static const char *const sqlite_schemes[] = {"sqlite:", NULL};
static const char *const postgres_schemes[] = {"postgresql://", "postgres://", NULL};

/* The first entry also takes targets without a scheme (a file path). */
const struct store_backend store_backends[] = {
	{"sqlite", sqlite_schemes, sqlite_store_open},
	{"postgresql", postgres_schemes, postgres_store_open},
	{NULL, NULL, NULL},
};

const struct store_backend *store_backend_for(const char *target)
{
	for (const struct store_backend *b = store_backends; b->name; b++)
		for (const char *const *p = b->schemes; *p; p++)
			if (strncmp(target, *p, strlen(*p)) == 0)
				return b;
	return &store_backends[0];
}

struct store *store_open(const char *target, int flags, struct err *err)
{
	if (!target || !*target) {
		err_set(err, "no store given (set [store] url or path, or use --db PATH|URL)");
		return NULL;
	}
	return store_backend_for(target)->open(target, flags, err);
}

int store_apply_retention(struct store *s, int days, int64_t now_us, uint64_t *dropped, struct err *err)
{
	if (dropped)
		*dropped = 0;
	if (days <= 0)
		return 0;
	return store_drop_events_before(s, time_day_of(now_us) - days, dropped, err);
}

void store_close(struct store *s)
{
	if (s)
		s->close(s);
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
