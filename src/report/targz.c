/* targz.c - ustar headers and a streaming gzip deflate into a strbuf. */
#include "targz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xalloc.h"

struct targz {
	struct strbuf *out;
	z_stream z;
	int64_t mtime_s;
};

struct targz *targz_new(struct strbuf *out, int64_t mtime_s)
{
	struct targz *t = xcalloc(1, sizeof(*t));

	t->out = out;
	t->mtime_s = mtime_s < 0 ? 0 : mtime_s;
	/* windowBits 15 + 16: a gzip wrapper with a zeroed header time. */
	if (deflateInit2(&t->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(t);
		return NULL;
	}
	return t;
}

static int feed(struct targz *t, const void *data, size_t len, int flush, struct err *err)
{
	unsigned char chunk[65536];
	int rc;

	t->z.next_in = (unsigned char *)(uintptr_t)data;
	do {
		size_t take = len > UINT32_MAX ? UINT32_MAX : len;

		t->z.avail_in = (uInt)take;
		len -= take;
		do {
			t->z.next_out = chunk;
			t->z.avail_out = sizeof(chunk);
			rc = deflate(&t->z, len ? Z_NO_FLUSH : flush);
			if (rc == Z_STREAM_ERROR)
				return err_set(err, "gzip: deflate failed");
			if (strbuf_append(t->out, (const char *)chunk, sizeof(chunk) - t->z.avail_out))
				return err_set(err, "bundle too large");
		} while (t->z.avail_out == 0);
	} while (len);
	return 0;
}

static void octal(char *field, size_t size, uint64_t v)
{
	/* size - 1 digits and a NUL, as tar writes them. */
	snprintf(field, size, "%0*llo", (int)size - 1, (unsigned long long)v);
}

int targz_add(struct targz *t, const char *name, const void *data, size_t len, struct err *err)
{
	static const char zeros[512];
	unsigned char h[512];
	unsigned sum = 0;

	if (strlen(name) >= 100 || !*name || name[0] == '/')
		return err_set(err, "tar: bad entry name %s", name);
	if ((uint64_t)len > 077777777777ULL)
		return err_set(err, "tar: %s too large", name);
	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	octal((char *)h + 100, 8, 0644);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, len);
	octal((char *)h + 136, 12, (uint64_t)t->mtime_s);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	if (feed(t, h, sizeof(h), Z_NO_FLUSH, err) || feed(t, data, len, Z_NO_FLUSH, err))
		return -1;
	if (len % 512)
		return feed(t, zeros, 512 - len % 512, Z_NO_FLUSH, err);
	return 0;
}

int targz_finish(struct targz *t, struct err *err)
{
	static const char zeros[1024];
	int rc = feed(t, zeros, sizeof(zeros), Z_FINISH, err);

	deflateEnd(&t->z);
	free(t);
	return rc;
}

void targz_abort(struct targz *t)
{
	if (!t)
		return;
	deflateEnd(&t->z);
	free(t);
}
