#include "scope.h"

#include <strings.h>

struct match {
	const char *cc;
	bool found;
};

static int match_item(const char *item, size_t len, void *arg)
{
	struct match *m = arg;

	if ((len == 1 && item[0] == '*') || (len == 2 && m->cc[0] && strncasecmp(item, m->cc, 2) == 0 && !m->cc[2])) {
		m->found = true;
		return 1;
	}
	return 0;
}

bool scope_in_focus(const struct config *cfg, const char *cc)
{
	struct match m = {.cc = cc ? cc : "", .found = false};

	config_each_item(config_str(cfg, "enrich", "focus_countries"), match_item, &m);
	return m.found;
}
