/* config.h - the one INI configuration file.
 *
 * Every key iotmon knows is declared once in config_keys.c with its type,
 * range and default; the example etc/iotmon.conf documents the same keys.
 * Loading validates each line: a syntax error, an unknown section or key, or
 * a value of the wrong type or out of range, is an error naming file:line.
 * Then the file is validated whole (config_check.h): every file it names
 * exists and has the declared format, every profile name exists. Values
 * not set in the file take the declared default, so callers never handle
 * "missing". */
#ifndef IOTMON_CONFIG_H
#define IOTMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum config_type {
	CONFIG_STRING,
	CONFIG_INT,	  /* integer within [min, max] */
	CONFIG_DOUBLE,	  /* number within [min, max] */
	CONFIG_BOOL,	  /* true/false, yes/no, on/off, 1/0 */
	CONFIG_ENUM,	  /* one of choices "a|b|c" */
	CONFIG_LIST,	  /* comma-separated words, may be empty */
	CONFIG_ENDPOINTS, /* comma-separated ADDR:PORT / [V6]:PORT, may be empty */
	CONFIG_CIDRS,	  /* comma-separated prefixes, may be empty */
	CONFIG_ENDPOINT,  /* one ADDR:PORT / [V6]:PORT, port 0-65535 */
	CONFIG_COUNTRIES, /* comma-separated ISO 3166 alpha-2 codes, or * */
	/* Checked with the whole file (config_check.h): they need data_dir. */
	CONFIG_FILE,	  /* a file (choices: its format), may be empty: none */
	CONFIG_FILES,	  /* comma-separated files of one format, may be empty */
	CONFIG_PROFILE,	  /* a device profile name in the data folder's profiles.json */
	CONFIG_PORT_PROFILES, /* PORT=PROFILE,... */
};

struct config_key {
	const char *section;
	const char *key;
	enum config_type type;
	const char *def; /* default as text, as it would be written in the file */
	double min, max; /* CONFIG_INT, CONFIG_DOUBLE */
	const char *choices; /* CONFIG_ENUM; CONFIG_FILE(S): the format (config_check.c) */
	const char *help;
};

/* The table of every known key, ended by a zeroed entry. */
extern const struct config_key config_keys[];

struct config;

/* Loads path (NULL: defaults only). Returns NULL and sets err
 * ("FILE:LINE: message" or "FILE: reason") on failure. */
struct config *config_load(const char *path, struct err *err);
/* Parses INI text held in memory; name is used in messages. */
struct config *config_load_string(const char *text, const char *name, struct err *err);
void config_free(struct config *cfg);
/* Where the values came from ("defaults" when no file). */
const char *config_source(const struct config *cfg);

/* Accessors for declared keys; asking for an undeclared key or the wrong type
 * is a programming error and aborts. Strings live as long as cfg. */
const char *config_str(const struct config *cfg, const char *section, const char *key);
long config_int(const struct config *cfg, const char *section, const char *key);
double config_double(const struct config *cfg, const char *section, const char *key);
bool config_bool(const struct config *cfg, const char *section, const char *key);
/* Overrides a value (command-line options); validated like a file line. */
int config_set(struct config *cfg, const char *section, const char *key, const char *value,
	       struct err *err);

/* Splits a CONFIG_LIST / ENDPOINTS / CIDRS value: calls fn for each trimmed,
 * non-empty item; stops and returns fn's result when it is non-zero. */
int config_each_item(const char *value, int (*fn)(const char *item, size_t len, void *arg), void *arg);

#endif
