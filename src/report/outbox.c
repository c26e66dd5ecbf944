/* outbox.c - feeds as files, the clearinghouse bundle, SMTP delivery. */
#include "outbox.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "report/targz.h"

/* ---- configuration ---- */

struct list_ctx {
	struct outbox_config *oc;
	struct err *err;
	int which; /* 0 formats, 1 focus */
	bool all_countries; /* "*" among the focus countries */
};

static int add_item(const char *item, size_t len, void *arg)
{
	struct list_ctx *c = arg;
	char word[32];

	if (len >= sizeof(word))
		return err_set(c->err, "[feeds]: item too long: %.*s", (int)len, item);
	memcpy(word, item, len);
	word[len] = '\0';
	if (c->which == 0) {
		const struct feed_format *f = feed_format_find(word);

		if (!f)
			return err_set(c->err, "[feeds] formats: unknown format %s (%s)", word, feed_format_names());
		for (size_t i = 0; i < c->oc->nformats; i++)
			if (c->oc->formats[i] == f)
				return 0;
		if (c->oc->nformats == OUTBOX_MAX_FORMATS)
			return err_set(c->err, "[feeds] formats: too many");
		c->oc->formats[c->oc->nformats++] = f;
		return 0;
	}
	if (strcmp(word, "*") == 0) {
		c->all_countries = true; /* every network: an empty list */
		return 0;
	}
	if (len != 2)
		return err_set(c->err, "[enrich] focus_countries: not a two-letter country code: %s", word);
	if (c->oc->nfocus == OUTBOX_MAX_FOCUS)
		return err_set(c->err, "[enrich] focus_countries: more than %d", OUTBOX_MAX_FOCUS);
	word[0] = (char)(word[0] & ~0x20);
	word[1] = (char)(word[1] & ~0x20);
	c->oc->focus[c->oc->nfocus++] = xstrdup(word);
	return 0;
}

int outbox_config_load(struct outbox_config *oc, const struct config *cfg, struct err *err)
{
	struct list_ctx c = {.oc = oc, .err = err};
	const char *contacts;

	memset(oc, 0, sizeof(*oc));
	oc->dir = config_str(cfg, "feeds", "outbox_dir");
	oc->smtp_url = config_str(cfg, "feeds", "smtp_url");
	oc->delay_minutes = config_int(cfg, "feeds", "delay_minutes");
	oc->retry_days = config_int(cfg, "feeds", "retry_days");
	oc->interval_s = config_int(cfg, "feeds", "interval_s");
	oc->feed.feed_name = config_str(cfg, "feeds", "feed_name");
	oc->feed.provider = config_str(cfg, "feeds", "provider");
	oc->feed.reporter_email = config_str(cfg, "feeds", "reporter_email");
	if (config_each_item(config_str(cfg, "feeds", "formats"), add_item, &c))
		goto fail;
	/* The one focus of the monitor (scope.h): the bundle carries the
	 * networks with hosts in these countries. */
	c.which = 1;
	if (config_each_item(config_str(cfg, "enrich", "focus_countries"), add_item, &c))
		goto fail;
	if (c.all_countries) {
		for (size_t i = 0; i < oc->nfocus; i++)
			free(oc->focus[i]);
		oc->nfocus = 0;
	}
	contacts = config_str(cfg, "feeds", "contacts_file");
	if (*contacts) {
		oc->contacts = contacts_load(contacts, err);
		if (!oc->contacts)
			goto fail;
		oc->feed.contacts = oc->contacts;
	}
	return 0;
fail:
	outbox_config_free(oc);
	return -1;
}

void outbox_config_free(struct outbox_config *oc)
{
	for (size_t i = 0; i < oc->nfocus; i++)
		free(oc->focus[i]);
	oc->nfocus = 0;
	contacts_free(oc->contacts);
	oc->contacts = NULL;
}

/* ---- atomic files ---- */

static int same_content(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t off = 0, n;
	int same = 1;

	if (!f)
		return 0;
	while (same && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (off + n > len || memcmp(buf, (const char *)data + off, n) != 0)
			same = 0;
		off += n;
	}
	if (ferror(f) || off != len)
		same = 0;
	fclose(f);
	return same;
}

static int fsync_dir_of(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash)
		*slash = '\0';
	fd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

