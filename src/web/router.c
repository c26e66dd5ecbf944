/* router.c - the table of every URL the server answers. Paths match
 * exactly (case-sensitive, no trailing slash); each lists the query keys it
 * accepts, so an unknown or misspelt parameter is a 400, not ignored. */
#include <string.h>

#include "web/handler.h"
#include "web/scope.h"

static const char *const p_none[] = {NULL};
static const char *const p_sensors[] = {"minutes", NULL};
static const char *const p_infections[] = {"date", "from", "to", "network", "limit", "cursor", NULL};
static const char *const p_feed[] = {"date", "format", "network", NULL};
static const char *const p_portal[] = {"date", "network", NULL};
static const char *const p_portal_feed[] = {"date", "format", "network", NULL};

static const struct route routes[] = {
	{"/", page_overview, scope_params, false, true, false},
	{"/countries", page_countries, scope_params, false, true, false},
	{"/networks", page_networks, scope_params, false, true, false},
	{"/manufacturers", page_manufacturers, scope_params, false, true, false},
	{"/families", page_families, scope_params, false, true, false},
	{"/ports", page_ports, scope_params, false, true, false},
	{"/remediation", page_remediation, p_none, false, true, false},
	{"/sensors", page_sensors, p_sensors, false, true, false},
	{"/audits", page_audits, p_none, false, true, false},
	{"/metrics", metrics_handler, p_none, false, true, false},
	{"/robots.txt", page_robots, p_none, false, false, false},
	{"/api/v1/networks", api_networks, p_none, true, false, false},
	{"/api/v1/infections", api_infections, p_infections, true, false, false},
	{"/api/v1/feed", api_feed, p_feed, true, false, false},
	{"/portal/login", portal_login, p_none, false, false, true},
	{"/portal/logout", portal_logout, p_none, false, false, true},
	{"/portal/", portal_home, p_portal, false, false, false},
	{"/portal/feed", portal_feed, p_portal_feed, false, false, false},
	{NULL, NULL, NULL, false, false, false},
};

const struct route *router_find(const char *path)
{
	for (const struct route *r = routes; r->path; r++)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}
