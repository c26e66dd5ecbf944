/* telescope.h - the telescope analysis: captures in, per-source state out.
 *
 * Drives readers, decoder, classifier and aggregation over files (or live
 * packets) and keeps the run's totals and per-file errors. The calling
 * thread reads, decodes and classifies; with threads > 1 the per-source
 * table is updated by threads - 1 helpers while it reads on (see
 * aggregate.h), and no figure depends on the thread count. */
#ifndef IOTMON_TELESCOPE_H
#define IOTMON_TELESCOPE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "capture.h"
#include "classify.h"

struct tscope_options {
	unsigned threads; /* ≥ 1 */
	size_t expected_sources; /* table size hint for the whole run */
	int64_t period_us; /* aggregation period: US_PER_DAY (0 means that) or an hour */
	bool progress; /* a progress line on stderr */
	/* When set and non-zero (a signal handler's flag), reading stops at the
	 * next 64K-packet check; what was read counts. */
	const volatile sig_atomic_t *stop;
};

struct tscope_error {
	char *file;
	uint64_t offset;
	char *message;
};

struct tscope_counts {
	uint64_t files, packets, bytes; /* records read (IP or not), their wire bytes */
	uint64_t ip_packets;
	uint64_t fp_packets[FP_COUNT]; /* packets passing each fingerprint test */
	uint64_t class_packets[CLASS_COUNT];
	uint64_t plain_packets; /* probes (not backscatter) passing no fingerprint test */
};

struct tscope;

struct tscope *tscope_new(const struct tscope_options *opt);
void tscope_free(struct tscope *t);

/* Expands directories (their regular files, sorted, hidden ones skipped)
 * into a new NULL-ended array of paths; frees with tscope_free_paths. A
 * directory that cannot be listed is recorded as an error. */
char **tscope_expand_paths(struct tscope *t, char *const *paths, int n, int *count);
void tscope_free_paths(char **paths);

/* Reads the files. Returns 0 when every file was read whole, -1 when any
 * was unreadable or damaged (see tscope_errors); what was read counts. */
int tscope_read_files(struct tscope *t, char *const *paths, int n);

/* One packet from a live capture (one thread feeds a tscope). */
void tscope_add_packet(struct tscope *t, const struct cap_packet *p);
/* Records a file-level error (also used by live capture). */
void tscope_add_error(struct tscope *t, const char *file, uint64_t offset, const char *message);

const struct tscope_counts *tscope_counts(struct tscope *t);
const struct tscope_error *tscope_errors(const struct tscope *t, size_t *n);

/* Every (source, period) entry; sorted by address then period when sorted is true.
 * The array is malloc'ed (free it); entries live until tscope_reset/free. */
struct src_entry **tscope_entries(struct tscope *t, bool sorted, size_t *n);
/* Starts a new window (live flushes): forgets entries and counts. */
void tscope_reset(struct tscope *t);

#endif
