/* obs_detail.c - an observation's device and network from a joined row. */
#include "obs_detail.h"

#include <string.h>

void obs_detail_read(const struct column_reader *r, const void *row, int col, struct observation_detail *d,
		     struct device *dev, struct network *net)
{
	d->device = NULL;
	d->network = NULL;
	if (r->flag(row, col)) {
		memset(dev, 0, sizeof(*dev));
		dev->ip = d->obs->ip;
		r->text(row, col + 1, dev->vendor, sizeof(dev->vendor));
		r->text(row, col + 2, dev->type, sizeof(dev->type));
		r->text(row, col + 3, dev->model, sizeof(dev->model));
		r->text(row, col + 4, dev->firmware, sizeof(dev->firmware));
		r->text(row, col + 5, dev->rule, sizeof(dev->rule));
		dev->probed_us = r->int64(row, col + 6);
		dev->expires_us = r->int64(row, col + 7);
		d->device = dev;
	}
	if (r->flag(row, col + 8)) {
		memset(net, 0, sizeof(*net));
		net->asn = d->obs->net.asn;
		r->text(row, col + 9, net->name, sizeof(net->name));
		r->text(row, col + 10, net->cc, sizeof(net->cc));
		r->text(row, col + 11, net->abuse_contact, sizeof(net->abuse_contact));
		d->network = net;
	}
}
