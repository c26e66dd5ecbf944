/* cowrie_log.c - writes Cowrie jsonlog lines. */
#include "cowrie_log.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <sys/stat.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsafe.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

struct cowrie_log {
	FILE *f;
	char *path;
	bool failed; /* a write failed: logged once */
};

int cowrie_log_prepare(const char *path, const char *user, struct err *err)
{
	struct passwd *pw;
	struct stat st;
	char dir[4096];
	int fd;

	if (geteuid() != 0 || !user || !user[0] || !path || !path[0] || lstat(path, &st) == 0)
		return 0;
	pw = getpwnam(user);
	if (!pw)
		return err_set(err, "%s: no such user for the Cowrie log: %s", path, user);
	snprintf(dir, sizeof(dir), "%s", path);
	dirname(dir);
	if (stat(dir, &st) != 0) {
		if (mkdir(dir, 0750) != 0)
			return err_set(err, "%s: %s", dir, strerror(errno));
		if (chown(dir, pw->pw_uid, pw->pw_gid) != 0)
			return err_set(err, "%s: chown: %s", dir, strerror(errno));
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	if (fchown(fd, pw->pw_uid, pw->pw_gid) != 0) {
		err_set(err, "%s: chown: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct cowrie_log *cowrie_log_open(const char *path, struct err *err)
{
	struct cowrie_log *log;
	/* Attacker text (logins, commands) in a file: never through a planted
	 * symlink, never readable by everyone. */
	int fd = fsafe_open_append(path, 0640, err);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;

	if (!f) {
		if (fd >= 0) {
			err_set(err, "%s: %s", path, strerror(errno));
			close(fd);
		}
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	log = xcalloc(1, sizeof(*log));
	log->f = f;
	log->path = xstrdup(path);
	return log;
}

void cowrie_log_flush(struct cowrie_log *log)
{
	if (log && fflush(log->f) != 0 && !log->failed) {
		log->failed = true;
		log_error("%s: %s", log->path, strerror(errno));
	}
}

int cowrie_log_switch(struct cowrie_log *log, int fd, struct err *err)
{
	FILE *f = fdopen(fd, "a");

	if (!f) {
		err_set(err, "%s: the new day's file: %s", log->path, strerror(errno));
		close(fd);
		return -1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	/* Every whole line written so far goes to the old file. */
	cowrie_log_flush(log);
	fclose(log->f);
	log->f = f;
	log->failed = false;
	return 0;
}

void cowrie_log_close(struct cowrie_log *log)
{
	if (!log)
		return;
	cowrie_log_flush(log);
	fclose(log->f);
	free(log->path);
	free(log);
}

static void set_str(json_t *o, const char *key, const char *value)
{
	if (value)
		json_object_set_new(o, key, json_string(value));
}

void cowrie_log_write(struct cowrie_log *log, const char *eventid, const struct event *ev, const char *protocol,
		      int64_t duration_ms, const char *extra_key, const char *extra_value)
{
	char when[TIME_RFC3339_LEN + 1], src[IPADDR_STRLEN], dst[IPADDR_STRLEN], msg[512];
	json_t *o;
	char *line;

	if (!log)
		return;
	time_format_rfc3339(ev->time_us, when);
	ipaddr_format(&ev->src, src);
	ipaddr_format(&ev->dst, dst);
	o = json_object();
	set_str(o, "eventid", eventid);
	set_str(o, "session", ev->session);
	set_str(o, "src_ip", src);
	json_object_set_new(o, "src_port", json_integer(ev->src_port));
	if (ev->dst.af)
		set_str(o, "dst_ip", dst);
	json_object_set_new(o, "dst_port", json_integer(ev->dst_port));
	set_str(o, "protocol", protocol);
	set_str(o, "sensor", ev->sensor);
	set_str(o, "timestamp", when);
	set_str(o, "username", ev->username);
	set_str(o, "password", ev->password);
	set_str(o, "input", ev->input);
	set_str(o, "url", ev->url);
	if (ev->sha256[0]) {
		set_str(o, "shasum", ev->sha256);
		set_str(o, "outfile", ev->sha256);
	}
	if (duration_ms >= 0)
		json_object_set_new(o, "duration_ms", json_integer(duration_ms));
	if (extra_key && extra_value)
		set_str(o, extra_key, extra_value);

	if (strcmp(eventid, "cowrie.session.connect") == 0)
		snprintf(msg, sizeof(msg), "New connection: %s:%u (%s:%u) [session: %s]", src, ev->src_port, dst,
			 ev->dst_port, ev->session);
	else if (strncmp(eventid, "cowrie.login.", 13) == 0)
		snprintf(msg, sizeof(msg), "login attempt [%.200s/%.200s] %s", ev->username ? ev->username : "",
			 ev->password ? ev->password : "", ev->success == 1 ? "succeeded" : "failed");
	else if (strcmp(eventid, "cowrie.command.input") == 0)
		snprintf(msg, sizeof(msg), "CMD: %.400s", ev->input ? ev->input : "");
	else if (strcmp(eventid, "cowrie.session.closed") == 0)
		snprintf(msg, sizeof(msg), "Connection lost after %lld seconds", (long long)(duration_ms / 1000));
	else
		snprintf(msg, sizeof(msg), "%s", eventid + 7);
	set_str(o, "message", msg);

	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line) {
		fputs(line, log->f);
		fputc('\n', log->f);
		free(line);
	}
}
