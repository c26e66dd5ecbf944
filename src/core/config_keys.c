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

	{"enrich", "asn_csv", CONFIG_LIST, "ipdb/asn-ipv4.csv, ipdb/asn-ipv6.csv", 0, 0, NULL,
	 "ip-location-db range CSVs (start,end,asn,org) for ASN and network name; relative to data_dir"},
	{"enrich", "asn_mmdb", CONFIG_STRING, "", 0, 0, NULL,
	 "an MMDB with ASNs (GeoLite2-ASN, DB-IP, IPinfo, ip-location-db); asked after asn_csv"},
	{"enrich", "country_csv", CONFIG_LIST, "", 0, 0, NULL, "range CSVs (start,end,cc) for the country"},
	{"enrich", "country_mmdb", CONFIG_STRING, "ipdb/geo-whois-asn-country.mmdb", 0, 0, NULL,
	 "an MMDB with countries; asked after country_csv"},
	{"enrich", "mmdb_asn_paths", CONFIG_LIST, "autonomous_system_number, asn", 0, 0, NULL,
	 "record paths (dotted) tried in order for the ASN in an MMDB record"},
	{"enrich", "mmdb_as_name_paths", CONFIG_LIST, "autonomous_system_organization, as_name, asn.name", 0, 0,
	 NULL, "record paths tried in order for the network name"},
	{"enrich", "mmdb_cc_paths", CONFIG_LIST, "country_code, country.iso_code, registered_country.iso_code", 0,
	 0, NULL, "record paths tried in order for the ISO country code"},
	{"enrich", "focus_countries", CONFIG_LIST, "NL", 0, 0, NULL,
	 "countries whose infected IPs are probed and whose networks get feeds (* for all)"},

	{"probe", "enabled", CONFIG_BOOL, "false", 0, 0, NULL,
	 "iotmon run probes newly infected in-scope IPs (needs contact_url)"},
	{"probe", "ports", CONFIG_LIST, "23, 2323, 80, 8080, 81, 8000, 554, 443", 0, 0, NULL, "TCP ports probed"},
	{"probe", "connect_timeout_ms", CONFIG_INT, "3000", 50, 60000, NULL, "give up a connect after this"},
	{"probe", "read_timeout_ms", CONFIG_INT, "4000", 50, 60000, NULL,
	 "longest time one connection is kept open for its answer"},
	{"probe", "max_parallel", CONFIG_INT, "256", 1, 10000, NULL, "connections open at once"},
	{"probe", "rate_global", CONFIG_DOUBLE, "50", 0.1, 1e7, NULL, "new connections per second, all targets"},
	{"probe", "rate_per_ip", CONFIG_DOUBLE, "2", 0.01, 1e7, NULL, "new connections per second to one IP"},
	{"probe", "user_agent", CONFIG_STRING, "iotmon/0.1 (IoT infection research)", 0, 0, NULL,
	 "User-Agent of HTTP probes; contact_url is appended"},
	{"probe", "contact_url", CONFIG_STRING, "", 0, 0, NULL,
	 "where a probed party can reach the operator (sent with every HTTP probe)"},
	{"probe", "allow", CONFIG_CIDRS, "", 0, 0, NULL,
	 "prefixes that may be probed whatever their country (own networks, tests)"},
	{"probe", "do_not_probe", CONFIG_CIDRS,
	 "0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16, "
	 "224.0.0.0/3, ::1/128, fc00::/7, fe80::/10, ff00::/8",
	 0, 0, NULL, "prefixes never probed (wins over everything)"},
	{"probe", "reprobe_after_h", CONFIG_INT, "168", 1, 87600, NULL, "a device result expires after this"},
	{"probe", "interval_s", CONFIG_INT, "60", 1, 86400, NULL, "how often the prober looks for new infected IPs"},
	{"probe", "signatures", CONFIG_STRING, "device-signatures.tsv", 0, 0, NULL,
	 "our device signature rules; relative to data_dir"},
	{"probe", "nmap_probes", CONFIG_STRING, "/usr/share/nmap/nmap-service-probes", 0, 0, NULL,
	 "nmap service-probe database used when installed (empty: not used)"},

	{NULL, NULL, 0, NULL, 0, 0, NULL, NULL},
};
