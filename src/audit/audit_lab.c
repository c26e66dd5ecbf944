#include "audit_lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/xalloc.h"

static struct audit_device *push(struct audit_lab *lab, const struct ipaddr *ip)
{
	struct audit_device *d;

	if (lab->n == lab->cap) {
		lab->cap = lab->cap ? lab->cap * 2 : 16;
		lab->devices = xrealloc(lab->devices, lab->cap * sizeof(*lab->devices));
	}
	d = &lab->devices[lab->n++];
	memset(d, 0, sizeof(*d));
	d->ip = *ip;
	return d;
}

int audit_lab_add_target(struct audit_lab *lab, const char *target, struct err *err)
{
	struct cidr c;
	unsigned bits;

	if (cidr_parse(target, strlen(target), &c))
		return err_set(err, "not an address or prefix: %s", target);
	bits = (c.addr.af == 4 ? 32 : 128) - c.prefix;
	if (bits > 12 || lab->n + (1u << bits) > AUDIT_LAB_MAX)
		return err_set(err, "%s: more than %d devices", target, AUDIT_LAB_MAX);
	if (bits == 0 || (c.addr.af == 4 && bits < 2)) {
		push(lab, &c.addr);
		return 0;
	}
	/* A prefix: its hosts (IPv4 without network and broadcast address). */
	for (uint32_t i = 0; i < (1u << bits); i++) {
		struct ipaddr a = c.addr;
		uint32_t v;
		int last = c.addr.af == 4 ? 3 : 15;

		if (c.addr.af == 4 && (i == 0 || i == (1u << bits) - 1))
			continue;
		v = (uint32_t)a.b[last - 1] << 8 | a.b[last];
		v += i;
		a.b[last] = (uint8_t)v;
		a.b[last - 1] = (uint8_t)(v >> 8);
		push(lab, &a);
	}
	return 0;
}

int audit_lab_load(struct audit_lab *lab, const char *path, struct err *err)
{
	FILE *f = fopen(path, "r");
	char line[2048], buf[2048], *fields[8];
	size_t lineno = 0;

	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\r\n"), bad = 0;
		struct ipaddr ip;
		struct audit_device *d;
		int nf;

		lineno++;
		if (len == 0 || line[0] == '#' || (lineno == 1 && strncmp(line, "name,", 5) == 0))
			continue;
		nf = csv_split(line, len, buf, fields, 8, &bad);
		if (nf < 2 || nf > 5 || ipaddr_parse(fields[1], strlen(fields[1]), &ip)) {
			fclose(f);
			return err_set(err, "%s:%zu: want name,address[,vendor,model,firmware]", path, lineno);
		}
		if (lab->n >= AUDIT_LAB_MAX) {
			fclose(f);
			return err_set(err, "%s:%zu: more than %d devices", path, lineno, AUDIT_LAB_MAX);
		}
		d = push(lab, &ip);
		snprintf(d->name, sizeof(d->name), "%s", fields[0]);
		if (nf > 2)
			snprintf(d->vendor, sizeof(d->vendor), "%s", fields[2]);
		if (nf > 3)
			snprintf(d->model, sizeof(d->model), "%s", fields[3]);
		if (nf > 4)
			snprintf(d->firmware, sizeof(d->firmware), "%s", fields[4]);
	}
	fclose(f);
	return 0;
}

int audit_scope_init(struct probe_policy *p, const struct config *cfg, struct err *err)
{
	const char *scope = config_str(cfg, "audit", "scope");

	if (!*scope)
		return err_set(err, "audit.scope is empty: set the lab's prefixes in [audit] scope");
	return probe_policy_init_allow_only(p, NULL, scope, err);
}

int audit_lab_check_scope(const struct audit_lab *lab, const struct probe_policy *scope, struct err *err)
{
	for (size_t i = 0; i < lab->n; i++) {
		const char *why;

		if (!probe_policy_check(scope, &lab->devices[i].ip, false, "", &why)) {
			char ip[IPADDR_STRLEN];

			ipaddr_format(&lab->devices[i].ip, ip);
			return err_set(err, "%s is outside [audit] scope: refused, nothing sent", ip);
		}
	}
	return 0;
}

void audit_lab_free(struct audit_lab *lab)
{
	for (size_t i = 0; i < lab->n; i++)
		audit_device_free(&lab->devices[i]);
	free(lab->devices);
	lab->devices = NULL;
	lab->n = lab->cap = 0;
}
