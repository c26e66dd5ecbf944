#include "enrich.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/datadir.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "mmdb_enricher.h"
#include "range_table.h"

#define MAX_SOURCES 16

struct range_source {
	struct enricher base;
	struct range_table *t;
	int64_t date_us;
};

struct enrich {
	struct enricher base;
	const struct enricher *src[MAX_SOURCES];
	int nsrc;
	struct mmdb_enricher *mmdb[2];
	struct range_source *ranges[MAX_SOURCES];
	int nranges;
	int64_t newest_us;
	char desc[1024];
};

static int range_source_lookup(const struct enricher *self, const struct ipaddr *addr, struct enrichment *out)
{
	const struct range_source *r = (const struct range_source *)self;

	if (range_table_lookup(r->t, addr, out))
		out->data_time_us = r->date_us;
	return 0;
}

static int combined_lookup(const struct enricher *self, const struct ipaddr *addr, struct enrichment *out)
{
	const struct enrich *e = (const struct enrich *)self;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < e->nsrc && (!out->asn || !out->cc[0]); i++) {
		struct enrichment r;

		memset(&r, 0, sizeof(r));
		e->src[i]->lookup(e->src[i], addr, &r);
		if (!out->asn && r.asn) {
			out->asn = r.asn;
			memcpy(out->as_name, r.as_name, sizeof(out->as_name));
		}
		if (!out->cc[0] && r.cc[0])
			memcpy(out->cc, r.cc, sizeof(out->cc));
		if ((r.asn || r.cc[0]) && r.data_time_us > out->data_time_us)
			out->data_time_us = r.data_time_us;
	}
	return 0;
}

static unsigned digits(const char *s, int n)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

int64_t enrich_csv_date(const char *path)
{
	char vpath[4096], line[256];
	const char *slash = strrchr(path, '/');
	int64_t best = 0;
	struct stat st;
	FILE *f;

	snprintf(vpath, sizeof(vpath), "%.*sVERSION", slash ? (int)(slash - path + 1) : 0, path);
	f = fopen(vpath, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			size_t n = strcspn(line, "\r\n"), d = 0;
			unsigned y, mo, da, h;

			while (d < n && line[n - 1 - d] >= '0' && line[n - 1 - d] <= '9')
				d++;
			if (d < 10)
				continue;
			/* The last ten digits: YYYYMMDDHH. */
			const char *v = line + n - 10;
			y = digits(v, 4);
			mo = digits(v + 4, 2);
			da = digits(v + 6, 2);
			h = digits(v + 8, 2);
			if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23)
				continue;
			int64_t us = (time_days_from_civil(y, mo, da) * 86400 + (int64_t)h * 3600) * 1000000;
			if (us > best)
				best = us;
		}
		fclose(f);
	}
	if (!best && stat(path, &st) == 0)
		best = (int64_t)st.st_mtime * 1000000;
	return best;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void describe(struct enrich *e, const char *fmt, const char *path, int64_t us)
{
	size_t n = strlen(e->desc);
	char day[16] = "?";

	if (us)
		time_format_day(time_day_of(us), day);
	snprintf(e->desc + n, sizeof(e->desc) - n, "%s%s %s (%s)", n ? ", " : "", fmt, path, day);
	if (us > e->newest_us)
		e->newest_us = us;
}

static int open_mmdb(struct enrich *e, const struct config *cfg, int which, const char *key, struct err *err)
{
	const char *rel = config_str(cfg, "enrich", key);
	char path[4096];
	bool asn = which == 0;

	if (!*rel)
		return 0;
	if (e->nsrc == MAX_SOURCES)
		return err_set(err, "enrich: more than %d sources", MAX_SOURCES);
	if (!datadir_path(cfg, rel, path, sizeof(path)))
		return err_set(err, "enrich.%s: path too long", key);
	if (!exists(path)) {
		log_debug("enrich: %s not found, skipped", path);
		return 0;
	}
	e->mmdb[which] = mmdb_enricher_open(path, asn ? config_str(cfg, "enrich", "mmdb_asn_paths") : "",
					    asn ? config_str(cfg, "enrich", "mmdb_as_name_paths") : "",
					    config_str(cfg, "enrich", "mmdb_cc_paths"), err);
	if (!e->mmdb[which])
		return -1;
	e->src[e->nsrc++] = mmdb_enricher_get(e->mmdb[which]);
	describe(e, "mmdb", path, mmdb_enricher_build_us(e->mmdb[which]));
	return 0;
}

