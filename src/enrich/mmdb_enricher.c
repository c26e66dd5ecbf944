#include "mmdb_enricher.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/xalloc.h"

#define MAX_PATHS 8
#define MAX_DEPTH 8

struct path {
	const char *parts[MAX_DEPTH + 1]; /* NULL-terminated, point into buf */
	char buf[128];
};

struct path_list {
	struct path p[MAX_PATHS];
	int n;
};

struct mmdb_enricher {
	struct enricher base; /* first: the lookup interface */
	MMDB_s db;
	struct path_list asn, name, cc;
	int64_t build_us;
};

static int add_path(const char *item, size_t len, void *arg)
{
	struct path_list *l = arg;
	struct path *p;
	int depth = 0;

	if (l->n == MAX_PATHS || len >= sizeof(p->buf))
		return -1;
	p = &l->p[l->n++];
	memcpy(p->buf, item, len);
	p->buf[len] = '\0';
	for (char *s = p->buf; s && depth < MAX_DEPTH;) {
		char *dot = strchr(s, '.');

		if (dot)
			*dot = '\0';
		p->parts[depth++] = s;
		s = dot ? dot + 1 : NULL;
	}
	p->parts[depth] = NULL;
	return 0;
}

/* The first path that has data of an acceptable type. */
static bool get(MMDB_entry_s *entry, const struct path_list *l, MMDB_entry_data_s *d)
{
	for (int i = 0; i < l->n; i++)
		if (MMDB_aget_value(entry, d, l->p[i].parts) == MMDB_SUCCESS && d->has_data)
			switch (d->type) {
			case MMDB_DATA_TYPE_UTF8_STRING:
			case MMDB_DATA_TYPE_UINT16:
			case MMDB_DATA_TYPE_UINT32:
			case MMDB_DATA_TYPE_UINT64:
				return true;
			}
	return false;
}

static void copy_text(char *dst, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		dst[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	dst[len] = '\0';
}

static int mmdb_lookup(const struct enricher *self, const struct ipaddr *addr, struct enrichment *out)
{
	const struct mmdb_enricher *m = (const struct mmdb_enricher *)self;
	struct sockaddr_storage ss;
	MMDB_lookup_result_s res;
	MMDB_entry_data_s d;
	int merr;

	memset(&ss, 0, sizeof(ss));
	if (addr->af == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr->b, 4);
	} else if (addr->af == 6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr->b, 16);
	} else {
		return 0;
	}
	res = MMDB_lookup_sockaddr(&m->db, (struct sockaddr *)&ss, &merr);
	if (merr != MMDB_SUCCESS || !res.found_entry)
		return 0; /* an IPv6 address in an IPv4 database: unknown */
	out->data_time_us = m->build_us;
	if (get(&res.entry, &m->asn, &d)) {
		uint64_t v = 0;

		if (d.type == MMDB_DATA_TYPE_UTF8_STRING) {
			/* IPinfo writes "AS13335". */
			size_t i = d.data_size >= 2 && (d.utf8_string[0] == 'A' || d.utf8_string[0] == 'a') ? 2 : 0;

			for (; i < d.data_size && i < 12 && d.utf8_string[i] >= '0' && d.utf8_string[i] <= '9'; i++)
				v = v * 10 + (uint64_t)(d.utf8_string[i] - '0');
		} else {
			v = d.type == MMDB_DATA_TYPE_UINT16 ? d.uint16 : d.type == MMDB_DATA_TYPE_UINT32 ? d.uint32 : d.uint64;
		}
		if (v > 0 && v <= 0xffffffffu)
			out->asn = (uint32_t)v;
	}
	if (get(&res.entry, &m->name, &d) && d.type == MMDB_DATA_TYPE_UTF8_STRING)
		copy_text(out->as_name, sizeof(out->as_name), d.utf8_string, d.data_size);
	if (get(&res.entry, &m->cc, &d) && d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2)
		copy_text(out->cc, sizeof(out->cc), d.utf8_string, 2);
	return 0;
}

struct mmdb_enricher *mmdb_enricher_open(const char *path, const char *asn_paths, const char *as_name_paths,
					 const char *cc_paths, struct err *err)
{
	struct mmdb_enricher *m = xcalloc(1, sizeof(*m));
	int rc;

	if (config_each_item(asn_paths, add_path, &m->asn) || config_each_item(as_name_paths, add_path, &m->name) ||
	    config_each_item(cc_paths, add_path, &m->cc)) {
		free(m);
		err_set(err, "%s: too many or too long record paths (at most %d of 127 bytes)", path, MAX_PATHS);
		return NULL;
	}
	rc = MMDB_open(path, MMDB_MODE_MMAP, &m->db);
	if (rc != MMDB_SUCCESS) {
		free(m);
		err_set(err, "%s: %s", path, MMDB_strerror(rc));
		return NULL;
	}
	m->base.lookup = mmdb_lookup;
	m->build_us = (int64_t)m->db.metadata.build_epoch * 1000000;
	return m;
}

void mmdb_enricher_close(struct mmdb_enricher *m)
{
	if (!m)
		return;
	MMDB_close(&m->db);
	free(m);
}

const struct enricher *mmdb_enricher_get(struct mmdb_enricher *m)
{
	return &m->base;
}

int64_t mmdb_enricher_build_us(const struct mmdb_enricher *m)
{
	return m->build_us;
}

const char *mmdb_enricher_type(const struct mmdb_enricher *m)
{
	return m->db.metadata.database_type ? m->db.metadata.database_type : "";
}
