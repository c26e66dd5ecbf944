/* worldmap.h - the countries page's world map: country outlines as SVG path
 * data, keyed by ISO 3166 alpha-2 code, read from data/map/world.tsv
 * (scripts/world-map.py writes it from Natural Earth at data-fetch time).
 *
 * Format: '#' comment lines, then "CC<TAB>name<TAB>path" lines; CC two
 * capital letters; name 1-63 printable bytes without '<', '>', '&' or '"';
 * path only "MLZ", digits, '.', ',' and '-', at most WORLDMAP_PATH_MAX
 * bytes. At most WORLDMAP_MAX countries, WORLDMAP_FILE_MAX bytes. Bad input
 * is an error naming file:line. */
#ifndef IOTMON_WEB_WORLDMAP_H
#define IOTMON_WEB_WORLDMAP_H

#include <stddef.h>

#include "core/err.h"

#define WORLDMAP_MAX 300
#define WORLDMAP_PATH_MAX 65536
#define WORLDMAP_FILE_MAX ((size_t)4 << 20)
#define WORLDMAP_WIDTH 960
#define WORLDMAP_HEIGHT 480

struct worldmap_country {
	char cc[3];
	char name[64];
	char *path; /* SVG path data */
};

struct worldmap {
	struct worldmap_country *v;
	size_t n;
};

struct worldmap *worldmap_parse(const char *text, size_t len, const char *name, struct err *err);
struct worldmap *worldmap_load(const char *path, struct err *err);
void worldmap_free(struct worldmap *m);

#endif
