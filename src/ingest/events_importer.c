/* events_importer.c - our own canonical JSON lines (what `iotmon events`
 * prints) back into a store: round trips, moving evidence between stores,
 * and the shipped sample data. */
#include "events_importer.h"

static int events_line(struct import_ctx *ctx, const char *line, size_t len, struct err *err)
{
	struct event ev;

	if (event_from_json(line, len, &ev, err))
		return -1;
	sink_emit(ctx->sink, &ev);
	event_free(&ev);
	ctx->records++;
	return 0;
}

const struct importer events_importer = {
	.name = "events",
	.help = "iotmon's own event JSON lines (as printed by `iotmon events`)",
	.what = "an iotmon events JSON-lines file",
	.sniff = import_sniff_json_line,
	.line = events_line,
};
