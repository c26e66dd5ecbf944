/* profile.c - device profiles (JSON data file) and the credential policy. */
#include "profile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const struct cpu {
	const char *name;
	uint16_t machine;
	uint8_t big_endian;
	uint32_t flags;
} cpus[] = {
	{"arm", 40, 0, 0x05000002}, {"mips", 8, 1, 0x00001007}, {"mipsel", 8, 0, 0x00001007},
	{"x86", 3, 0, 0},	    {"ppc", 20, 1, 0},		{"sh4", 42, 0, 0x9},
	{"m68k", 4, 1, 0},	    {"sparc", 2, 1, 0},
};

static void put16(uint8_t *p, uint16_t v, int be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* The 52-byte ELF32 header of a small static executable for cpu: what
 * loaders read with `cat /bin/echo` or `dd bs=52 count=1` to pick a build. */
static int make_elf_header(const char *cpu, uint8_t *h)
{
	const struct cpu *c = NULL;

	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		if (strcmp(cpus[i].name, cpu) == 0)
			c = &cpus[i];
	if (!c)
		return -1;
	memset(h, 0, HP_ELF_HEADER_LEN);
	memcpy(h, "\x7f" "ELF", 4);
	h[4] = 1; /* ELFCLASS32 */
	h[5] = c->big_endian ? 2 : 1;
	h[6] = 1; /* EV_CURRENT */
	put16(h + 16, 2, c->big_endian); /* ET_EXEC */
	put16(h + 18, c->machine, c->big_endian);
	put32(h + 20, 1, c->big_endian);
	put32(h + 24, 0x8194, c->big_endian); /* entry */
	put32(h + 28, 52, c->big_endian); /* program headers follow */
	put32(h + 32, 0x5a74, c->big_endian); /* section headers */
	put32(h + 36, c->flags, c->big_endian);
	put16(h + 40, 52, c->big_endian);
	put16(h + 42, 32, c->big_endian);
	put16(h + 44, 3, c->big_endian);
	put16(h + 46, 40, c->big_endian);
	put16(h + 48, 14, c->big_endian);
	put16(h + 50, 13, c->big_endian);
	return 0;
}

static char *member(json_t *o, const char *key, const char *def)
{
	json_t *v = json_object_get(o, key);

	if (json_is_array(v)) { /* long texts may be written as a list of lines */
		size_t i, total = 0;
		json_t *line;
		char *s;

		json_array_foreach(v, i, line)
			total += json_is_string(line) ? json_string_length(line) + 1 : 0;
		s = xmalloc(total + 1);
		s[0] = '\0';
		total = 0;
		json_array_foreach(v, i, line)
			if (json_is_string(line)) {
				memcpy(s + total, json_string_value(line), json_string_length(line));
				total += json_string_length(line);
				s[total++] = '\n';
				s[total] = '\0';
			}
		return s;
	}
	return xstrdup(json_is_string(v) ? json_string_value(v) : def);
}

static void profile_free(struct hp_profile *p)
{
	char **fields[] = {&p->name,	     &p->description,	  &p->banner,	    &p->login_prompt,
			   &p->password_prompt, &p->login_incorrect, &p->motd,	    &p->shell_prompt,
			   &p->hostname,     &p->uname,		  &p->machine,	    &p->busybox_version,
			   &p->proc_mounts,  &p->proc_cpuinfo,	  &p->http_version, &p->http_server,  &p->http_index,
			   &p->http_index_type, &p->http_realm, &p->help, &p->home};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

/* ash's `help` in a typical BusyBox 1.2x device build. */
#define DEFAULT_HELP                                                                                   \
	"Built-in commands:\n"                                                                          \
	"------------------\n"                                                                          \
	"\t. : [ [[ alias bg break cd chdir command continue echo eval exec\n"                         \
	"\texit export false fg getopts hash help history jobs kill let\n"                             \
	"\tlocal printf pwd read readonly return set shift source test times\n"                        \
	"\ttrap true type ulimit umask unalias unset wait\n\n"

/* A delay in ms, 0..60000; def when absent. */
static int ms_member(json_t *o, const char *key, int def, int *out)
{
	json_t *v = json_object_get(o, key);

	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 60000))
		return -1;
	*out = v ? (int)json_integer_value(v) : def;
	return 0;
}

