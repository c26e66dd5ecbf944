/* import.c - the driver shared by every importer. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/progress.h"
#include "importer.h"
#include "line_reader.h"

/* Longest line any importer accepts; Cowrie lines with long commands stay
 * well under this, hostile ones are skipped with a message. */
#define IMPORT_MAX_LINE (1024 * 1024)

static int import_one(const struct importer *imp, const char *path, struct import_ctx *ctx,
		      struct import_result *res)
{
	struct line_reader *r;
	struct progress prog;
	struct err err;
	const char *line;
	size_t len;
	int rc, status = 0;

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
	if (imp->end && imp->end(ctx, &err)) {
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
