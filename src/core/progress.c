#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "timeutil.h"

void progress_start(struct progress *p, const char *label, const char *unit, uint64_t total_bytes)
{
	p->enabled = isatty(STDERR_FILENO) && log_get_level() >= LOG_INFO;
	p->label = label;
	p->unit = unit;
	p->total_bytes = total_bytes;
	p->start_us = p->last_draw_us = time_mono_us();
}

/* True when a redraw is due (at most four a second); takes the slot. */
static bool redraw_due(struct progress *p)
{
	int64_t now;

	if (!p->enabled)
		return false;
	now = time_mono_us();
	if (now - p->last_draw_us < 250000)
		return false;
	p->last_draw_us = now;
	return true;
}

void progress_update(struct progress *p, uint64_t bytes_done, uint64_t items_done)
{
	double secs;

	if (!redraw_due(p))
		return;
	secs = (double)(p->last_draw_us - p->start_us) / 1e6;
	if (p->total_bytes)
		fprintf(stderr, "\r%s: %3.0f%%  %.1f of %.1f MB  %.0f %s/s   ", p->label,
			100.0 * (double)bytes_done / (double)p->total_bytes, (double)bytes_done / 1e6,
			(double)p->total_bytes / 1e6, secs > 0 ? (double)items_done / secs : 0.0, p->unit);
	else
		fprintf(stderr, "\r%s: %.1f MB  %.0f %s/s   ", p->label, (double)bytes_done / 1e6,
			secs > 0 ? (double)items_done / secs : 0.0, p->unit);
	fflush(stderr);
}

void progress_count(struct progress *p, uint64_t done, uint64_t total)
{
	if (!redraw_due(p))
		return;
	fprintf(stderr, "\r%s: %3.0f%%  %llu of %llu %s   ", p->label, total ? 100.0 * (double)done / (double)total : 100.0,
		(unsigned long long)done, (unsigned long long)total, p->unit);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->enabled && p->last_draw_us != p->start_us)
		fprintf(stderr, "\r\033[K");
}
