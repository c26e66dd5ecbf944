#include "config.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_check.h"
#include "ipaddr.h"
#include "xalloc.h"

struct config {
	char *source;
	size_t nkeys;
	char **values; /* parallel to config_keys; NULL = default */
	char error[ERR_MSG_MAX]; /* first error while parsing */
};

static size_t count_keys(void)
{
	size_t n = 0;

	while (config_keys[n].section)
		n++;
	return n;
}

static const struct config_key *find_key(const char *section, const char *key, size_t *index)
{
	for (size_t i = 0; config_keys[i].section; i++)
		if (strcmp(config_keys[i].section, section) == 0 && strcmp(config_keys[i].key, key) == 0) {
			if (index)
				*index = i;
			return &config_keys[i];
		}
	return NULL;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; config_keys[i].section; i++)
		if (strcmp(config_keys[i].section, section) == 0)
			return true;
	return false;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int config_each_item(const char *value, int (*fn)(const char *item, size_t len, void *arg), void *arg)
{
	const char *p = value;

	while (*p) {
		const char *start, *end;
		int rc;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start && (rc = fn(start, (size_t)(end - start), arg)) != 0)
			return rc;
	}
	return 0;
}

static int check_endpoint(const char *item, size_t len, void *arg)
{
	char host[IPADDR_STRLEN];
	uint16_t port;
	struct ipaddr a;

	(void)arg;
	if (endpoint_parse(item, len, host, &port) || ipaddr_parse(host, strlen(host), &a))
		return -1;
	return 0;
}

static int check_cidr(const char *item, size_t len, void *arg)
{
	struct cidr c;

	(void)arg;
	return cidr_parse(item, len, &c);
}

static int check_country(const char *item, size_t len, void *arg)
{
	(void)arg;
	if (len == 1 && item[0] == '*')
		return 0;
	/* Matched without regard to case elsewhere, so nl is NL. */
	for (size_t i = 0; i < len; i++)
		if (!((item[i] >= 'A' && item[i] <= 'Z') || (item[i] >= 'a' && item[i] <= 'z')))
			return -1;
	return len == 2 ? 0 : -1;
}

static int validate(const struct config_key *k, const char *v, struct err *err)
{
	char *end;
	bool b;

	switch (k->type) {
	case CONFIG_STRING:
	case CONFIG_LIST:
	case CONFIG_FILE: /* checked with the whole file (config_check.c) */
	case CONFIG_FILES:
	case CONFIG_PROFILE:
	case CONFIG_PORT_PROFILES:
		return 0;
	case CONFIG_ENDPOINT:
		if (!strchr(v, ',') && check_endpoint(v, strlen(v), NULL) == 0)
			return 0;
		return err_set(err, "%s.%s: expected one ADDR:PORT or [V6ADDR]:PORT (port 0 to 65535; 0: any free one), got \"%s\"",
			       k->section, k->key, v);
	case CONFIG_COUNTRIES:
		if (config_each_item(v, check_country, NULL))
			return err_set(err,
				       "%s.%s: expected ISO 3166 two-letter country codes like NL,BE (or *), got \"%s\"",
				       k->section, k->key, v);
		return 0;
	case CONFIG_INT: {
		long long n;

		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < k->min || n > k->max)
			return err_set(err, "%s.%s: expected an integer from %.0f to %.0f, got \"%s\"",
				       k->section, k->key, k->min, k->max, v);
		return 0;
	}
	case CONFIG_DOUBLE: {
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !isfinite(d) || d < k->min || d > k->max)
			return err_set(err, "%s.%s: expected a number from %g to %g, got \"%s\"",
				       k->section, k->key, k->min, k->max, v);
		return 0;
	}
	case CONFIG_BOOL:
		if (parse_bool(v, &b))
			return err_set(err, "%s.%s: expected true or false, got \"%s\"", k->section, k->key, v);
		return 0;
	case CONFIG_ENUM: {
		size_t n = strlen(v);
		const char *c = k->choices;

		while (c && *c) {
			const char *bar = strchr(c, '|');
			size_t len = bar ? (size_t)(bar - c) : strlen(c);

			if (len == n && strncmp(c, v, n) == 0)
				return 0;
			c = bar ? bar + 1 : NULL;
		}
		return err_set(err, "%s.%s: expected one of %s, got \"%s\"", k->section, k->key, k->choices, v);
	}
	case CONFIG_ENDPOINTS:
		if (config_each_item(v, check_endpoint, NULL))
			return err_set(err, "%s.%s: expected ADDR:PORT[,ADDR:PORT...], got \"%s\"", k->section,
				       k->key, v);
		return 0;
	case CONFIG_CIDRS:
		if (config_each_item(v, check_cidr, NULL))
			return err_set(err, "%s.%s: expected prefixes like 10.0.0.0/8, got \"%s\"", k->section,
				       k->key, v);
		return 0;
	}
	return err_set(err, "%s.%s: unknown type", k->section, k->key);
}

static void store_value(struct config *cfg, size_t index, const char *v)
{
	free(cfg->values[index]);
	cfg->values[index] = xstrdup(v);
}

