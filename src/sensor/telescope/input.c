/* input.c - capture bytes from mmap, gzip or a stream (see input.h). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

#define CHUNK (4u * 1024 * 1024)
/* Reads of a plain file: small enough that the window stays in L2. */
#define RAW_CHUNK (256u * 1024)

int tin_open(struct tin *in, const char *path, struct err *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	unsigned char magic[2];
	struct stat sb;
	int fd;

	memset(in, 0, sizeof(*in));
	fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, "%s", strerror(errno));
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return err_set(err, "%s", strerror(errno));
	}
	if (S_ISDIR(sb.st_mode)) {
		close(fd);
		return err_set(err, "is a directory");
	}
	in->fd = fd;
	if (S_ISREG(sb.st_mode)) {
		in->file_size = (uint64_t)sb.st_size;
		if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
			goto stream;
		if (sb.st_size == 0) {
			in->mapped = true;
			in->eof = true;
			return 0;
		}
		/* Plain files are read(), not mmap'ed: a small window that slides
		 * stays in cache, where walking a mapping of the whole file costs a
		 * page-table walk every 4 KiB (four times slower, measured). */
		in->raw = true;
		in->cap = RAW_CHUNK + TIN_MAX_PEEK;
		in->own = xmalloc(in->cap);
		in->buf = in->own;
		return 0;
	}
stream:
	/* gzdopen passes plain bytes through unchanged, so pipes of either kind work. */
	in->gz = gzdopen(fd, "rb");
	if (!in->gz) {
		close(fd);
		return err_set(err, "cannot open (out of memory)");
	}
	gzbuffer(in->gz, 1u << 20);
	in->cap = CHUNK + TIN_MAX_PEEK;
	in->own = xmalloc(in->cap);
	in->buf = in->own;
	return 0;
}

void tin_open_mem(struct tin *in, const uint8_t *data, size_t len)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->buf = data;
	in->len = len;
	in->eof = true;
	in->file_size = len;
}

void tin_close(struct tin *in)
{
	if (in->gz)
		gzclose(in->gz); /* closes fd */
	else if (in->fd >= 0) {
		if (in->map_len)
			munmap((void *)in->buf, in->map_len);
		close(in->fd);
	}
	free(in->own);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

/* zlib names a descriptor stream "<fd:N>: ..."; the caller names the file. */
static const char *strip_fd(const char *msg)
{
	if (msg[0] == '<') {
		const char *p = strstr(msg, ">: ");

		if (p)
			return p + 3;
	}
	return msg;
}

/* Reads at least one chunk more into the window (after sliding it). */
static void refill(struct tin *in)
{
	if (in->pos > 0) {
		memmove(in->own, in->own + in->pos, in->len - in->pos);
		in->base += in->pos;
		in->len -= in->pos;
		in->pos = 0;
	}
	if (in->raw) {
		size_t want = in->cap - in->len;
		ssize_t n;

		if (want > RAW_CHUNK)
			want = RAW_CHUNK;
		do
			n = read(in->fd, in->own + in->len, want);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			snprintf(in->rerr, sizeof(in->rerr), "%s", strerror(errno));
			in->failed = true;
			in->eof = true;
		} else if (n == 0) {
			in->eof = true;
		} else {
			in->len += (size_t)n;
		}
		return;
	}
	while (!in->eof && in->len < in->cap) {
		size_t want = in->cap - in->len;
		int n = gzread(in->gz, in->own + in->len, (unsigned)(want > CHUNK ? CHUNK : want));

		if (n < 0) {
			int zerr;
			const char *msg = gzerror(in->gz, &zerr);

			snprintf(in->rerr, sizeof(in->rerr), "%s", zerr == Z_ERRNO ? strerror(errno) : strip_fd(msg));
			in->failed = true;
			in->eof = true;
			break;
		}
		if (n == 0) {
			int zerr;
			const char *msg = gzerror(in->gz, &zerr);

			/* A gzip stream cut short reads as end of file plus Z_BUF_ERROR. */
			if (zerr != Z_OK && zerr != Z_STREAM_END) {
				snprintf(in->rerr, sizeof(in->rerr), "%s", strip_fd(msg));
				in->failed = true;
			}
			in->eof = true;
			break;
		}
		in->len += (size_t)n;
		if ((size_t)n < CHUNK / 2)
			break; /* a pipe: hand over what we have */
	}
}

const uint8_t *tin_fill(struct tin *in, size_t n, size_t *avail)
{
	while (in->len - in->pos < n) {
		if (in->eof || !in->own || n > TIN_MAX_PEEK) {
			if (avail)
				*avail = in->len - in->pos;
			return NULL;
		}
		refill(in);
	}
	return in->buf + in->pos;
}

bool tin_skip(struct tin *in, uint64_t n)
{
	while (n > 0) {
		size_t have = in->len - in->pos;

		if (have >= n) {
			in->pos += (size_t)n;
			return true;
		}
		in->pos += have;
		n -= have;
		if (in->eof || !in->own)
			return false;
		refill(in);
	}
	return true;
}

uint64_t tin_progress(const struct tin *in)
{
	if (in->gz) {
		off_t o = gzoffset(in->gz);

		return o > 0 ? (uint64_t)o : 0;
	}
	return tin_offset(in);
}

const char *tin_error(const struct tin *in)
{
	return in->failed ? in->rerr : NULL;
}
