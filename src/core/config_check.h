/* config_check.h - validation of a loaded configuration as a whole.
 *
 * Line validation (config.c) checks each value on its own. Some values can
 * only be checked against others or against the disk: files (relative to
 * data_dir), the device profiles in the data folder. config_load() runs this
 * after parsing and config_set() for the key it sets, so `iotmon config` and
 * every command reject the same files. Values left at their defaults are not
 * checked here: a missing installed data file is the installation's matter,
 * reported by the module that reads it. */
#ifndef IOTMON_CONFIG_CHECK_H
#define IOTMON_CONFIG_CHECK_H

#include "config.h"

/* Checks every key set in cfg; err names the key ("section.key: FILE: ..."). */
int config_check(const struct config *cfg, struct err *err);
/* Checks one value of key k as if it were set in cfg. */
int config_check_value(const struct config *cfg, const struct config_key *k, const char *value, struct err *err);

#endif
