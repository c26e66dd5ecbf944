/* config_keys.c - every configuration key, its type, default and meaning.
 *
 * This table is the single definition: the loader validates against it,
 * `iotmon config` prints it, and a test checks that etc/iotmon.conf mentions
 * every key. Add a key here and in etc/iotmon.conf together. */
#include "config.h"

const struct config_key config_keys[] = {
	{"general", "sensor_name", CONFIG_STRING, "iotmon", 0, 0, NULL,
	 "name of this sensor in every event"},
	{"general", "data_dir", CONFIG_STRING, "", 0, 0, NULL,
	 "folder with profiles, rules and enrichment data (empty: ./data, else the installed share folder)"},
	{"general", "log_level", CONFIG_ENUM, "info", 0, 0, "error|warning|info|debug", "least severe message logged"},
	{"general", "user", CONFIG_STRING, "", 0, 0, NULL,
	 "after binding, drop privileges to this user (required when started as root)"},

	{"store", "backend", CONFIG_ENUM, "sqlite", 0, 0, "sqlite", "store implementation"},
	{"store", "path", CONFIG_STRING, "var/iotmon.db", 0, 0, NULL, "SQLite database file"},
	{"store", "batch_size", CONFIG_INT, "5000", 1, 1000000, NULL, "events per transaction at most"},
	{"store", "batch_interval_ms", CONFIG_INT, "1000", 10, 1000, NULL,
	 "an accepted event is committed within this time"},
	{"store", "queue_max", CONFIG_INT, "200000", 1000, 100000000, NULL,
	 "events waiting for the writer before sensors are slowed down"},

	{"web", "enabled", CONFIG_BOOL, "false", 0, 0, NULL, "iotmon run serves the dashboard and the API"},
	{"web", "listen", CONFIG_STRING, "127.0.0.1:8080", 0, 0, NULL, "ADDR:PORT or [V6ADDR]:PORT of the web server"},
	{"web", "threads", CONFIG_INT, "4", 1, 64, NULL, "worker threads answering requests"},
	{"web", "max_connections", CONFIG_INT, "256", 1, 10000, NULL, "open connections at most"},
	{"web", "max_per_ip", CONFIG_INT, "32", 1, 10000, NULL, "open connections from one client address at most"},
	{"web", "timeout_s", CONFIG_INT, "10", 1, 3600, NULL, "an idle or slow connection is closed after this"},
	{"web", "cache_seconds", CONFIG_INT, "30", 0, 3600, NULL,
	 "public pages and /metrics are recomputed at most this often (0: every request)"},
	{"web", "rate_per_minute", CONFIG_INT, "600", 1, 1000000, NULL, "API requests per token per minute"},
	{"web", "burst", CONFIG_INT, "60", 1, 1000000, NULL, "API requests a token may make at once"},
	{"web", "language", CONFIG_ENUM, "en", 0, 0, "en|nl", "language of the dashboard pages"},
	{"web", "focus_countries", CONFIG_LIST, "NL", 0, 0, NULL, "country codes charted on the overview page"},
	{"web", "population_file", CONFIG_STRING, "", 0, 0, NULL,
	 "CSV cc,country,population,year,source (empty: population.csv in the data folder)"},

	{NULL, NULL, 0, NULL, 0, 0, NULL, NULL},
};
