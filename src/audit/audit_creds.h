/* audit_creds.h - the default credentials an audit tries: one row a line,
 * `user<TAB>password<TAB>source` (password may be empty), '#' comments,
 * most common first (data/audit-credentials.tsv). */
#ifndef IOTMON_AUDIT_CREDS_H
#define IOTMON_AUDIT_CREDS_H

#include <stddef.h>

#include "core/err.h"

struct audit_cred {
	char user[64], pass[64], source[96];
};

struct audit_creds {
	struct audit_cred *v;
	size_t n;
};

/* A bad line is an error naming PATH:LINE. */
int audit_creds_load(struct audit_creds *c, const char *path, struct err *err);
int audit_creds_load_buf(struct audit_creds *c, const char *buf, size_t len, const char *name, struct err *err);
void audit_creds_free(struct audit_creds *c);

#endif
