/* postgres_store.c - the central store on PostgreSQL (libpq). */
#include "store.h"

struct store *postgres_store_open(const char *target, int flags, struct err *err)
{
	(void)flags;
	err_set(err, "%s: the PostgreSQL store is not built into this version", target);
	return NULL;
}
