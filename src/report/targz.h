/* targz.h - a reproducible .tar.gz written in memory (ustar + gzip).
 *
 * Every entry gets the same mtime, mode 0644 and owner 0/0 "root", and
 * entries stay in the order added, so the same files give the same bytes
 * (the gzip header carries no time or name). */
#ifndef IOTMON_TARGZ_H
#define IOTMON_TARGZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

struct targz;

/* Compressed bytes are appended to out as entries are added. */
struct targz *targz_new(struct strbuf *out, int64_t mtime_s);
/* name: at most 100 bytes (ustar without prefix), a relative path. */
int targz_add(struct targz *t, const char *name, const void *data, size_t len, struct err *err);
/* Writes the end-of-archive blocks and the gzip trailer; frees t. */
int targz_finish(struct targz *t, struct err *err);
/* Frees t after a failure. */
void targz_abort(struct targz *t);

#endif
