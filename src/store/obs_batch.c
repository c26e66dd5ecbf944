#include "obs_batch.h"

#include <stdlib.h>
#include <string.h>

#include "core/addrclass.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

void obs_batch_init(struct obs_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void obs_batch_free(struct obs_batch *b)
{
	free(b->rows);
	free(b->slots);
	memset(b, 0, sizeof(*b));
}

void obs_batch_reset(struct obs_batch *b)
{
	b->n = 0;
	if (b->slots)
		memset(b->slots, 0, b->nslots * sizeof(*b->slots));
}

static uint64_t key_hash(const struct ipaddr *ip, int64_t day)
{
	uint64_t h = (uint64_t)day * UINT64_C(0x9e3779b97f4a7c15) ^ ip->af;

	for (int i = 0; i < 16; i++)
		h = (h ^ ip->b[i]) * UINT64_C(0x100000001b3);
	return h ^ (h >> 29);
}

static void rehash(struct obs_batch *b)
{
	size_t nslots = b->nslots ? b->nslots * 2 : 1024;

	free(b->slots);
	b->slots = xcalloc(nslots, sizeof(*b->slots));
	b->nslots = nslots;
	for (size_t i = 0; i < b->n; i++) {
		size_t s = key_hash(&b->rows[i].ip, b->rows[i].day) & (nslots - 1);

		while (b->slots[s])
			s = (s + 1) & (nslots - 1);
		b->slots[s] = (uint32_t)(i + 1);
	}
}

void obs_batch_add(struct obs_batch *b, const struct event *ev)
{
	int64_t day = time_day_of(ev->time_us);
	struct observation *o;
	size_t s;

	if (!(KIND_BIT(ev->kind) & KINDS_INFECTED))
		return;
	if (!addrclass_is_device(&ev->src))
		return; /* loopback, private, documentation ...: the event is kept, no device counted */
	if ((b->n + 1) * 2 > b->nslots)
		rehash(b);
	s = key_hash(&ev->src, day) & (b->nslots - 1);
	while (b->slots[s]) {
		o = &b->rows[b->slots[s] - 1];
		if (o->day == day && ipaddr_equal(&o->ip, &ev->src)) {
			if (ev->time_us < o->first_us)
				o->first_us = ev->time_us;
			if (ev->time_us > o->last_us)
				o->last_us = ev->time_us;
			o->kinds |= KIND_BIT(ev->kind);
			o->events++;
			if (ev->family[0])
				memcpy(o->family, ev->family, sizeof(o->family));
			return;
		}
		s = (s + 1) & (b->nslots - 1);
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->rows = xrealloc(b->rows, b->cap * sizeof(*b->rows));
	}
	o = &b->rows[b->n];
	memset(o, 0, sizeof(*o));
	o->ip = ev->src;
	o->day = day;
	o->first_us = o->last_us = ev->time_us;
	o->kinds = KIND_BIT(ev->kind);
	o->events = 1;
	memcpy(o->family, ev->family, sizeof(o->family));
	b->slots[s] = (uint32_t)++b->n;
}
