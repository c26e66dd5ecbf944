/* observations_importer.c - observation CSV files into the store, in
 * batches of one transaction each (an import of millions of lines must not
 * pay one disk sync per line). */
#include "observations_importer.h"

#include <stdlib.h>
#include <string.h>

#include "core/addrclass.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "obs_csv.h"

#define BATCH 4096

struct obs_import {
	bool have_header, bad_header;
	struct obs_csv_header h;
	struct observation *batch;
	size_t n;
	uint64_t added, special; /* special: rows of addresses that are not devices, skipped */
};

static int flush(struct import_ctx *ctx, struct obs_import *st, struct err *err)
{
	size_t added = 0;

	if (!st->n)
		return 0;
	if (store_upsert_observations(ctx->store, st->batch, st->n, &added, err))
		return -1;
	st->added += added;
	st->n = 0;
	return 0;
}

static int obs_line(struct import_ctx *ctx, const char *line, size_t len, struct err *err)
{
	struct obs_import *st = ctx->state;

	if (!st) {
		st = ctx->state = xcalloc(1, sizeof(*st));
		st->batch = xcalloc(BATCH, sizeof(*st->batch));
	}
	if (st->bad_header)
		return 0; /* reported once, on the header line */
	if (!st->have_header) {
		if (obs_csv_header(line, len, &st->h, err)) {
			st->bad_header = true;
			return -1;
		}
		st->have_header = true;
		return 0;
	}
	if (obs_csv_line(&st->h, line, len, &st->batch[st->n], err))
		return -1;
	if (!addrclass_is_device(&st->batch[st->n].ip)) {
		st->special++;
		return 0;
	}
	st->n++;
	ctx->records++;
	if (st->n == BATCH)
		return flush(ctx, st, err);
	return 0;
}

static int obs_end(struct import_ctx *ctx, struct err *err)
{
	struct obs_import *st = ctx->state;
	int rc;

	if (!st)
		return err_set(err, "empty file: no header");
	rc = flush(ctx, st, err);
	if (!rc && !st->have_header)
		rc = err_set(err, "no header line");
	if (!rc)
		log_info("%s: %llu new observations", ctx->path, (unsigned long long)st->added);
	if (st && st->special)
		log_warn("%s: %llu rows skipped: special-purpose addresses (private, documentation, loopback ...)"
			 " are not devices unless [store] lab_prefixes allows them (docs/addresses.md)",
			 ctx->path, (unsigned long long)st->special);
	free(st->batch);
	free(st);
	ctx->state = NULL;
	return rc;
}

const struct importer observations_importer = {
	.name = "observations",
	.help = "infected IPs per day as CSV: ip,date[,asn,cc,family,treatment]",
	.what = "an observations CSV",
	.line = obs_line,
	.end = obs_end,
};