int outbox_write_atomic(const char *path, const void *data, size_t len, bool *unchanged, struct err *err)
{
	char *tmp;
	int fd;
	size_t off = 0;

	if (unchanged)
		*unchanged = false;
	if (same_content(path, data, len)) {
		if (unchanged)
			*unchanged = true;
		return 0;
	}
	tmp = xmalloc(strlen(path) + 32);
	snprintf(tmp, strlen(path) + 32, "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(err, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	fsync_dir_of(path);
	return 0;
fail:
	err_set(err, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int outbox_write_atomic_with(const char *path, struct store *s, int64_t day, const uint32_t *asns, size_t nasns,
			     const char *format, const struct feed_options *opt, struct err *err)
{
	struct strbuf b;
	int rc;

	strbuf_init(&b, (size_t)1 << 34);
	rc = feed_write(s, day, asns, nasns, format, opt, &b, err);
	if (!rc)
		rc = outbox_write_atomic(path, b.data, b.len, NULL, err);
	strbuf_free(&b);
	return rc;
}

static int make_dir(const char *path, struct err *err)
{
	char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0755);
			*p = '/';
		}
	free(copy);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return err_set(err, "%s: %s", path, strerror(errno));
	return 0;
}

/* ---- the day's files and the bundle ---- */

struct bundled {
	uint32_t asn;
	char as_name[128], cc[3];
	size_t rows;
	char file[64];
	char sha256[65];
};

struct day_ctx {
	const struct outbox_config *oc;
	char dir[4096];
	char day[11];
	struct outbox_result *res;
	struct bundled *b;
	size_t nb, cap;
	uint32_t last_asn;
	bool any;
	struct err *err;
};

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int on_network(const struct feed_network *net, const struct feed_format *fmt, const char *text, size_t len,
		      void *arg)
{
	struct day_ctx *c = arg;
	char path[4200];
	bool unchanged;

	if (!c->any || net->asn != c->last_asn) {
		if (!c->any && make_dir(c->dir, c->err))
			return -1;
		c->any = true;
		c->last_asn = net->asn;
		c->res->networks++;
		c->res->rows += net->rows;
		if (net->in_focus)
			c->res->focus_networks++;
	}
	snprintf(path, sizeof(path), "%s/%u.%s", c->dir, net->asn, fmt->ext);
	if (outbox_write_atomic(path, text, len, &unchanged, c->err))
		return -1;
	if (unchanged)
		c->res->files_unchanged++;
	else
		c->res->files_written++;
	if (net->in_focus) {
		struct bundled *e;

		if (c->nb == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->b = xrealloc(c->b, c->cap * sizeof(*c->b));
		}
		e = &c->b[c->nb++];
		memset(e, 0, sizeof(*e));
		e->asn = net->asn;
		snprintf(e->as_name, sizeof(e->as_name), "%s", net->as_name);
		snprintf(e->cc, sizeof(e->cc), "%s", net->cc);
		e->rows = net->rows;
		snprintf(e->file, sizeof(e->file), "%u.%s", net->asn, fmt->ext);
		sha256_hex(text, len, e->sha256);
	}
	return 0;
}

static int read_file(const char *path, struct strbuf *b, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	strbuf_reset(b);
	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (strbuf_append(b, chunk, n)) {
			fclose(f);
			return err_set(err, "%s: too large", path);
		}
	if (ferror(f)) {
		fclose(f);
		return err_set(err, "%s: read error", path);
	}
	fclose(f);
	return 0;
}

static int write_bundle(struct day_ctx *c, int64_t day, struct err *err)
{
	struct strbuf manifest, gz, file;
	struct targz *t;
	char path[4200], name[128];
	int rc = -1;

	strbuf_init(&manifest, 0);
	strbuf_init(&gz, (size_t)1 << 34);
	strbuf_init(&file, (size_t)1 << 34);
	strbuf_puts(&manifest, "network,as_name,cc,rows,file,sha256\r\n");
	for (size_t i = 0; i < c->nb; i++) {
		const struct bundled *e = &c->b[i];

		strbuf_printf(&manifest, "%u,", e->asn);
		csv_put_text(&manifest, e->as_name);
		strbuf_append(&manifest, ",", 1);
		csv_put_text(&manifest, e->cc);
		strbuf_printf(&manifest, ",%zu,%s,%s\r\n", e->rows, e->file, e->sha256);
	}
	if (manifest.overflow) {
		err_set(err, "bundle manifest too large");
		goto out;
	}
	/* Every entry carries the day's end as its time: fixed, meaningful. */
	t = targz_new(&gz, (day + 1) * 86400);
	if (!t) {
		err_set(err, "gzip: cannot start");
		goto out;
	}
	snprintf(name, sizeof(name), "%s/MANIFEST.csv", c->day);
	if (targz_add(t, name, manifest.data, manifest.len, err))
		goto abort;
	for (size_t i = 0; i < c->nb; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, c->b[i].file);
		snprintf(name, sizeof(name), "%s/%s", c->day, c->b[i].file);
		if (read_file(path, &file, err) || targz_add(t, name, file.data, file.len, err))
			goto abort;
	}
	if (targz_finish(t, err))
		goto out;
	snprintf(path, sizeof(path), "%s/clearinghouse-%s.tar.gz", c->dir, c->day);
	{
		bool unchanged;

		rc = outbox_write_atomic(path, gz.data, gz.len, &unchanged, err);
		if (!rc && unchanged)
			c->res->files_unchanged++;
		else if (!rc)
			c->res->files_written++;
	}
	goto out;
abort:
	targz_abort(t);
out:
	strbuf_free(&manifest);
	strbuf_free(&gz);
	strbuf_free(&file);
	return rc;
}

