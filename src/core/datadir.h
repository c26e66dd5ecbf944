/* datadir.h - where the data files (enrichment data, signature rules,
 * device profiles) live.
 *
 * [general] data_dir when set; otherwise ./data when that folder exists
 * (a source tree after `make data`), else the installed share folder
 * (IOTMON_SHAREDIR, set by the Makefile). Every module that reads a data file
 * resolves its path here, so a user never configures more than one folder. */
#ifndef IOTMON_DATADIR_H
#define IOTMON_DATADIR_H

#include <stddef.h>

#include "config.h"

/* Writes the data folder (no trailing slash) into buf and returns buf;
 * cfg may be NULL (defaults). */
const char *datadir_get(const struct config *cfg, char *buf, size_t len);
/* rel resolved against the data folder into buf; an absolute rel (or one
 * starting with ./ or ../) is used as given. Returns buf, or NULL when
 * the result would not fit. */
char *datadir_path(const struct config *cfg, const char *rel, char *buf, size_t len);

#endif