static int profile_parse(json_t *o, struct hp_profile *p, struct err *err)
{
	json_t *v;
	char *cpu;
	int rc;

	if (!json_is_object(o) || !json_is_string(json_object_get(o, "name")))
		return err_set(err, "every profile needs a \"name\"");
	p->name = member(o, "name", "");
	if (!p->name[0] || strspn(p->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
				   strlen(p->name))
		return err_set(err, "profile name \"%.40s\": use letters, digits, _ . -", p->name);
	p->description = member(o, "description", "");
	p->banner = member(o, "banner", "");
	p->login_prompt = member(o, "login_prompt", "login: ");
	p->password_prompt = member(o, "password_prompt", "Password: ");
	p->login_incorrect = member(o, "login_incorrect", "Login incorrect\n");
	p->motd = member(o, "motd", "");
	p->shell_prompt = member(o, "shell_prompt", "# ");
	p->help = member(o, "help", DEFAULT_HELP);
	p->home = member(o, "home", "/");
	if (ms_member(o, "login_delay_ms", 3000, &p->login_delay_ms) ||
	    ms_member(o, "prompt_delay_ms", 30, &p->prompt_delay_ms))
		return err_set(err, "profile %s: login_delay_ms, prompt_delay_ms: integers 0..60000", p->name);
	v = json_object_get(o, "ask_terminal");
	if (v && !json_is_boolean(v))
		return err_set(err, "profile %s: ask_terminal: true or false", p->name);
	p->ask_terminal = json_is_true(v);
	p->hostname = member(o, "hostname", "(none)");
	p->uname = member(o, "uname", "Linux (none) 3.10.14 #1 Mon Jan 1 00:00:00 CST 2018 armv7l GNU/Linux");
	p->machine = member(o, "machine", "armv7l");
	p->busybox_version = member(o, "busybox_version", "BusyBox v1.22.1 (2017-03-06 15:12:31 CST)");
	p->proc_mounts = member(o, "proc_mounts", "rootfs / rootfs rw 0 0\n");
	p->proc_cpuinfo = member(o, "proc_cpuinfo", "");
	p->http_version = member(o, "http_version", "HTTP/1.0");
	p->http_server = member(o, "http_server", "");
	p->http_index = member(o, "http_index", "<html><body></body></html>\n");
	p->http_index_type = member(o, "http_index_type", "text/html");
	p->http_realm = member(o, "http_realm", "");
	cpu = member(o, "cpu", "arm");
	rc = make_elf_header(cpu, p->elf_header);
	if (rc)
		err_set(err, "profile %s: unknown cpu \"%s\"", p->name, cpu);
	free(cpu);
	return rc;
}

struct hp_profiles *hp_profiles_load(const char *path, struct err *err)
{
	struct hp_profiles *ps;
	json_error_t jerr;
	json_t *root, *list, *o;
	size_t i;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
		return NULL;
	}
	list = json_object_get(root, "profiles");
	if (!json_is_array(list) || json_array_size(list) == 0) {
		json_decref(root);
		err_set(err, "%s: needs a non-empty \"profiles\" list", path);
		return NULL;
	}
	ps = xcalloc(1, sizeof(*ps));
	ps->v = xcalloc(json_array_size(list), sizeof(*ps->v));
	json_array_foreach(list, i, o) {
		struct err e;

		if (profile_parse(o, &ps->v[ps->n], &e)) {
			profile_free(&ps->v[ps->n]);
			err_set(err, "%s: profile %zu: %s", path, i + 1, e.msg);
			hp_profiles_free(ps);
			json_decref(root);
			return NULL;
		}
		ps->n++;
	}
	json_decref(root);
	return ps;
}

void hp_profiles_free(struct hp_profiles *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		profile_free(&ps->v[i]);
	free(ps->v);
	free(ps);
}

const struct hp_profile *hp_profiles_find(const struct hp_profiles *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}

int hp_credentials_load(struct hp_credentials *c, const char *path, struct err *err)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;
	unsigned lineno = 0;

	c->user = c->pass = NULL;
	c->n = 0;
	if (!f)
		return err_set(err, "%s: cannot open", path);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\r\n");
		char *colon;

		lineno++;
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon) {
			fclose(f);
			hp_credentials_free(c);
			return err_set(err, "%s:%u: expected user:password", path, lineno);
		}
		*colon = '\0';
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->user = xrealloc(c->user, cap * sizeof(*c->user));
			c->pass = xrealloc(c->pass, cap * sizeof(*c->pass));
		}
		c->user[c->n] = xstrdup(line);
		c->pass[c->n] = xstrdup(colon + 1);
		c->n++;
	}
	fclose(f);
	return 0;
}

void hp_credentials_free(struct hp_credentials *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->user[i]);
		free(c->pass[i]);
	}
	free(c->user);
	free(c->pass);
	c->user = c->pass = NULL;
	c->n = 0;
}

bool hp_credentials_accept(const struct hp_credentials *c, const char *user, const char *pass,
			   unsigned attempt)
{
	if (c->accept_after && attempt > c->accept_after)
		return true;
	if (c->accept_listed)
		for (size_t i = 0; i < c->n; i++)
			if (strcmp(c->user[i], user) == 0 && strcmp(c->pass[i], pass) == 0)
				return true;
	return false;
}
