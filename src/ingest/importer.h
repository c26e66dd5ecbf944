/* importer.h - reading other people's evidence into the store.
 *
 * Each format is one `struct importer` (a line-oriented reader); the table
 * in importers.c lists them and `iotmon import FORMAT FILE...` picks one by
 * name. The driver (import.c) owns files, gzip, progress and error
 * reporting: an importer only turns one line into events (sink) or
 * observations (store). */
#ifndef IOTMON_IMPORTER_H
#define IOTMON_IMPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sink.h"
#include "store/store.h"

struct import_ctx {
	struct sink *sink; /* events go here */
	struct store *store; /* for importers that write observations; do not
				use for events while the sink is open */
	const char *path; /* current file, for messages */
	uint64_t lineno; /* current line */
	void *state; /* the importer's own, from begin() */
	uint64_t records; /* what the importer produced (for the summary) */
};

struct importer {
	const char *name;
	const char *help; /* one line */
	const char *what; /* the file type, for "not WHAT: FILE: why" (e.g. "a Cowrie JSON log") */
	/* Optional: is the first non-empty line one of this format? Called
	 * before begin's lines are read; a file that fails is not read on. A
	 * first line with NUL bytes fails for every importer. */
	int (*sniff)(const char *line, size_t len, struct err *err);
	/* Optional: per-file set-up (e.g. reading a header). */
	int (*begin)(struct import_ctx *ctx, struct err *err);
	/* One line (no newline). Returns 0, or -1 with err when the line is
	 * malformed: the driver reports FILE:LINE and goes on. */
	int (*line)(struct import_ctx *ctx, const char *line, size_t len, struct err *err);
	/* Optional: per-file end (flush what was held back). */
	int (*end)(struct import_ctx *ctx, struct err *err);
};

const struct importer *importer_find(const char *name);
/* A sniff for JSON-lines formats: the line starts with '{'. */
int import_sniff_json_line(const char *line, size_t len, struct err *err);
/* The table, ended by NULL. */
extern const struct importer *const importers[];

struct import_result {
	uint64_t files, lines, bad_lines, records;
	uint64_t unreadable_files;
	uint64_t wrong_type_files; /* not of the importer's format (sniffed) */
};

/* Reads every file with imp; messages for bad lines go to the log as
 * "FILE:LINE: message". Returns 0 when everything was read cleanly, -1
 * when some file or line was bad (what was good is still imported). */
int import_files(const struct importer *imp, char *const *paths, int npaths, struct sink *sink,
		 struct store *store, struct import_result *res);

#endif