int outbox_write_day(struct store *s, const struct outbox_config *oc, int64_t day, struct outbox_result *res,
		     struct err *err)
{
	struct day_ctx c = {.oc = oc, .res = res, .err = err};
	struct feed_query q = {.day = day, .focus = (const char *const *)oc->focus, .nfocus = oc->nfocus};
	const struct feed_format *fmts[OUTBOX_MAX_FORMATS];
	size_t nf = oc->nformats;
	int rc;

	memset(res, 0, sizeof(*res));
	if (nf == 0) {
		fmts[0] = &feed_csv;
		nf = 1;
	} else {
		memcpy(fmts, oc->formats, nf * sizeof(fmts[0]));
	}
	time_format_day(day, c.day);
	if ((size_t)snprintf(c.dir, sizeof(c.dir), "%s/%s", oc->dir, c.day) >= sizeof(c.dir))
		return err_set(err, "%s: path too long", oc->dir);
	rc = feed_generate(s, &q, fmts, nf, &oc->feed, true, on_network, &c, err);
	if (!rc && c.any)
		rc = write_bundle(&c, day, err);
	free(c.b);
	return rc;
}

/* ---- delivery ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t take = size * n;

	if (take > u->len - u->off)
		take = u->len - u->off;
	memcpy(buf, u->data + u->off, take);
	u->off += take;
	return take;
}

static int smtp_send(const char *url, const char *from, const char *recipients, const char *data, size_t len,
		     struct err *err)
{
	struct curl_slist *rcpt = NULL;
	struct upload u = {.data = data, .len = len};
	char addr[300], *list = xstrdup(recipients), *save = NULL;
	CURL *c;
	CURLcode rc;

	pthread_once(&curl_once, curl_init);
	c = curl_easy_init();
	if (!c) {
		free(list);
		return err_set(err, "smtp: cannot start libcurl");
	}
	for (char *r = strtok_r(list, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		snprintf(addr, sizeof(addr), "<%s>", r);
		rcpt = curl_slist_append(rcpt, addr);
	}
	snprintf(addr, sizeof(addr), "<%s>", from);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(list);
	if (rc != CURLE_OK)
		return err_set(err, "smtp %s: %s", url, curl_easy_strerror(rc));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The next message of an mbox text at *p (ours: each starts with a "From "
 * line, no body line does): its bytes without that line. */
static bool next_message(const char **p, const char *end, const char **msg, size_t *len)
{
	const char *start = *p, *nl, *next;

	if (start >= end || strncmp(start, "From ", 5) != 0)
		return false;
	nl = memchr(start, '\n', (size_t)(end - start));
	if (!nl)
		return false;
	*msg = nl + 1;
	for (next = *msg; next < end; next++) {
		next = memchr(next, '\n', (size_t)(end - next));
		if (!next || (end - next > 5 && strncmp(next + 1, "From ", 5) == 0))
			break;
	}
	next = next && next < end ? next + 1 : end;
	*len = (size_t)(next - *msg);
	*p = next;
	return true;
}

