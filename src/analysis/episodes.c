/* episodes.c - the streaming episode builder. */
#include "episodes.h"

#include <stdio.h>
#include <string.h>

void episode_classify(int64_t first_day, int64_t last_day, int64_t data_end, int64_t gap, int64_t *duration,
		      bool *cleaned)
{
	*cleaned = data_end - last_day > gap;
	*duration = *cleaned ? last_day - first_day + 1 : data_end - first_day + 1;
	if (*duration < 1)
		*duration = 1; /* a last day after data_end: treat as seen once */
}

void episodes_init(struct episode_builder *b, int64_t gap, int64_t data_end, episode_cb cb, void *arg)
{
	memset(b, 0, sizeof(*b));
	b->gap = gap < 0 ? 0 : gap;
	b->data_end = data_end;
	b->cb = cb;
	b->arg = arg;
}

static void fill_missing(struct episode *e, const struct observation *o)
{
	if (!e->asn)
		e->asn = o->net.asn;
	if (!e->cc[0])
		memcpy(e->cc, o->net.cc, sizeof(e->cc));
	if (!e->family[0])
		memcpy(e->family, o->family, sizeof(e->family));
	if (!e->treatment[0])
		snprintf(e->treatment, sizeof(e->treatment), "%s", o->treatment);
}

/* Classifies the current episode and hands it over. */
static int emit(struct episode_builder *b)
{
	b->have_cur = false;
	episode_classify(b->cur.first_day, b->cur.last_day, b->data_end, b->gap, &b->cur.duration, &b->cur.cleaned);
	return b->cb(&b->cur, b->arg);
}

static void start(struct episode_builder *b, const struct observation *o)
{
	memset(&b->cur, 0, sizeof(b->cur));
	b->cur.ip = o->ip;
	b->cur.first_day = b->cur.last_day = o->day;
	b->cur.days = 1;
	fill_missing(&b->cur, o);
	b->have_cur = true;
}

int episodes_add(struct episode_builder *b, const struct observation *o)
{
	int rc = 0;

	if (b->have_cur && ipaddr_equal(&b->cur.ip, &o->ip)) {
		if (o->day <= b->cur.last_day) {
			b->out_of_order++;
			return 0;
		}
		/* Up to G days without a sighting in between still continue the
		 * episode (G = 0: only consecutive days); this is what makes
		 * "cleaned iff data_end - last > G" certain. */
		if (o->day - b->cur.last_day - 1 <= b->gap) {
			b->cur.last_day = o->day;
			b->cur.days++;
			fill_missing(&b->cur, o);
			return 0;
		}
		/* The same IP after a longer gap: a reinfection (or a new
		 * device behind a recycled address). */
		b->cur.has_next = true;
		b->cur.next_first_day = o->day;
		rc = emit(b);
	} else if (b->have_cur) {
		rc = emit(b);
	}
	start(b, o);
	return rc;
}

int episodes_finish(struct episode_builder *b)
{
	return b->have_cur ? emit(b) : 0;
}
