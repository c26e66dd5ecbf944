#include "line_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/xalloc.h"

#define CHUNK (256 * 1024)

struct line_reader {
	gzFile gz;
	int fd;
	char *path;
	size_t max_line;
	char *buf; /* CHUNK + max_line + 1 */
	size_t start, end; /* unread bytes are buf[start, end) */
	bool eof, skipping;
	uint64_t lineno, size;
};

struct line_reader *line_reader_open(const char *path, size_t max_line, struct err *err)
{
	struct line_reader *r;
	struct stat sb;
	int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		err_set(err, "%s: is a directory", path);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
	r->path = xstrdup(path);
	r->max_line = max_line;
	r->buf = xmalloc(CHUNK + max_line + 1);
	/* gzdopen reads plain files unchanged ("transparent" mode). */
	r->gz = gzdopen(fd, "rb");
	if (!r->gz) {
		close(fd);
		free(r->buf);
		free(r->path);
		free(r);
		err_set(err, "%s: cannot open (out of memory)", path);
		return NULL;
	}
	gzbuffer(r->gz, CHUNK);
	return r;
}

static int fill(struct line_reader *r, struct err *err)
{
	int n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	n = gzread(r->gz, r->buf + r->end, CHUNK);
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(r->gz, &zerr);

		return err_set(err, "%s: read error after line %llu: %s", r->path, (unsigned long long)r->lineno,
			       zerr == Z_ERRNO ? strerror(errno) : msg);
	}
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	return 0;
}

int line_reader_next(struct line_reader *r, const char **line, size_t *len, struct err *err)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

		if (nl) {
			char *s = r->buf + r->start;
			size_t n = (size_t)(nl - s);

			r->start += n + 1;
			if (r->skipping) {
				r->skipping = false;
				continue;
			}
			r->lineno++;
			if (n > r->max_line)
				return err_set(err, "%s:%llu: line longer than %zu bytes, skipped", r->path,
					       (unsigned long long)r->lineno, r->max_line);
			if (n && s[n - 1] == '\r')
				n--;
			*line = s;
			*len = n;
			return 1;
		}
		if (r->end - r->start > r->max_line) {
			/* Too long: drop what we have and skip to the newline. */
			if (!r->skipping) {
				r->skipping = true;
				r->lineno++;
				r->start = r->end;
				return err_set(err, "%s:%llu: line longer than %zu bytes, skipped", r->path,
					       (unsigned long long)r->lineno, r->max_line);
			}
			r->start = r->end;
		}
		if (r->eof) {
			if (r->end > r->start && !r->skipping) {
				/* A last line without a newline still counts. */
				char *s = r->buf + r->start;
				size_t n = r->end - r->start;

				r->start = r->end;
				r->lineno++;
				if (n && s[n - 1] == '\r')
					n--;
				*line = s;
				*len = n;
				return 1;
			}
			return 0;
		}
		if (fill(r, err))
			return -1;
	}
}

uint64_t line_reader_lineno(const struct line_reader *r)
{
	return r->lineno;
}

uint64_t line_reader_offset(const struct line_reader *r)
{
	off_t off = gzoffset(r->gz);

	return off > 0 ? (uint64_t)off : 0;
}

uint64_t line_reader_size(const struct line_reader *r)
{
	return r->size;
}

void line_reader_close(struct line_reader *r)
{
	if (!r)
		return;
	gzclose(r->gz); /* also closes the descriptor */
	free(r->buf);
	free(r->path);
	free(r);
}
