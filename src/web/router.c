/* router.c - the table of every URL the server answers. Paths match
 * exactly (case-sensitive, no trailing slash); each lists the query keys it
 * accepts, so an unknown or misspelt parameter is a 400, not ignored. */
#include <string.h>

#include "web/handler.h"

static const char *const p_none[] = {NULL};
static const char *const p_period[] = {"to", "days", NULL};
static const char *const p_sensors[] = {"minutes", NULL};
static const char *const p_infections[] = {"date", "from", "to", "network", "limit", "cursor", NULL};
static const char *const p_feed[] = {"date", "format", "network", NULL};

static const struct route routes[] = {
	{"/", page_overview, p_period, false, true},
	{"/countries", page_countries, p_period, false, true},
	{"/networks", page_networks, p_period, false, true},
	{"/manufacturers", page_manufacturers, p_period, false, true},
	{"/families", page_families, p_period, false, true},
	{"/remediation", page_remediation, p_none, false, true},
	{"/sensors", page_sensors, p_sensors, false, true},
	{"/audits", page_audits, p_none, false, true},
	{"/metrics", metrics_handler, p_none, false, true},
	{"/api/v1/networks", api_networks, p_none, true, false},
	{"/api/v1/infections", api_infections, p_infections, true, false},
	{"/api/v1/feed", api_feed, p_feed, true, false},
	{NULL, NULL, NULL, false, false},
};

const struct route *router_find(const char *path)
{
	for (const struct route *r = routes; r->path; r++)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}