struct csv_ctx {
	const struct config *cfg;
	struct enrich *e;
	const char *key;
	struct err *err;
};

/* One source per file, so each answer carries its own file's date. */
static int load_csv(const char *item, size_t len, void *arg)
{
	struct csv_ctx *c = arg;
	struct range_load_stats st;
	struct range_source *r;
	char rel[1024], path[4096];

	if (len >= sizeof(rel))
		return err_set(c->err, "enrich.%s: path too long", c->key);
	memcpy(rel, item, len);
	rel[len] = '\0';
	if (!datadir_path(c->cfg, rel, path, sizeof(path)))
		return err_set(c->err, "enrich.%s: path too long", c->key);
	if (!exists(path)) {
		log_debug("enrich: %s not found, skipped", path);
		return 0;
	}
	if (c->e->nsrc == MAX_SOURCES)
		return err_set(c->err, "enrich: more than %d sources", MAX_SOURCES);
	r = xcalloc(1, sizeof(*r));
	r->base.lookup = range_source_lookup;
	r->t = range_table_new();
	memset(&st, 0, sizeof(st));
	if (range_table_load_file(r->t, path, &st, c->err)) {
		range_table_free(r->t);
		free(r);
		return -1;
	}
	if (st.bad)
		log_warn("enrich: %zu bad lines skipped, the first: %s", st.bad, st.first_bad);
	range_table_finish(r->t);
	r->date_us = enrich_csv_date(path);
	c->e->ranges[c->e->nranges++] = r;
	c->e->src[c->e->nsrc++] = &r->base;
	describe(c->e, "csv", path, r->date_us);
	return 0;
}

static int open_csvs(struct enrich *e, const struct config *cfg, const char *key, struct err *err)
{
	struct csv_ctx c = {.cfg = cfg, .e = e, .key = key, .err = err};

	return config_each_item(config_str(cfg, "enrich", key), load_csv, &c);
}

struct enrich *enrich_open(const struct config *cfg, struct err *err)
{
	struct enrich *e = xcalloc(1, sizeof(*e));

	e->base.lookup = combined_lookup;
	/* Range files first: local ranges override a big database. */
	if (open_csvs(e, cfg, "asn_csv", err) || open_mmdb(e, cfg, 0, "asn_mmdb", err) ||
	    open_csvs(e, cfg, "country_csv", err) || open_mmdb(e, cfg, 1, "country_mmdb", err)) {
		enrich_close(e);
		return NULL;
	}
	if (e->nsrc == 0) {
		char dir[4096];

		enrich_close(e);
		err_set(err, "no enrichment data in %s (run `make data`, or set [enrich] paths)",
			datadir_get(cfg, dir, sizeof(dir)));
		return NULL;
	}
	return e;
}

void enrich_close(struct enrich *e)
{
	if (!e)
		return;
	for (int i = 0; i < 2; i++)
		mmdb_enricher_close(e->mmdb[i]);
	for (int i = 0; i < e->nranges; i++) {
		range_table_free(e->ranges[i]->t);
		free(e->ranges[i]);
	}
	free(e);
}

const struct enricher *enrich_enricher(struct enrich *e)
{
	return &e->base;
}

const char *enrich_describe(const struct enrich *e)
{
	return e->desc;
}

int64_t enrich_data_time(const struct enrich *e)
{
	return e->newest_us;
}
