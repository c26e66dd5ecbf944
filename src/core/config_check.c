/* config_check.c - files and names a configuration refers to (see config_check.h). */
#include "config_check.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datadir.h"
#include "ipaddr.h"

#define SNIFF_BYTES 4096

/* The first line of buf that is neither blank nor a comment, copied to out. */
static void first_data_line(const char *buf, char *out, size_t outlen)
{
	const char *p = buf;

	out[0] = '\0';
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len && p[0] != '#' && p[0] != '\r') {
			if (len >= outlen)
				len = outlen - 1;
			memcpy(out, p, len);
			out[len] = '\0';
			if (len && out[len - 1] == '\r')
				out[len - 1] = '\0';
			return;
		}
		if (!end)
			return;
		p = end + 1;
	}
}

/* A range CSV: start,end,... with two addresses (ip-location-db layout). */
static const char *check_range_csv(const char *head, const char *path)
{
	char line[512], *c1, *c2;
	struct ipaddr a, b;

	(void)path;
	first_data_line(head, line, sizeof(line));
	c1 = strchr(line, ',');
	c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (!c2 || ipaddr_parse(line, (size_t)(c1 - line), &a) || ipaddr_parse(c1 + 1, (size_t)(c2 - c1 - 1), &b))
		return "not a range CSV (start,end,...): the first line does not start with two addresses";
	return NULL;
}

/* An MMDB ends with its metadata, after this marker. */
static const char *check_mmdb(const char *head, const char *path)
{
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	char buf[128 * 1024];
	const char *found = NULL;
	FILE *f = fopen(path, "rb");
	size_t n;

	(void)head;
	if (!f)
		return "cannot open";
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);

		fseek(f, size > (long)sizeof(buf) ? size - (long)sizeof(buf) : 0, SEEK_SET);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t i = 0; !found && i + sizeof(marker) - 1 <= n; i++)
		if (memcmp(buf + i, marker, sizeof(marker) - 1) == 0)
			found = buf + i;
	return found ? NULL : "not an MMDB database (no MaxMind metadata marker)";
}

/* CSV with a header line: its first field names the format. */
static const char *check_population(const char *head, const char *path)
{
	(void)path;
	return strncmp(head, "cc,", 3) == 0 ? NULL : "not a population CSV (header cc,country,population,year,source)";
}

/* asn,email lines (a header allowed): the first has a comma. */
static const char *check_contacts(const char *head, const char *path)
{
	char line[512];

	(void)path;
	first_data_line(head, line, sizeof(line));
	/* The first line may be a header; the contacts module checks each line
	 * when it loads the file. */
	return !line[0] || strchr(line, ',') ? NULL : "not a contacts CSV (asn,email a line)";
}

/* Any readable text file without NUL bytes. */
static const char *check_text(const char *head, const char *path)
{
	(void)path;
	(void)head;
	return NULL;
}

static const struct file_format {
	const char *name;
	bool data_relative; /* resolved against data_dir (else as given) */
	bool binary;
	const char *(*check)(const char *head, const char *path);
} formats[] = {
	{"range-csv", true, false, check_range_csv}, {"mmdb", true, true, check_mmdb},
	{"population", true, false, check_population}, {"contacts", false, false, check_contacts},
	{"data-text", true, false, check_text},	       {"text", false, false, check_text},
};

static const struct file_format *format_of(const struct config_key *k)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (k->choices && strcmp(k->choices, formats[i].name) == 0)
			return &formats[i];
	abort(); /* a programming error in config_keys.c */
}

struct file_ctx {
	const struct config *cfg;
	const struct config_key *k;
	struct err *err;
};

