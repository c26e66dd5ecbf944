/* privdrop.h - giving up root after binding.
 *
 * The honeypot binds low ports as root, then must never run as root again:
 * privdrop() sets supplementary groups, gid and uid of the named user (each
 * step checked) and verifies that root cannot be regained. */
#ifndef IOTMON_PRIVDROP_H
#define IOTMON_PRIVDROP_H

#include "err.h"

/* Returns 0 when the process now runs as user (or was not root to begin
 * with and user is empty), -1 with err otherwise. */
int privdrop(const char *user, struct err *err);

#endif