/* inih handler: returns 0 to report an error on the current line. */
static int on_line(void *user, const char *section, const char *name, const char *value)
{
	struct config *cfg = user;
	const struct config_key *k;
	struct err e;
	size_t index;

	if (!name) /* a section header alone */
		return 1;
	if (!section_known(section)) {
		if (!cfg->error[0])
			snprintf(cfg->error, sizeof(cfg->error), "unknown section [%s]", section);
		return 0;
	}
	k = find_key(section, name, &index);
	if (!k) {
		if (!cfg->error[0])
			snprintf(cfg->error, sizeof(cfg->error), "unknown key \"%s\" in [%s]", name, section);
		return 0;
	}
	if (validate(k, value, &e)) {
		if (!cfg->error[0])
			snprintf(cfg->error, sizeof(cfg->error), "%s", e.msg);
		return 0;
	}
	store_value(cfg, index, value);
	return 1;
}

static struct config *config_new(const char *source)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));

	cfg->source = xstrdup(source);
	cfg->nkeys = count_keys();
	cfg->values = xcalloc(cfg->nkeys, sizeof(char *));
	return cfg;
}

/* Checks every value set in cfg that needs the whole file (config_check.h). */
static int check_whole(const struct config *cfg, struct err *err)
{
	for (size_t i = 0; i < cfg->nkeys; i++)
		if (cfg->values[i] && config_check_value(cfg, &config_keys[i], cfg->values[i], err))
			return -1;
	return 0;
}

int config_check(const struct config *cfg, struct err *err)
{
	return check_whole(cfg, err);
}

/* inih carries on after a malformed line and reports only the first error's
 * line, while on_line's message may be a later line's: a section header
 * without its ']' must be reported as what it is, on its own line.
 * Returns the line number of the first such line, or 0. */
static int syntax_error_line(const char *text, char *msg, size_t len)
{
	int line = 1;

	for (const char *p = text; *p; line++) {
		const char *end = strchr(p, '\n'), *q = p;
		size_t n = end ? (size_t)(end - p) : strlen(p);

		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if (q < p + n && *q == '[' && !memchr(q, ']', (size_t)(p + n - q))) {
			snprintf(msg, len, "syntax error: section header without ']'");
			return line;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

static struct config *finish(struct config *cfg, int rc, const char *name, struct err *err)
{
	if (rc == 0) {
		struct err e;

		if (check_whole(cfg, &e) == 0)
			return cfg;
		err_set(err, "%s: %s", name, e.msg);
		config_free(cfg);
		return NULL;
	}
	if (rc == -1)
		err_set(err, "%s: cannot open: %s", name, strerror(errno));
	else if (rc == -2)
		err_set(err, "%s: out of memory", name);
	else
		err_set(err, "%s:%d: %s", name, rc, cfg->error[0] ? cfg->error : "syntax error (expected key = value)");
	config_free(cfg);
	return NULL;
}

static int parse_text(struct config *cfg, const char *text)
{
	int line = syntax_error_line(text, cfg->error, sizeof(cfg->error));

	return line ? line : ini_parse_string(text, on_line, cfg);
}

struct config *config_load(const char *path, struct err *err)
{
	struct config *cfg;
	FILE *f;

	if (!path)
		return config_new("defaults");
	cfg = config_new(path);
	f = fopen(path, "r");
	if (!f)
		return finish(cfg, -1, path, err);
	size_t len = 0, cap = 4096;
	char *text = xmalloc(cap);
	size_t n;

	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			text = xrealloc(text, cap *= 2);
	}
	text[len] = '\0';
	int rc = ferror(f) ? -1 : parse_text(cfg, text);
	fclose(f);
	free(text);
	return finish(cfg, rc, path, err);
}

struct config *config_load_string(const char *text, const char *name, struct err *err)
{
	struct config *cfg = config_new(name);

	return finish(cfg, parse_text(cfg, text), name, err);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nkeys; i++)
		free(cfg->values[i]);
	free(cfg->values);
	free(cfg->source);
	free(cfg);
}

const char *config_source(const struct config *cfg)
{
	return cfg->source;
}

static const char *lookup(const struct config *cfg, const char *section, const char *key,
			  enum config_type type)
{
	size_t index;
	const struct config_key *k = find_key(section, key, &index);

	if (!k || (k->type != type && !(type == CONFIG_STRING)))
		abort(); /* a programming error: the key is not declared so */
	return cfg->values[index] ? cfg->values[index] : k->def;
}

const char *config_str(const struct config *cfg, const char *section, const char *key)
{
	return lookup(cfg, section, key, CONFIG_STRING);
}

long config_int(const struct config *cfg, const char *section, const char *key)
{
	return strtol(lookup(cfg, section, key, CONFIG_INT), NULL, 10);
}

double config_double(const struct config *cfg, const char *section, const char *key)
{
	return strtod(lookup(cfg, section, key, CONFIG_DOUBLE), NULL);
}

bool config_bool(const struct config *cfg, const char *section, const char *key)
{
	bool b = false;

	parse_bool(lookup(cfg, section, key, CONFIG_BOOL), &b);
	return b;
}

int config_set(struct config *cfg, const char *section, const char *key, const char *value,
	       struct err *err)
{
	size_t index;
	const struct config_key *k = find_key(section, key, &index);

	if (!k)
		return err_set(err, "unknown setting %s.%s", section, key);
	if (validate(k, value, err) || config_check_value(cfg, k, value, err))
		return -1;
	store_value(cfg, index, value);
	return 0;
}