static int check_file(const char *item, size_t len, void *arg)
{
	struct file_ctx *c = arg;
	const struct file_format *fmt = format_of(c->k);
	char rel[4096], path[4096], head[SNIFF_BYTES + 1];
	const char *why;
	struct stat st;
	size_t n;
	FILE *f;

	snprintf(rel, sizeof(rel), "%.*s", (int)len, item);
	if (!fmt->data_relative)
		snprintf(path, sizeof(path), "%s", rel);
	else if (!datadir_path(c->cfg, rel, path, sizeof(path)))
		return err_set(c->err, "%s.%s: %s: path too long", c->k->section, c->k->key, rel);
	if (stat(path, &st) != 0)
		return err_set(c->err, "%s.%s: %s: %s", c->k->section, c->k->key, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(c->err, "%s.%s: %s: not a regular file", c->k->section, c->k->key, path);
	f = fopen(path, "rb");
	if (!f)
		return err_set(c->err, "%s.%s: %s: %s", c->k->section, c->k->key, path, strerror(errno));
	n = fread(head, 1, SNIFF_BYTES, f);
	fclose(f);
	head[n] = '\0';
	if (!fmt->binary && memchr(head, '\0', n))
		return err_set(c->err, "%s.%s: %s: a binary file, not text", c->k->section, c->k->key, path);
	why = fmt->check(head, path);
	if (why)
		return err_set(c->err, "%s.%s: %s: %s", c->k->section, c->k->key, path, why);
	return 0;
}

/* The profile names of the data folder's profiles.json, or NULL (err set). */
static json_t *load_profiles(const struct config *cfg, const struct config_key *k, struct err *err)
{
	char path[4096];
	json_error_t je;
	json_t *root;

	if (!datadir_path(cfg, "profiles.json", path, sizeof(path))) {
		err_set(err, "%s.%s: the profiles path is too long", k->section, k->key);
		return NULL;
	}
	root = json_load_file(path, 0, &je);
	if (!root) {
		err_set(err, "%s.%s: %s:%d: %s", k->section, k->key, path, je.line, je.text);
		return NULL;
	}
	return root;
}

static bool profile_known(const json_t *root, const char *name, size_t len)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(root, "profiles"), i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));

		if (n && strlen(n) == len && strncmp(n, name, len) == 0)
			return true;
	}
	return false;
}

static void list_profiles(const json_t *root, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *p;

	buf[0] = '\0';
	json_array_foreach(json_object_get(root, "profiles"), i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));

		if (n && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", n);
	}
}

struct profile_ctx {
	const json_t *root;
	const struct config_key *k;
	struct err *err;
};

static int unknown_profile(const struct profile_ctx *c, const char *name, size_t len)
{
	char known[512];

	list_profiles(c->root, known, sizeof(known));
	return err_set(c->err, "%s.%s: unknown profile \"%.*s\" (known: %s)", c->k->section, c->k->key, (int)len, name,
		       known);
}

static int check_port_profile(const char *item, size_t len, void *arg)
{
	struct profile_ctx *c = arg;
	const char *eq = memchr(item, '=', len);
	char *end;
	long port;

	if (!eq)
		return err_set(c->err, "%s.%s: expected PORT=PROFILE, got \"%.*s\"", c->k->section, c->k->key, (int)len,
			       item);
	port = strtol(item, &end, 10);
	if (end != eq || port < 1 || port > 65535)
		return err_set(c->err, "%s.%s: expected a port from 1 to 65535 in \"%.*s\"", c->k->section, c->k->key,
			       (int)len, item);
	if (!profile_known(c->root, eq + 1, (size_t)(item + len - eq - 1)))
		return unknown_profile(c, eq + 1, (size_t)(item + len - eq - 1));
	return 0;
}

int config_check_value(const struct config *cfg, const struct config_key *k, const char *value, struct err *err)
{
	switch (k->type) {
	case CONFIG_FILE: {
		struct file_ctx c = {cfg, k, err};

		return *value ? check_file(value, strlen(value), &c) : 0;
	}
	case CONFIG_FILES: {
		struct file_ctx c = {cfg, k, err};

		return config_each_item(value, check_file, &c) ? -1 : 0;
	}
	case CONFIG_PROFILE:
	case CONFIG_PORT_PROFILES: {
		struct profile_ctx c = {NULL, k, err};
		json_t *root;
		int rc = 0;

		if (!*value)
			return 0;
		root = load_profiles(cfg, k, err);
		if (!root)
			return -1;
		c.root = root;
		if (k->type == CONFIG_PROFILE) {
			if (!profile_known(root, value, strlen(value)))
				rc = unknown_profile(&c, value, strlen(value));
		} else if (config_each_item(value, check_port_profile, &c)) {
			rc = -1;
		}
		json_decref(root);
		return rc;
	}
	default:
		return 0;
	}
}
