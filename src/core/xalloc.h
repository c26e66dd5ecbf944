/* xalloc.h - allocation that cannot fail.
 *
 * Out of memory is not a condition this daemon can recover from, so these
 * wrappers abort with a message instead of returning NULL; callers never
 * check. All allocation goes through here so tests can count it. */
#ifndef IOTMON_XALLOC_H
#define IOTMON_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copies n bytes of s and adds a NUL. */
char *xstrndup(const char *s, size_t n);
/* What the allocator holds for block p (NULL: 0): its usable size and its
 * header, whole pages for a mapped block. For memory budgets that count
 * what the process really holds, not what was asked for. */
size_t xalloc_held(const void *p);

#endif
