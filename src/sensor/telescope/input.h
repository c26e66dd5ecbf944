/* input.h - the bytes of one capture file, as a sliding window.
 *
 * Readers (pcap.c, pcapng.c) see a file as a window of contiguous bytes and
 * never copy packets: a plain regular file is read() in chunks of 256 KiB,
 * anything else (gzip, stdin, a pipe) is decompressed or read in large
 * chunks, into a buffer that slides forward. A pointer returned by
 * tin_peek() stays valid until the next tin_peek()/tin_skip() that needs
 * bytes beyond the window. Offsets are in the uncompressed stream. */
#ifndef IOTMON_TELESCOPE_INPUT_H
#define IOTMON_TELESCOPE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "core/err.h"

/* Largest single peek a reader may ask for. */
#define TIN_MAX_PEEK (16u * 1024 * 1024)

struct tin {
	const uint8_t *buf; /* window: buf[0, len) holds stream bytes from base on */
	size_t len, pos; /* pos: the next unread byte within the window */
	uint64_t base;
	/* private */
	int fd;
	bool mapped, eof, failed;
	bool raw; /* a plain file read() into own */
	gzFile gz;
	uint8_t *own;
	size_t cap, map_len;
	uint64_t file_size; /* on-disk bytes (compressed for gzip), 0 when unknown */
	char rerr[128];
};

/* Opens path ("-" is stdin). Detects gzip by its magic. */
int tin_open(struct tin *in, const char *path, struct err *err);
/* The same over bytes in memory (tests, fuzzing); the bytes must outlive in. */
void tin_open_mem(struct tin *in, const uint8_t *data, size_t len);
void tin_close(struct tin *in);

/* Slow path of tin_peek: slides the window and reads more. */
const uint8_t *tin_fill(struct tin *in, size_t n, size_t *avail);

/* n contiguous bytes at the current position, or NULL when the stream ends
 * (or fails) before n bytes; *avail then says how many remain. */
static inline const uint8_t *tin_peek(struct tin *in, size_t n, size_t *avail)
{
	if (__builtin_expect(in->len - in->pos >= n, 1))
		return in->buf + in->pos;
	return tin_fill(in, n, avail);
}

static inline void tin_consume(struct tin *in, size_t n)
{
	in->pos += n;
}

/* Skips n bytes (which may lie beyond the window); returns false when the
 * stream ends first. */
bool tin_skip(struct tin *in, uint64_t n);

static inline uint64_t tin_offset(const struct tin *in)
{
	return in->base + in->pos;
}

/* For progress: bytes of the file consumed so far and its size (0: unknown). */
uint64_t tin_progress(const struct tin *in);
static inline uint64_t tin_size(const struct tin *in)
{
	return in->file_size;
}
/* A read or decompression error message when the stream failed, else NULL. */
const char *tin_error(const struct tin *in);
/* True when the whole file is one window (readers may then run unchecked
 * fast paths over it). */
static inline bool tin_mapped(const struct tin *in)
{
	return in->mapped;
}

#endif
