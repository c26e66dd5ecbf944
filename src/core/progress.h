/* progress.h - a progress line for long work on a terminal.
 *
 * Shown on stderr only when it is a terminal (and not --quiet), redrawn at
 * most four times a second; silent in scripts and tests. */
#ifndef IOTMON_PROGRESS_H
#define IOTMON_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool enabled;
	const char *label; /* e.g. the file name */
	const char *unit; /* "packets", "lines" */
	uint64_t total_bytes; /* 0 when unknown (a pipe) */
	int64_t start_us, last_draw_us;
};

void progress_start(struct progress *p, const char *label, const char *unit, uint64_t total_bytes);
/* Cheap to call often: it only draws when due. */
void progress_update(struct progress *p, uint64_t bytes_done, uint64_t items_done);
/* For work counted in items of a known total (total_bytes unused): draws
 * "label: 42%  123456 of 290000 unit". */
void progress_count(struct progress *p, uint64_t done, uint64_t total);
/* Clears the line. */
void progress_end(struct progress *p);

#endif
