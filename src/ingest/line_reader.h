/* line_reader.h - lines from a file, a pipe or a gzip stream, bounded.
 *
 * Gzip input is recognised by its magic and decompressed transparently
 * (zlib); "-" is stdin. A line longer than max_line is not an allocation: it
 * is reported as too long (with its number) and skipped to its end, so one
 * hostile line cannot exhaust memory or hide the rest of the file. */
#ifndef IOTMON_LINE_READER_H
#define IOTMON_LINE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct line_reader;

struct line_reader *line_reader_open(const char *path, size_t max_line, struct err *err);
/* Returns 1 and sets (*line, *len) without the newline (and without a
 * trailing CR); 0 at the end; -1 on a read error or a too-long line (err
 * says which; after a too-long line, reading can go on). The line stays
 * valid until the next call. */
int line_reader_next(struct line_reader *r, const char **line, size_t *len, struct err *err);
/* Number of the line last returned (1-based). */
uint64_t line_reader_lineno(const struct line_reader *r);
/* Bytes consumed from the underlying file (compressed bytes for gzip), and
 * its size when known (0 for pipes): for progress. */
uint64_t line_reader_offset(const struct line_reader *r);
uint64_t line_reader_size(const struct line_reader *r);
void line_reader_close(struct line_reader *r);

#endif
