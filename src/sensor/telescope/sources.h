/* sources.h - what the telescope says about each source.
 *
 * Labelling by share: a source is labelled with a fingerprint when at least
 * label_share of its probes (packets that are not backscatter) pass that
 * fingerprint's test, so one chance 16-bit match never relabels a scanner.
 * The 16-bit tests (ZMap, Masscan) also need two matching packets; Mirai's
 * 32-bit test needs one. A source whose packets are mostly backscatter is a
 * victim of spoofing: labelled "backscatter" and never reported as a scan.
 *
 * Output: rows per source (CSV or JSON lines) and `scan` events per source
 * per period (UTC day, or hour) that passes the scanning thresholds. */
#ifndef IOTMON_TELESCOPE_SOURCES_H
#define IOTMON_TELESCOPE_SOURCES_H

#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "core/sink.h"

enum src_label { LABEL_MIRAI, LABEL_ZMAP, LABEL_MASSCAN, LABEL_BACKSCATTER, LABEL_OTHER, LABEL_COUNT };

struct label_options {
	double share; /* 0.5 .. 1.0 */
	uint32_t min_packets; /* probes for a source to count as scanning */
	uint32_t min_destinations; /* distinct destinations, same */
	int64_t period_us; /* the entries' period: US_PER_DAY or an hour */
};

const char *label_name(enum src_label l);
/* The label of an entry (one period or several merged); *share gets the share
 * of probes (of packets, for backscatter) that carry the label. */
enum src_label source_label(const struct src_entry *e, double share_min, double *share);

/* Per source (address) across periods: calls fn with the merged entry.
 * entries must be sorted by address (tscope_entries(..., true)) unless
 * every entry is of the same period. */
void sources_each(struct src_entry *const *entries, size_t n, int64_t period_us,
		  void (*fn)(const struct src_entry *e, void *arg), void *arg);

enum sources_format { SOURCES_CSV, SOURCES_JSON };
/* Writes one row per source (sorted entries). */
void sources_print(FILE *out, struct src_entry *const *entries, size_t n, enum sources_format fmt,
		   const struct label_options *opt);

/* Emits the scan event of one (source, period) entry when it passes the
 * thresholds and is not backscatter; returns whether it did. */
bool sources_emit_event(struct sink *sink, const struct src_entry *e, const struct label_options *opt,
			const char *sensor);
/* Emits a scan event per (source, period) entry that passes the thresholds and
 * is not backscatter; returns how many. */
uint64_t sources_emit_events(struct sink *sink, struct src_entry *const *entries, size_t n,
			     const struct label_options *opt, const char *sensor);

#endif
