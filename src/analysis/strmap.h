/* strmap.h - a string-keyed hash map to indices, for grouping rows by name
 * (groups of a report, treatment units, notified IPs). Keys are copied;
 * values are caller indices into its own arrays. */
#ifndef IOTMON_STRMAP_H
#define IOTMON_STRMAP_H

#include <stddef.h>

struct strmap {
	char **keys;
	size_t *vals;
	size_t cap, len;
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* The value of key, or (size_t)-1 when absent. */
size_t strmap_get(const struct strmap *m, const char *key);
/* Sets key to val (replacing any value). */
void strmap_put(struct strmap *m, const char *key, size_t val);

#define STRMAP_NONE ((size_t)-1)

#endif
