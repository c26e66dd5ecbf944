/* profile.h - what a device looks like to an attacker, and who may log in.
 *
 * Profiles live in a data file (data/profiles.json): banner, prompts,
 * uname and /proc answers, CPU for the ELF header loaders read, HTTP
 * Server header and pages. The credential policy accepts the documented
 * IoT default pairs (data/credentials.txt, one "user:password" a line)
 * and/or any pair after N failed attempts in a session. */
#ifndef IOTMON_HP_PROFILE_H
#define IOTMON_HP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HP_ELF_HEADER_LEN 52

struct hp_profile {
	char *name;
	char *description;
	/* telnet */
	char *banner; /* the issue text (/etc/issue.net) telnetd prints before the first prompt */
	char *login_prompt, *password_prompt, *login_incorrect, *motd, *shell_prompt;
	int login_delay_ms; /* login's wait before "Login incorrect" (BusyBox: 3 s) */
	int prompt_delay_ms; /* from the options to the first prompt (login starting) */
	bool ask_terminal; /* ash sends ESC[6n after a prompt (FEATURE_EDITING_ASK_TERMINAL) */
	char *home; /* root's home: the shell's first folder, ~ in a nested prompt */
	char *help; /* ash's `help` text (default: BusyBox 1.2x's usual built-ins) */
	char *hostname, *uname, *machine, *busybox_version;
	char *proc_mounts, *proc_cpuinfo;
	uint8_t elf_header[HP_ELF_HEADER_LEN]; /* of /bin/echo, for loaders */
	/* http */
	char *http_version; /* status-line version (default HTTP/1.0, as old embedded servers) */
	char *http_server; /* Server header */
	char *http_index; /* body of GET / */
	char *http_index_type; /* Content-Type of it */
	char *http_realm; /* non-empty: / answers 401 with this realm */
};

struct hp_profiles {
	struct hp_profile *v;
	size_t n;
};

/* Loads every profile from path; NULL with err naming the file on error. */
struct hp_profiles *hp_profiles_load(const char *path, struct err *err);
void hp_profiles_free(struct hp_profiles *ps);
const struct hp_profile *hp_profiles_find(const struct hp_profiles *ps, const char *name);

struct hp_credentials {
	char **user, **pass;
	size_t n;
	bool accept_listed; /* accept a pair from the list */
	unsigned accept_after; /* 0: never; else accept attempt N+1 of a session */
};

int hp_credentials_load(struct hp_credentials *c, const char *path, struct err *err);
void hp_credentials_free(struct hp_credentials *c);
/* attempt: 1 for the session's first try. */
bool hp_credentials_accept(const struct hp_credentials *c, const char *user, const char *pass,
			   unsigned attempt);

#endif
