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

	{"feeds", "enabled", CONFIG_BOOL, "false", 0, 0, NULL,
	 "iotmon run writes each finished UTC day's feeds to the outbox (and mails them when smtp_url is set)"},
	{"feeds", "outbox_dir", CONFIG_STRING, "var/outbox", 0, 0, NULL, "folder of outbox/DATE/ASN.FORMAT files"},
	{"feeds", "formats", CONFIG_LIST, "csv,json,xarf,xarf-mail", 0, 0, NULL,
	 "feed formats written to the outbox: csv, json, xarf, xarf-mail"},
	{"feeds", "focus_countries", CONFIG_LIST, "", 0, 0, NULL,
	 "ISO country codes whose networks go into the clearinghouse bundle (empty: every network)"},
	{"feeds", "feed_name", CONFIG_STRING, "iotmon-infected-iot", 0, 0, NULL, "feed.name in IntelMQ events"},
	{"feeds", "provider", CONFIG_STRING, "iotmon", 0, 0, NULL, "reporting organisation (feed.provider, X-ARF reporter)"},
	{"feeds", "reporter_email", CONFIG_STRING, "abuse-reports@localhost", 0, 0, NULL,
	 "sender and reporter contact address of feeds and mails"},
	{"feeds", "contacts_file", CONFIG_STRING, "", 0, 0, NULL,
	 "CSV file asn,email of abuse contacts (empty: only the networks table)"},
	{"feeds", "smtp_url", CONFIG_STRING, "", 0, 0, NULL,
	 "mail each network's xarf-mail feed to its abuse contact through this server (smtp://host:port; empty: no mail)"},
	{"feeds", "delay_minutes", CONFIG_INT, "30", 0, 1440, NULL,
	 "a UTC day counts as finished this many minutes after midnight (late imports)"},
	{"feeds", "retry_days", CONFIG_INT, "7", 1, 365, NULL, "failed deliveries of days up to this old are retried"},
	{"feeds", "interval_s", CONFIG_INT, "300", 1, 86400, NULL, "how often the outbox job looks for work"},

	{NULL, NULL, 0, NULL, 0, 0, NULL, NULL},
};
