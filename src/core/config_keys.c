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

	{"telescope", "interface", CONFIG_STRING, "", 0, 0, NULL,
	 "interface `iotmon run` captures telescope traffic on (empty: no live telescope)"},
	{"telescope", "bpf", CONFIG_STRING, "", 0, 0, NULL, "BPF filter for the live capture (empty: every packet)"},
	{"telescope", "label_share", CONFIG_DOUBLE, "0.9", 0.5, 1.0, NULL,
	 "share of a source's probes that must pass a fingerprint test for the source to get its label"},
	{"telescope", "min_packets", CONFIG_INT, "2", 1, 1e9, NULL,
	 "probes a source sends in a UTC day before it counts as scanning (and is stored)"},
	{"telescope", "min_destinations", CONFIG_INT, "2", 1, 1e9, NULL,
	 "distinct destinations a source probes in a UTC day before it counts as scanning"},
	{"telescope", "flush_interval", CONFIG_INT, "3600", 10, 86400, NULL,
	 "seconds between flushes of live results to the store"},
	{"telescope", "threads", CONFIG_INT, "0", 0, 64, NULL, "worker threads for capture files (0: one per core)"},

	{NULL, NULL, 0, NULL, 0, 0, NULL, NULL},
};
