/* scope.h - which infected IPs the monitor acts on beyond counting them.
 *
 * [enrich] focus_countries (e.g. "NL", "NL, BE", "*" for all) decides which
 * infected IPs are probed and which networks get feeds; statistics count
 * every country. An unknown country ("") is never in focus, except with "*". */
#ifndef IOTMON_SCOPE_H
#define IOTMON_SCOPE_H

#include <stdbool.h>

#include "core/config.h"

bool scope_in_focus(const struct config *cfg, const char *cc);

#endif
