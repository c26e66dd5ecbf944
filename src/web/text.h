/* text.h - every word the dashboard shows a person, by id.
 *
 * The pages never contain literal user-facing text: they ask text(ID). The
 * English strings are in text_en.c, Dutch in text_nl.c; a translation is
 * one more file with the same table, one line in text.c and its code in the
 * choices of [web] language. Strings that take
 * values are printf formats; their arguments are documented beside the id. */
#ifndef IOTMON_WEB_TEXT_H
#define IOTMON_WEB_TEXT_H

enum text_id {
	T_LANG, /* the HTML lang attribute */
	T_SITE_TITLE,
	T_SITE_TAGLINE,
	T_NAV_OVERVIEW,
	T_NAV_COUNTRIES,
	T_NAV_NETWORKS,
	T_NAV_MANUFACTURERS,
	T_NAV_FAMILIES,
	T_NAV_REMEDIATION,
	T_NAV_SENSORS,
	T_FOOTER, /* %s: version */
	T_PERIOD, /* %s from, %s to, %d days */
	T_NO_DATA,
	T_UNKNOWN,
	T_DASH, /* a missing figure */
	T_ALL_COUNTRIES,
	T_TODAY_LEFT_OUT,
	T_PERIOD_CHOOSE,
	T_PERIOD_ALL,
	T_PERIOD_FROM,
	T_PERIOD_TO,
	T_PERIOD_SHOW,
	T_FILTER, /* %s */
	T_FILTER_COUNTRY, /* %s */
	T_FILTER_NETWORK, /* %u */
	T_FILTER_FAMILY, /* %s */
	T_FILTER_CLEAR,
	T_DATA_LINKS,
	T_AXIS_PER_MILLION,
	T_AXIS_COUNTRY,
	T_AXIS_NETWORK,
	T_AXIS_FAMILY,
	T_AXIS_VENDOR,
	T_COUNTRIES_UNKNOWN, /* %s */
	T_COL_DRILL,
	T_DRILL_NETWORKS,
	T_DRILL_FAMILIES,
	T_DRILL_COUNTRIES,
	T_COL_FIRMWARE,

	T_OVERVIEW_TITLE,
	T_OVERVIEW_INTRO,
	T_OVERVIEW_FOCUS_TODAY, /* %s day, %s focus country list, %s count */
	T_OVERVIEW_ALL_TODAY, /* %s day, %s count */
	T_OVERVIEW_CHART, /* %d days */
	T_OVERVIEW_TREND_TITLE,
	T_AXIS_DAY,
	T_AXIS_DEVICES,
	T_COL_COUNTRY,
	T_COL_LAST_DAY,
	T_COL_MEAN_FIRST7,
	T_COL_MEAN_LAST7,
	T_COL_CHANGE,
	T_COL_SLOPE,

	T_COUNTRIES_TITLE,
	T_COUNTRIES_INTRO,
	T_COUNTRIES_NO_POPULATION,
	T_COUNTRIES_POPULATION_SOURCE, /* %s source */
	T_COUNTRIES_CHART_PM,
	T_COUNTRIES_CHART_COUNT,
	T_COL_CC,
	T_COL_DEVICES,
	T_COL_POPULATION,
	T_COL_PER_MILLION,
	T_COL_MEAN_PER_DAY,

	T_NETWORKS_TITLE,
	T_NETWORKS_INTRO,
	T_NETWORKS_CHART,
	T_NETWORKS_CLEANUP_NOTE,
	T_COL_ASN,
	T_COL_AS_NAME,
	T_COL_CLEANED14,
	T_COL_MEDIAN_DAYS,

	T_MANUFACTURERS_TITLE,
	T_MANUFACTURERS_INTRO,
	T_MANUFACTURERS_CHART,
	T_MANUFACTURERS_CHARACTERIZED, /* %s characterized, %s all */
	T_MODELS_TITLE,
	T_COL_VENDOR,
	T_COL_MODEL,
	T_COL_TYPE,
	T_COL_SHARE,

	T_FAMILIES_TITLE,
	T_FAMILIES_INTRO,
	T_FAMILIES_CHART,
	T_COL_FAMILY,

	T_REMEDIATION_TITLE,
	T_REMEDIATION_INTRO,
	T_REMEDIATION_NO_DATA,
	T_REMEDIATION_EPISODES, /* %s infections, %s cleaned, %s still running */
	T_REMEDIATION_CLEANED14, /* %s share, as "41%" */
	T_REMEDIATION_MEDIAN, /* %s days */
	T_REMEDIATION_MEDIAN_NONE,
	T_REMEDIATION_CAVEAT,
	T_REMEDIATION_CHART,
	T_AXIS_DAYS_SINCE,
	T_AXIS_STILL_INFECTED,

	T_SENSORS_TITLE,
	T_SENSORS_INTRO, /* %d minutes */
	T_COL_SENSOR,
	T_COL_EVENTS_TOTAL,
	T_COL_EVENTS_PER_MIN,
	T_COL_LAST_EVENT,
	T_COL_PACKETS_PER_S,
	T_COL_KINDS,
	T_COL_STATE,
	T_SENSOR_LIVE,
	T_SENSOR_SILENT, /* %d hours */
	T_SENSOR_SILENT_DAYS, /* %d days */
	T_SENSOR_NEVER,
	T_COL_HOURLY,
	T_SENSORS_SILENT_NOTE,

	T_NAV_PORTAL,
	T_PORTAL_TITLE,
	T_PORTAL_LOGIN_TITLE,
	T_PORTAL_LOGIN_INTRO,
	T_PORTAL_TOKEN,
	T_PORTAL_SIGN_IN,
	T_PORTAL_SIGN_OUT,
	T_PORTAL_BAD_TOKEN,
	T_PORTAL_SIGNED_IN, /* %s, %s */
	T_PORTAL_HOSTS_TITLE, /* %s */
	T_PORTAL_HOSTS_MORE, /* %s */
	T_PORTAL_TREND_TITLE,
	T_PORTAL_CLEANUP_TITLE,
	T_PORTAL_ALL_NETWORKS,
	T_PORTAL_FEEDS_TITLE,
	T_PORTAL_FEEDS_INTRO,
	T_COL_ADDRESS,
	T_COL_EVIDENCE,
	T_COL_EVENTS,
	T_COL_FIRST_LAST,
	T_COL_EPISODES,

	T_MAP_TITLE,
	T_MAP_TITLE_COUNT,
	T_MAP_NO_DATA,
	T_MAP_MISSING,
	T_MAP_CREDIT,

	T_PORTS_TITLE,
	T_PORTS_INTRO,
	T_PORTS_CHART,
	T_AXIS_PORT,
	T_COL_PORT,
	T_DRILL_PORTS,
	T_PORTS_DATA_LINKS,

	T_COUNT
};

/* The text of id in the active language (English unless set). */
const char *text(enum text_id id);
/* Chooses the language ("en"); returns -1 for one not built in. */
int text_set_language(const char *lang);

/* The built-in languages, "en|nl". */
const char *text_languages(void);

/* One table per language. */
extern const char *const text_en[T_COUNT], *const text_nl[T_COUNT];

#endif
