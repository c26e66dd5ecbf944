#include "datadir.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#ifndef IOTMON_SHAREDIR
#define IOTMON_SHAREDIR "/usr/local/share/iotmon"
#endif

const char *datadir_get(const struct config *cfg, char *buf, size_t len)
{
	const char *dir = cfg ? config_str(cfg, "general", "data_dir") : "";
	struct stat st;

	if (!*dir)
		dir = stat("data", &st) == 0 && S_ISDIR(st.st_mode) ? "data" : IOTMON_SHAREDIR;
	snprintf(buf, len, "%s", dir);
	/* "data/" and "data" name the same folder; keep one spelling. */
	for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
		buf[n - 1] = '\0';
	return buf;
}

char *datadir_path(const struct config *cfg, const char *rel, char *buf, size_t len)
{
	char dir[4096];
	int n;

	if (rel[0] == '/' || strncmp(rel, "./", 2) == 0 || strncmp(rel, "../", 3) == 0)
		n = snprintf(buf, len, "%s", rel);
	else
		n = snprintf(buf, len, "%s/%s", datadir_get(cfg, dir, sizeof(dir)), rel);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}
