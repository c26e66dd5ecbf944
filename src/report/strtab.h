/* strtab.h - interned strings: each distinct text kept once, named by a
 * small integer. Feeds and reports meet the same usernames, passwords,
 * CVEs, URLs and models millions of times; they keep ids, not copies. */
#ifndef IOTMON_STRTAB_H
#define IOTMON_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct strtab {
	char **s;
	size_t n, cap;
	uint32_t *slots; /* index + 1, 0 empty; open addressing */
	size_t nslots;
};

/* The id of s (added when new). A zeroed struct strtab is empty. */
uint32_t strtab_intern(struct strtab *t, const char *s);
static inline const char *strtab_get(const struct strtab *t, uint32_t id)
{
	return t->s[id];
}
void strtab_free(struct strtab *t);

#endif
