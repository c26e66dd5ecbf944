/* cleanup.c - see cleanup.h. No analysis module is linked yet, so every
 * figure is reported as not available. */
#include "cleanup.h"

#include <stdlib.h>
#include <string.h>

int cleanup_networks(struct store *s, struct cleanup_network *out, size_t n, struct err *err)
{
	(void)s;
	(void)err;
	for (size_t i = 0; i < n; i++)
		out[i].available = false;
	return 0;
}

int cleanup_survival(struct store *s, struct cleanup_curve *c, struct err *err)
{
	(void)s;
	(void)err;
	memset(c, 0, sizeof(*c));
	return 0;
}

void cleanup_curve_free(struct cleanup_curve *c)
{
	free(c->day);
	free(c->survival);
	free(c->lower);
	free(c->upper);
	memset(c, 0, sizeof(*c));
}