/* A message's delivery key (deliveries.format): "xm-" and 12 hex digits
 * of its Message-ID's SHA-256, so each report is sent once, whatever else
 * was sent. */
static void message_key(const char *msg, size_t len, char key[16])
{
	const char *h = memmem(msg, len, "\r\nMessage-ID: <", 15), *e;
	char hex[65];

	if (h && (e = memchr(h + 15, '>', (size_t)(msg + len - h - 15))) != NULL)
		sha256_hex(h + 15, (size_t)(e - h - 15), hex);
	else
		sha256_hex(msg, len, hex);
	snprintf(key, 16, "xm-%.12s", hex);
}

/* Sends one message of network asn to `to` unless it was sent or another
 * sender holds it; 0, or -1 on a store error. */
static int deliver_message(struct store *s, const struct outbox_config *oc, int64_t day, uint32_t asn,
			   const char *to, const char *msg, size_t len, struct outbox_delivery_result *res,
			   struct err *err)
{
	struct delivery dv;
	struct err send_err;
	char key[16];
	bool found;

	message_key(msg, len, key);
	if (store_get_delivery(s, day, asn, key, to, &dv, &found, err))
		return -1;
	if (found && strcmp(dv.status, "sent") == 0) {
		res->already_sent++;
		return 0;
	}
	memset(&dv, 0, sizeof(dv));
	dv.day = day;
	dv.asn = asn;
	snprintf(dv.format, sizeof(dv.format), "%s", key);
	snprintf(dv.recipient, sizeof(dv.recipient), "%s", to);
	sha256_hex(msg, len, dv.sha256);
	dv.updated_us = time_now_us();
	if (store_claim_delivery(s, &dv, dv.updated_us - OUTBOX_STALE_CLAIM_US, &found, err))
		return -1;
	if (!found) {
		res->in_progress++; /* another sender has it */
		return 0;
	}
	if (smtp_send(oc->smtp_url, oc->feed.reporter_email, to, msg, len, &send_err) == 0) {
		snprintf(dv.status, sizeof(dv.status), "sent");
		res->sent++;
	} else {
		snprintf(dv.status, sizeof(dv.status), "failed");
		snprintf(dv.last_error, sizeof(dv.last_error), "%.200s", send_err.msg);
		res->failed++;
	}
	dv.updated_us = time_now_us();
	return store_record_delivery(s, &dv, err);
}

int outbox_deliver_day(struct store *s, const struct outbox_config *oc, int64_t day,
		       struct outbox_delivery_result *res, struct err *err)
{
	char dir[4096], path[4200], dayname[11];
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct strbuf mail;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (!oc->smtp_url || !*oc->smtp_url)
		return err_set(err, "[feeds] smtp_url is not set: nothing to deliver with");
	time_format_day(day, dayname);
	snprintf(dir, sizeof(dir), "%s/%s", oc->dir, dayname);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : err_set(err, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".mbox") == 0 && de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				names = xrealloc(names, cap * sizeof(*names));
			}
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	strbuf_init(&mail, (size_t)1 << 31);
	for (size_t i = 0; i < n && !rc; i++) {
		uint32_t asn = (uint32_t)strtoul(names[i], NULL, 10);
		const char *to = contacts_find(oc->contacts, asn), *p, *end, *msg;
		struct network net;
		size_t len;
		bool found;

		if (!to) {
			if (store_get_network(s, asn, &net, &found, err)) {
				rc = -1;
				break;
			}
			to = found && contacts_valid_list(net.abuse_contact) ? net.abuse_contact : NULL;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (read_file(path, &mail, err)) {
			rc = -1;
			break;
		}
		p = mail.data;
		end = mail.data + mail.len;
		while (!rc && next_message(&p, end, &msg, &len)) {
			if (!to)
				res->no_contact++;
			else
				rc = deliver_message(s, oc, day, asn, to, msg, len, res, err);
		}
	}
	strbuf_free(&mail);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
