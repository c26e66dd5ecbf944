/* import.c - the driver shared by every importer. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/progress.h"
#include "importer.h"
#include "line_reader.h"

/* Longest line any importer accepts; Cowrie lines with long commands stay
 * well under this, hostile ones are skipped with a message. */
#define IMPORT_MAX_LINE (1024 * 1024)

int import_sniff_json_line(const char *line, size_t len, struct err *err)
{
	size_t i = 0;

	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* a UTF-8 byte-order mark */
	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i < len && line[i] == '{')
		return 0;
	return err_set(err, "line 1 does not start with a JSON object ('{')");
}

/* Is the first non-empty line (or the error reading it) one of imp's format?
 * A pcap, an image or a tarball fails here with one message instead of one
 * per "line". */
static int sniff_first_line(const struct importer *imp, int rc, const char *line, size_t len, const char *why,
			    struct err *err)
{
	const char *nul;

	if (rc < 0)
		return err_set(err, "%s", why);
	nul = memchr(line, '\0', len);
	if (nul)
		return err_set(err, "binary data (a NUL byte at offset %zu of line 1)", (size_t)(nul - line));
	return imp->sniff ? imp->sniff(line, len, err) : 0;
}

static int import_one(const struct importer *imp, const char *path, struct import_ctx *ctx,
		      struct import_result *res)
{
	struct line_reader *r;
	struct progress prog;
	struct err err;
	const char *line;
	size_t len;
	int rc, status = 0;
	bool sniffed = false, wrong_type = false;

	err.msg[0] = '\0'; /* read below before any line error sets it */
	r = line_reader_open(path, IMPORT_MAX_LINE, &err);
	if (!r) {
		log_error("%s", err.msg);
		res->unreadable_files++;
		return -1;
	}
	ctx->path = path;
	ctx->lineno = 0;
	ctx->state = NULL;
	if (imp->begin && imp->begin(ctx, &err)) {
		log_error("%s: %s", path, err.msg);
		line_reader_close(r);
		res->unreadable_files++;
		return -1;
	}
	progress_start(&prog, path, "lines", line_reader_size(r));
	while ((rc = line_reader_next(r, &line, &len, &err)) != 0) {
		if (!sniffed && (rc < 0 || len > 0) && !strstr(err.msg, "read error")) {
			struct err why;

			sniffed = true;
			if (sniff_first_line(imp, rc, line, len, err.msg, &why)) {
				log_error("not %s: %s: %s", imp->what, path, why.msg);
				res->wrong_type_files++;
				wrong_type = true;
				status = -1;
				break;
			}
		}
		if (rc < 0) {
			log_error("%s", err.msg);
			status = -1;
			if (strstr(err.msg, "read error")) {
				res->unreadable_files++;
				break;
			}
			res->bad_lines++;
			continue;
		}
		res->lines++;
		ctx->lineno = line_reader_lineno(r);
		if (len == 0)
			continue;
		if (imp->line(ctx, line, len, &err)) {
			log_error("%s:%llu: %s", path, (unsigned long long)ctx->lineno, err.msg);
			res->bad_lines++;
			status = -1;
		}
		/* The offset costs a syscall (gzoffset/lseek): not every line. */
		if ((res->lines & 1023) == 0)
			progress_update(&prog, line_reader_offset(r), res->lines);
	}
	progress_end(&prog);
	if (imp->end && !wrong_type && imp->end(ctx, &err)) {
		log_error("%s: %s", path, err.msg);
		status = -1;
	}
	line_reader_close(r);
	res->files++;
	return status;
}

int import_files(const struct importer *imp, char *const *paths, int npaths, struct sink *sink,
		 struct store *store, struct import_result *res)
{
	struct import_ctx ctx = {.sink = sink, .store = store};
	int status = 0;

	memset(res, 0, sizeof(*res));
	for (int i = 0; i < npaths; i++)
		if (import_one(imp, paths[i], &ctx, res))
			status = -1;
	res->records = ctx.records;
	return status;
}
