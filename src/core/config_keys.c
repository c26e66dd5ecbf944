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

	{"honeypot", "enabled", CONFIG_BOOL, "false", 0, 0, NULL, "`iotmon run` starts the telnet/HTTP honeypot"},
	{"honeypot", "telnet", CONFIG_ENDPOINTS, "127.0.0.1:2323", 0, 0, NULL,
	 "telnet listeners ADDR:PORT,... (production: 0.0.0.0:23,0.0.0.0:2323)"},
	{"honeypot", "http", CONFIG_ENDPOINTS, "127.0.0.1:8081", 0, 0, NULL,
	 "HTTP listeners ADDR:PORT,... (production: 80, 8080, 81, 7547, 37215, 52869 ...)"},
	{"honeypot", "profile", CONFIG_STRING, "busybox", 0, 0, NULL, "device profile (data/profiles.json) of every listener"},
	{"honeypot", "port_profiles", CONFIG_LIST, "", 0, 0, NULL,
	 "per-port profiles PORT=NAME,... overriding profile (e.g. 37215=router,8081=ipcam)"},
	{"honeypot", "cowrie_log", CONFIG_STRING, "", 0, 0, NULL, "Cowrie-compatible JSON log file (empty: none)"},
	{"honeypot", "credentials", CONFIG_STRING, "credentials.txt", 0, 0, NULL,
	 "default-credential list (user:password a line): a path, or a name in the data folder"},
	{"honeypot", "accept_default_credentials", CONFIG_BOOL, "true", 0, 0, NULL,
	 "accept a pair that is in the credential list"},
	{"honeypot", "accept_after", CONFIG_INT, "0", 0, 1000, NULL,
	 "accept any pair after this many failed attempts in a session (0: never)"},
	{"honeypot", "max_login_attempts", CONFIG_INT, "3", 1, 1000, NULL, "failed logins before the session is closed"},
	{"honeypot", "max_sessions", CONFIG_INT, "20000", 1, 1000000, NULL, "concurrent sessions at most"},
	{"honeypot", "max_sessions_per_ip", CONFIG_INT, "64", 1, 1000000, NULL, "concurrent sessions per source IP"},
	{"honeypot", "max_commands", CONFIG_INT, "500", 1, 1000000, NULL, "shell commands or HTTP requests per session"},
	{"honeypot", "max_session_bytes", CONFIG_INT, "1048576", 1024, 1073741824, NULL, "bytes received per session"},
	{"honeypot", "max_pending_output", CONFIG_INT, "262144", 4096, 67108864, NULL,
	 "unsent output per session before it is closed as a slow reader"},
	{"honeypot", "max_payload_bytes", CONFIG_INT, "1048576", 0, 67108864, NULL,
	 "bytes of dropped files (echo droppers) kept per session"},
	{"honeypot", "idle_timeout_ms", CONFIG_INT, "60000", 100, 86400000, NULL, "a silent session is closed after this"},
	{"honeypot", "session_timeout_ms", CONFIG_INT, "600000", 100, 86400000, NULL, "longest session"},
	{"honeypot", "request_timeout_ms", CONFIG_INT, "10000", 100, 3600000, NULL,
	 "an HTTP request must arrive within this (slowloris defence)"},

	{NULL, NULL, 0, NULL, 0, 0, NULL, NULL},
};
