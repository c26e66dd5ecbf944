/* shell.c - the BusyBox-like shell: line parser, applets, dropped files. */
#include "shell.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/xalloc.h"

#define MAX_TOKENS 256
#define MAX_ARGS 64
#define PATH_LEN 128

struct file {
	char path[PATH_LEN];
	uint8_t *data;
	size_t len;
	bool dropped; /* last written by echo/printf data: a payload */
	bool truncated;
};

struct shell {
	const struct hp_profile *p;
	size_t payload_max, total; /* bytes kept in files, all together */
	char cwd[PATH_LEN];
	struct file files[SHELL_MAX_FILES];
	size_t nfiles;
	unsigned depth; /* shells started with `sh` inside the login shell */
	char prompt[PATH_LEN + 8];
	char banner[512];
};

struct shell *shell_new(const struct hp_profile *p, size_t payload_max)
{
	struct shell *sh = xcalloc(1, sizeof(*sh));

	sh->p = p;
	sh->payload_max = payload_max;
	snprintf(sh->cwd, sizeof(sh->cwd), "%s", p->home);
	snprintf(sh->banner, sizeof(sh->banner),
		 "\n\n%s built-in shell (ash)\nEnter 'help' for a list of built-in commands.\n\n", p->busybox_version);
	return sh;
}

const char *shell_banner(const struct shell *sh)
{
	return sh->banner;
}

/* The login shell's prompt is the profile's (set by /etc/profile); a
 * nested ash has the default PS1 '\w \$ ', with ~ for the home folder. */
const char *shell_prompt(struct shell *sh)
{
	if (sh->depth == 0)
		return sh->p->shell_prompt;
	if (strcmp(sh->cwd, sh->p->home) == 0)
		return "~ # ";
	snprintf(sh->prompt, sizeof(sh->prompt), "%s # ", sh->cwd);
	return sh->prompt;
}

/* $0, and the name ash puts before its error messages. */
static const char *arg0(const struct shell *sh)
{
	return sh->depth ? "sh" : "-sh";
}

void shell_free(struct shell *sh)
{
	if (!sh)
		return;
	for (size_t i = 0; i < sh->nfiles; i++)
		free(sh->files[i].data);
	free(sh);
}

void shell_each_dropped(const struct shell *sh, shell_file_fn fn, void *arg)
{
	for (size_t i = 0; i < sh->nfiles; i++)
		if (sh->files[i].dropped && sh->files[i].len > 0)
			fn(arg, sh->files[i].path, sh->files[i].data, sh->files[i].len, sh->files[i].truncated);
}

/* ---- tokenizer ---------------------------------------------------------- */

enum tok_type { T_WORD, T_SEMI, T_AND, T_OR, T_PIPE, T_OUT, T_APPEND, T_IN, T_ERR, T_DUP };

struct token {
	enum tok_type type;
	char *text; /* T_WORD */
};

struct lexer {
	const char *s, *end;
	const char *arg0; /* what $0 expands to */
	char *buf; /* word storage */
	size_t used, cap;
	struct token tok[MAX_TOKENS];
	size_t n;
};

static void push(struct lexer *lx, enum tok_type t, char *text)
{
	if (lx->n < MAX_TOKENS) {
		lx->tok[lx->n].type = t;
		lx->tok[lx->n].text = text;
		lx->n++;
	}
}

/* Splits the line into words and operators the way sh does for the
 * constructs bots use: quotes, backslashes, $IFS as a space. */
static void lex(struct lexer *lx)
{
	const char *p = lx->s;
	char *word = NULL;
	bool in_word = false;

#define PUTC(c)                                                                                           \
	do {                                                                                              \
		if (!in_word) {                                                                           \
			word = lx->buf + lx->used;                                                        \
			in_word = true;                                                                   \
		}                                                                                         \
		if (lx->used + 2 < lx->cap)                                                               \
			lx->buf[lx->used++] = (c);                                                        \
	} while (0)
#define END_WORD()                                                                                        \
	do {                                                                                              \
		if (in_word) {                                                                            \
			lx->buf[lx->used++] = '\0';                                                       \
			push(lx, T_WORD, word);                                                           \
			in_word = false;                                                                  \
		}                                                                                         \
	} while (0)

#define PUT_ARG0()                                                                                        \
	do {                                                                                              \
		for (const char *a0 = lx->arg0; *a0; a0++)                                                \
			PUTC(*a0);                                                                        \
	} while (0)

	while (p < lx->end) {
		char c = *p;

		if (c == '$' && p + 1 < lx->end && p[1] == '0') {
			PUT_ARG0();
			p += 2;
			continue;
		}
		if (c == '\'') {
			const char *q = memchr(p + 1, '\'', (size_t)(lx->end - p - 1));

			if (!q)
				q = lx->end;
			if (!in_word) {
				word = lx->buf + lx->used;
				in_word = true;
			}
			for (p++; p < q; p++)
				PUTC(*p);
			p = q < lx->end ? q + 1 : q;
			continue;
		}
		if (c == '"') {
			if (!in_word) {
				word = lx->buf + lx->used;
				in_word = true;
			}
			for (p++; p < lx->end && *p != '"'; p++) {
				if (*p == '$' && p + 1 < lx->end && p[1] == '0') {
					PUT_ARG0();
					p++;
					continue;
				}
				if (*p == '\\' && p + 1 < lx->end &&
				    (p[1] == '"' || p[1] == '\\' || p[1] == '$' || p[1] == '`'))
					p++;
				PUTC(*p);
			}
			if (p < lx->end)
				p++;
			continue;
		}
		if (c == '\\') {
			if (p + 1 < lx->end)
				PUTC(p[1]);
			p += 2;
			continue;
		}
		if (c == '$' && lx->end - p >= 6 && memcmp(p, "${IFS}", 6) == 0) {
			END_WORD();
			p += 6;
			continue;
		}
		if (c == '$' && lx->end - p >= 4 && memcmp(p, "$IFS", 4) == 0) {
			END_WORD();
			p += 4;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == '{' ||
		    c == '}') {
			END_WORD();
			p++;
			continue;
		}
		if (c == ';') {
			END_WORD();
			push(lx, T_SEMI, NULL);
			p++;
			continue;
		}
		if (c == '&') {
			END_WORD();
			if (p + 1 < lx->end && p[1] == '&') {
				push(lx, T_AND, NULL);
				p += 2;
			} else {
				push(lx, T_SEMI, NULL); /* background: run it in order */
				p++;
			}
			continue;
		}
		if (c == '|') {
			END_WORD();
			if (p + 1 < lx->end && p[1] == '|') {
				push(lx, T_OR, NULL);
				p += 2;
			} else {
				push(lx, T_PIPE, NULL);
				p++;
			}
			continue;
		}
		if (c == '>' || c == '<') {
			bool fd2 = in_word && word && lx->buf + lx->used - word == 1 && word[0] == '2';
			enum tok_type t = c == '<' ? T_IN : T_OUT;

			if (fd2) {
				lx->used--; /* forget the "2" */
				in_word = false;
				t = T_ERR;
			} else {
				END_WORD();
			}
			p++;
			if (c == '>' && p < lx->end && *p == '>') {
				if (t == T_OUT)
					t = T_APPEND;
				p++;
			}
			if (p < lx->end && *p == '&') { /* 2>&1, >&2: no file */
				p++;
				while (p < lx->end && *p >= '0' && *p <= '9')
					p++;
				push(lx, T_DUP, NULL);
				continue;
			}
			push(lx, t, NULL);
			continue;
		}
		PUTC(c);
		p++;
	}
	END_WORD();
#undef PUTC
#undef END_WORD
}

/* ---- files -------------------------------------------------------------- */

/* Absolute path of name (cut at PATH_LEN - 1 bytes). */
static void make_path(const struct shell *sh, const char *name, char *out)
{
	const char *rel = name[0] == '.' && name[1] == '/' ? name + 2 : name;
	int n;

	if (name[0] == '/')
		n = snprintf(out, PATH_LEN, "%s", name);
	else if (strcmp(sh->cwd, "/") == 0)
		n = snprintf(out, PATH_LEN, "/%s", rel);
	else
		n = snprintf(out, PATH_LEN, "%s/%s", sh->cwd, rel);
	if (n < 0)
		out[0] = '\0';
}

static struct file *file_find(struct shell *sh, const char *name)
{
	char path[PATH_LEN];

	make_path(sh, name, path);
	for (size_t i = 0; i < sh->nfiles; i++)
		if (strcmp(sh->files[i].path, path) == 0)
			return &sh->files[i];
	return NULL;
}

/* Opens name for writing (created, or truncated unless append). */
static struct file *file_open(struct shell *sh, const char *name, bool append)
{
	struct file *f = file_find(sh, name);

	if (!f) {
		if (sh->nfiles == SHELL_MAX_FILES)
			return NULL;
		f = &sh->files[sh->nfiles++];
		memset(f, 0, sizeof(*f));
		make_path(sh, name, f->path);
	} else if (!append) {
		sh->total -= f->len;
		f->len = 0;
		f->truncated = false;
	}
	return f;
}

static void file_write(struct shell *sh, struct file *f, const void *data, size_t n)
{
	size_t room = sh->payload_max > sh->total ? sh->payload_max - sh->total : 0;
	const uint8_t *src = data;
	uint8_t *copy = NULL;

	if (n > room) {
		f->truncated = true;
		n = room;
	}
	if (!n)
		return;
	/* `cat x >> x`: the source is the file itself, which realloc moves. */
	if (f->data && src >= f->data && src < f->data + f->len) {
		copy = xmalloc(n);
		memcpy(copy, src, n);
		src = copy;
	}
	f->data = xrealloc(f->data, f->len + n);
	memcpy(f->data + f->len, src, n);
	f->len += n;
	sh->total += n;
	free(copy);
}

static bool file_remove(struct shell *sh, const char *name)
{
	struct file *f = file_find(sh, name);

	if (!f)
		return false;
	sh->total -= f->len;
	free(f->data);
	*f = sh->files[--sh->nfiles];
	return true;
}

/* Content of a file the device has from the start; NULL if none. */
static const void *builtin_file(const struct shell *sh, const char *path, size_t *len)
{
	const struct hp_profile *p = sh->p;
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n";

	if (strcmp(path, "/proc/mounts") == 0)
		return *len = strlen(p->proc_mounts), p->proc_mounts;
	if (strcmp(path, "/proc/cpuinfo") == 0)
		return *len = strlen(p->proc_cpuinfo), p->proc_cpuinfo;
	if (strcmp(path, "/etc/passwd") == 0)
		return *len = sizeof(passwd) - 1, passwd;
	if (strcmp(path, "/bin/echo") == 0 || strcmp(path, "/bin/busybox") == 0 || strcmp(path, "/bin/sh") == 0)
		return *len = HP_ELF_HEADER_LEN, p->elf_header;
	return NULL;
}

static const void *read_file(struct shell *sh, const char *name, size_t *len, bool *dropped)
{
	char path[PATH_LEN];
	struct file *f = file_find(sh, name);

	*dropped = false;
	if (f) {
		*dropped = f->dropped;
		*len = f->len;
		return f->data ? (const void *)f->data : (const void *)"";
	}
	make_path(sh, name, path);
	return builtin_file(sh, path, len);
}

/* ---- applets ------------------------------------------------------------ */

struct out {
	struct strbuf *term; /* terminal, or NULL when discarded */
	struct file *file; /* redirect target */
	bool data_written;
};

struct ctx {
	struct shell *sh;
	struct out *o;
	const struct shell_callbacks *cb;
	int argc;
	char **argv;
};

static void put(struct ctx *c, const void *data, size_t n)
{
	if (c->o->file) {
		file_write(c->sh, c->o->file, data, n);
		c->o->data_written = true;
	} else if (c->o->term) {
		strbuf_append(c->o->term, data, n);
	}
}

static void puts_(struct ctx *c, const char *s)
{
	put(c, s, strlen(s));
}

static void printf_(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(struct ctx *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(c, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* echo -e escapes: \xHH, \0NNN, \NNN, \n \t \r \\ \a \b \e \f \v; \c
 * stops all output. Returns false after \c. */
static bool put_escaped(struct ctx *c, const char *s)
{
	char buf[256];
	size_t n = 0;
	bool go_on = true;

	for (; *s && go_on; s++) {
		unsigned char ch = (unsigned char)*s;

		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'x': {
				int v = 0, k = 0, h;

				while (k < 2 && (h = hex_value(s[1])) >= 0)
					v = v * 16 + h, s++, k++;
				ch = k ? (unsigned char)v : 'x';
				if (!k) { /* "\x" without digits stays as typed */
					buf[n++] = '\\';
				}
				break;
			}
			case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
				int v = 0, k = 0, max = *s == '0' ? 4 : 3;

				s--;
				while (k < max && s[1] >= '0' && s[1] <= '7')
					v = v * 8 + (s[1] - '0'), s++, k++;
				ch = (unsigned char)v;
				break;
			}
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'a': ch = '\a'; break;
			case 'b': ch = '\b'; break;
			case 'e': ch = 0x1b; break;
			case 'f': ch = '\f'; break;
			case 'v': ch = '\v'; break;
			case '\\': ch = '\\'; break;
			case 'c': go_on = false; continue;
			default:
				buf[n++] = '\\';
				ch = (unsigned char)*s;
			}
		}
		buf[n++] = (char)ch;
		if (n >= sizeof(buf) - 2) {
			put(c, buf, n);
			n = 0;
		}
	}
	put(c, buf, n);
	return go_on;
}

static int do_echo(struct ctx *c)
{
	bool newline = true, esc = false;
	int i = 1;

	/* BusyBox takes -n, -e, -E and their combinations as flags. */
	for (; i < c->argc && c->argv[i][0] == '-' && c->argv[i][1]; i++) {
		const char *f = c->argv[i] + 1;

		if (strspn(f, "neE") != strlen(f))
			break;
		for (; *f; f++) {
			if (*f == 'n')
				newline = false;
			else if (*f == 'e')
				esc = true;
			else
				esc = false;
		}
	}
	for (int first = i; i < c->argc; i++) {
		if (i > first)
			put(c, " ", 1);
		if (esc) {
			if (!put_escaped(c, c->argv[i]))
				return 0;
		} else {
			puts_(c, c->argv[i]);
		}
	}
	if (newline)
		put(c, "\n", 1);
	if (c->o->file)
		c->o->file->dropped = true;
	return 0;
}

static int do_printf(struct ctx *c)
{
	if (c->argc < 2)
		return 1;
	put_escaped(c, c->argv[1]); /* the format's escapes; % directives stay as typed */
	if (c->o->file)
		c->o->file->dropped = true;
	return 0;
}

static int do_cat(struct ctx *c)
{
	int rc = 0;

	for (int i = 1; i < c->argc; i++) {
		size_t len;
		bool dropped;
		const void *d = read_file(c->sh, c->argv[i], &len, &dropped);

		if (c->argv[i][0] == '-')
			continue;
		if (!d) {
			printf_(c, "cat: can't open '%s': No such file or directory\n", c->argv[i]);
			rc = 1;
			continue;
		}
		put(c, d, len);
		if (c->o->file && dropped)
			c->o->file->dropped = true;
	}
	return rc;
}

static int do_dd(struct ctx *c)
{
	const char *in = NULL;
	unsigned long bs = 512, count = 1;
	size_t len, n;
	bool dropped;
	const void *d;

	for (int i = 1; i < c->argc; i++) {
		if (strncmp(c->argv[i], "if=", 3) == 0)
			in = c->argv[i] + 3;
		else if (strncmp(c->argv[i], "bs=", 3) == 0)
			bs = strtoul(c->argv[i] + 3, NULL, 10);
		else if (strncmp(c->argv[i], "count=", 6) == 0)
			count = strtoul(c->argv[i] + 6, NULL, 10);
	}
	if (!in)
		return 0; /* would read stdin, which is empty */
	d = read_file(c->sh, in, &len, &dropped);
	if (!d) {
		printf_(c, "dd: can't open '%s': No such file or directory\n", in);
		return 1;
	}
	n = bs && count && bs * count / count == bs && bs * count < len ? bs * count : len;
	put(c, d, n);
	printf_(c, "%lu+0 records in\n%lu+0 records out\n", count, count);
	return 0;
}

static int do_cp(struct ctx *c)
{
	const char *src = NULL, *dst = NULL;
	size_t len;
	bool dropped;
	const void *d;
	struct file *f;
	uint8_t *copy;

	for (int i = 1; i < c->argc; i++)
		if (c->argv[i][0] != '-') {
			if (!src)
				src = c->argv[i];
			else
				dst = c->argv[i];
		}
	if (!src || !dst) {
		puts_(c, "cp: missing file operand\n");
		return 1;
	}
	d = read_file(c->sh, src, &len, &dropped);
	if (!d) {
		printf_(c, "cp: can't stat '%s': No such file or directory\n", src);
		return 1;
	}
	copy = xmalloc(len + 1); /* src may be the file being truncated */
	memcpy(copy, d, len);
	f = file_open(c->sh, dst, false);
	if (f) {
		file_write(c->sh, f, copy, len);
		f->dropped = dropped;
	}
	free(copy);
	return 0;
}

static int do_rm(struct ctx *c)
{
	for (int i = 1; i < c->argc; i++)
		if (c->argv[i][0] != '-')
			file_remove(c->sh, c->argv[i]);
	return 0;
}

static int do_cd(struct ctx *c)
{
	const char *dir = c->argc > 1 ? c->argv[1] : "/";
	char path[PATH_LEN];

	make_path(c->sh, dir, path);
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	snprintf(c->sh->cwd, sizeof(c->sh->cwd), "%s", path);
	return 0;
}

static int do_uname(struct ctx *c)
{
	const struct hp_profile *p = c->sh->p;
	const char *f = c->argc > 1 ? c->argv[1] : "";

	if (strcmp(f, "-a") == 0)
		printf_(c, "%s\n", p->uname);
	else if (strcmp(f, "-m") == 0 || strcmp(f, "-p") == 0)
		printf_(c, "%s\n", p->machine);
	else if (strcmp(f, "-n") == 0)
		printf_(c, "%s\n", p->hostname);
	else
		puts_(c, "Linux\n");
	return 0;
}

/* Host part of a URL, for messages. */
static void url_host(const char *url, char *host, size_t n)
{
	const char *p = strstr(url, "://");
	size_t len;

	p = p ? p + 3 : url;
	len = strcspn(p, ":/");
	if (len >= n)
		len = n - 1;
	memcpy(host, p, len);
	host[len] = '\0';
}

static void report(struct ctx *c, const char *tool, const char *url)
{
	if (c->cb && c->cb->download)
		c->cb->download(c->cb->arg, tool, url);
}

static bool takes_value(const char *opt, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(opt, *list) == 0)
			return true;
	return false;
}

/* The first operand of a wget/curl command line. */
static const char *find_url(struct ctx *c, const char *const *value_opts)
{
	for (int i = 1; i < c->argc; i++) {
		if (strstr(c->argv[i], "://"))
			return c->argv[i];
		if (c->argv[i][0] == '-') {
			if (takes_value(c->argv[i], value_opts))
				i++;
			continue;
		}
		return c->argv[i];
	}
	return NULL;
}

static void normalise_url(const char *in, const char *scheme, char *out, size_t n)
{
	if (strstr(in, "://"))
		snprintf(out, n, "%s", in);
	else
		snprintf(out, n, "%s://%s", scheme, in);
}

/* Satori-style loaders call wget with tftp's options: `wget -g HOST -l
 * LOCAL -r /mips`. The URL is then HOST and the remote path, not HOST
 * alone. Returns false when the line is not of that form. */
static bool wget_tftp_style(struct ctx *c, char *url, size_t n)
{
	const char *host = NULL, *remote = NULL;

	for (int i = 1; i + 1 < c->argc; i++) {
		if (strcmp(c->argv[i], "-g") == 0 && c->argv[i + 1][0] != '-')
			host = c->argv[++i];
		else if (strcmp(c->argv[i], "-r") == 0)
			remote = c->argv[++i];
		else if (strcmp(c->argv[i], "-l") == 0)
			i++;
	}
	if (!host)
		return false;
	if (strstr(host, "://"))
		snprintf(url, n, "%s%s%s", host, remote && remote[0] != '/' ? "/" : "", remote ? remote : "");
	else
		snprintf(url, n, "http://%s%s%s", host, remote && remote[0] != '/' ? "/" : "", remote ? remote : "");
	return true;
}

static int do_wget(struct ctx *c)
{
	static const char *const opts[] = {"-O", "-o", "-P", "-U", "-T", "-t", "-Y", "-e", "--header", NULL};
	const char *u = find_url(c, opts);
	char url[1024], host[256];

	if (wget_tftp_style(c, url, sizeof(url)))
		u = url;
	if (!u) {
		printf_(c, "%s multi-call binary.\n\nUsage: wget [-c|--continue] [-s|--spider] [-q|--quiet] "
			   "[-O|--output-document FILE]\n\t[--header 'header: value'] [-Y|--proxy on/off] "
			   "[-P DIR]\n\t[-U|--user-agent AGENT] [-T SEC] URL...\n",
			c->sh->p->busybox_version);
		return 1;
	}
	if (u != url)
		normalise_url(u, "http", url, sizeof(url));
	report(c, "wget", url);
	url_host(url, host, sizeof(host));
	printf_(c, "Connecting to %s (%s:80)\nwget: can't connect to remote host (%s): Connection refused\n", host,
		host, host);
	return 1;
}

static int do_curl(struct ctx *c)
{
	static const char *const opts[] = {"-o", "-H", "-A", "-d", "-X", "-u", "-e", "-m", "-x", "--output",
					   "--connect-timeout", "--max-time", "--user-agent", "--data", NULL};
	const char *u = find_url(c, opts);
	char url[1024], host[256];

	if (!u) {
		puts_(c, "curl: try 'curl --help' for more information\n");
		return 2;
	}
	normalise_url(u, "http", url, sizeof(url));
	report(c, "curl", url);
	url_host(url, host, sizeof(host));
	printf_(c, "curl: (7) Failed to connect to %s port 80: Connection refused\n", host);
	return 7;
}

static int do_tftp(struct ctx *c)
{
	const char *remote = NULL, *local = NULL, *host = NULL, *port = NULL;
	char url[1024];

	for (int i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];

		if ((strcmp(a, "-r") == 0 || strcmp(a, "-l") == 0 || strcmp(a, "-b") == 0) && i + 1 < c->argc) {
			if (a[1] == 'r')
				remote = c->argv[i + 1];
			else if (a[1] == 'l')
				local = c->argv[i + 1];
			i++;
		} else if (strcmp(a, "-c") == 0 && i + 2 < c->argc) { /* tftp HOST -c get FILE */
			remote = c->argv[i + 2];
			i += 2;
		} else if (a[0] != '-') {
			if (!host)
				host = a;
			else if (!port)
				port = a;
		}
	}
	if (!host) {
		printf_(c, "%s multi-call binary.\n\nUsage: tftp [OPTIONS] HOST [PORT]\n\nTransfer a file from/to "
			   "tftp server\n\n\t-l FILE\tLocal FILE\n\t-r FILE\tRemote FILE\n\t-g\tGet file\n\t-p\tPut "
			   "file\n\t-b SIZE\tTransfer blocks of SIZE octets\n",
			c->sh->p->busybox_version);
		return 1;
	}
	if (!remote)
		remote = local ? local : "";
	snprintf(url, sizeof(url), "tftp://%s%s%s/%s", host, port ? ":" : "", port ? port : "", remote);
	report(c, "tftp", url);
	puts_(c, "tftp: timeout\n");
	return 1;
}

static int do_ftpget(struct ctx *c)
{
	const char *ops[3] = {NULL, NULL, NULL};
	int n = 0;
	char url[1024];

	for (int i = 1; i < c->argc; i++) {
		if (c->argv[i][0] == '-') {
			if (strchr("upP", c->argv[i][1]) && c->argv[i][1] && !c->argv[i][2])
				i++;
			continue;
		}
		if (n < 3)
			ops[n++] = c->argv[i];
	}
	if (n < 2) {
		puts_(c, "Usage: ftpget [OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n");
		return 1;
	}
	snprintf(url, sizeof(url), "ftp://%s/%s", ops[0], n == 3 ? ops[2] : ops[1]);
	report(c, "ftpget", url);
	printf_(c, "ftpget: can't connect to remote host (%s): Connection refused\n", ops[0]);
	return 1;
}

static int do_ps(struct ctx *c)
{
	puts_(c, "  PID USER       VSZ STAT COMMAND\n"
		 "    1 root      1356 S    init\n"
		 "    2 root         0 SW   [kthreadd]\n"
		 "    3 root         0 SW   [ksoftirqd/0]\n"
		 "  312 root      1360 S    /sbin/syslogd -n\n"
		 "  318 root      1352 S    /usr/sbin/telnetd -F\n"
		 "  402 root      1364 S    -sh\n");
	return 0;
}

static int do_busybox_banner(struct ctx *c)
{
	printf_(c, "%s multi-call binary.\nBusyBox is copyrighted by many authors between 1998-2012.\n"
		   "Licensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\n"
		   "Usage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n"
		   "   or: function [arguments]...\n\n\tBusyBox is a multi-call binary that combines many common "
		   "Unix\n\tutilities into a single executable.  Most people will create a\n\tlink to busybox for "
		   "each function they wish to use and BusyBox\n\twill act like whatever it was invoked as.\n",
		c->sh->p->busybox_version);
	return 0;
}

static int do_nc(struct ctx *c)
{
	if (c->argc < 2) {
		printf_(c, "%s multi-call binary.\n\nUsage: nc [-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] "
			   "[-e PROG]\n",
			c->sh->p->busybox_version);
		return 1;
	}
	puts_(c, "nc: can't connect to remote host: Connection refused\n");
	return 1;
}

static int do_true(struct ctx *c)
{
	(void)c;
	return 0;
}

static int do_false(struct ctx *c)
{
	(void)c;
	return 1;
}

static int do_id(struct ctx *c)
{
	puts_(c, "uid=0(root) gid=0(root)\n");
	return 0;
}

static int do_whoami(struct ctx *c)
{
	puts_(c, "root\n");
	return 0;
}

static int do_pwd(struct ctx *c)
{
	printf_(c, "%s\n", c->sh->cwd);
	return 0;
}

static int do_ls(struct ctx *c)
{
	for (size_t i = 0; i < c->sh->nfiles; i++) {
		const char *slash = strrchr(c->sh->files[i].path, '/');

		if (slash && (size_t)(slash - c->sh->files[i].path) == strlen(c->sh->cwd) - (strlen(c->sh->cwd) == 1) &&
		    strncmp(c->sh->files[i].path, c->sh->cwd, strlen(c->sh->cwd)) == 0)
			printf_(c, "%s\n", slash + 1);
	}
	return 0;
}

static int do_free(struct ctx *c)
{
	puts_(c, "              total         used         free       shared      buffers\n"
		 "Mem:         59264        41320        17944            0         3412\n"
		 "-/+ buffers:              37908        21356\nSwap:            0            0            0\n");
	return 0;
}

static const struct applet {
	const char *name;
	int (*run)(struct ctx *c);
} applets[] = {
	{"echo", do_echo},   {"printf", do_printf}, {"cat", do_cat},	 {"dd", do_dd},	      {"cp", do_cp},
	{"rm", do_rm},	     {"cd", do_cd},	  {"uname", do_uname},	 {"wget", do_wget},   {"curl", do_curl},
	{"tftp", do_tftp},   {"ftpget", do_ftpget}, {"ps", do_ps},	 {"nc", do_nc},	      {"id", do_id},
	{"whoami", do_whoami}, {"pwd", do_pwd},	  {"ls", do_ls},	 {"free", do_free},   {"chmod", do_true},
	{"mkdir", do_true},  {"kill", do_true},	  {"killall", do_true},	 {"sleep", do_true},  {"touch", do_true},
	{"export", do_true}, {"ulimit", do_true}, {"mount", do_true},	 {"sync", do_true},   {"true", do_true},
	{"false", do_false}, {"test", do_true},	  {"grep", do_false},	 {"head", do_true},   {"tail", do_true},
	{"mv", do_true},     {"ln", do_true},	  {"chown", do_true},	 {"history", do_true}, {"w", do_true},
	{"read", do_false},  {"sh", do_true},	  {"ash", do_true},	 {"hostname", do_true}, {"ifconfig", do_true},
	{"netstat", do_true}, {"iptables", do_true}, {"wc", do_true},	 {"df", do_true},     {"cut", do_true},
};

static const struct applet *find_applet(const char *name)
{
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

static const char *base_name(const char *s)
{
	const char *slash = strrchr(s, '/');

	return slash ? slash + 1 : s;
}

/* Runs one simple command; returns its exit status. *exit_shell is set by
 * exit/logout. */
static int run_simple(struct ctx *c, bool *exit_shell)
{
	const char *name;
	const struct applet *a;

	if (c->argc == 0)
		return 0;
	name = base_name(c->argv[0]);
	/* Shell keywords of loops and conditions: run what follows them. */
	while (c->argc > 0 &&
	       (strcmp(c->argv[0], "while") == 0 || strcmp(c->argv[0], "do") == 0 || strcmp(c->argv[0], "done") == 0 ||
		strcmp(c->argv[0], "if") == 0 || strcmp(c->argv[0], "then") == 0 || strcmp(c->argv[0], "fi") == 0 ||
		strcmp(c->argv[0], "else") == 0 || strcmp(c->argv[0], "until") == 0)) {
		c->argc--;
		c->argv++;
	}
	if (c->argc == 0)
		return 0;
	name = base_name(c->argv[0]);
	if (strcmp(c->argv[0], "exit") == 0 || (strcmp(c->argv[0], "logout") == 0 && c->sh->depth == 0)) {
		/* exit leaves the innermost shell only */
		if (c->sh->depth)
			c->sh->depth--;
		else
			*exit_shell = true;
		return 0;
	}
	if (strcmp(name, "help") == 0) {
		/* a profile without a built-in list prints none */
		if (c->sh->p->help)
			puts_(c, c->sh->p->help);
		return 0;
	}
	if (strcmp(name, "busybox") == 0 && c->argc >= 2 && (strcmp(c->argv[1], "sh") == 0 || strcmp(c->argv[1], "ash") == 0)) {
		c->argc--;
		c->argv++;
		name = c->argv[0];
	}
	if (c->argc == 1 && (strcmp(name, "sh") == 0 || strcmp(name, "ash") == 0)) {
		/* a nested interactive shell: its banner, then its prompt */
		if (c->sh->depth < 64)
			c->sh->depth++;
		puts_(c, c->sh->banner);
		return 0;
	}
	if (strcmp(name, "busybox") == 0) {
		if (c->argc == 1)
			return do_busybox_banner(c);
		c->argc--;
		c->argv++;
		a = find_applet(c->argv[0]);
		if (!a) {
			printf_(c, "%s: applet not found\n", c->argv[0]);
			return 127;
		}
		return a->run(c);
	}
	a = find_applet(name);
	if (a)
		return a->run(c);
	if (strchr(c->argv[0], '/')) { /* ./dvrHelper, /tmp/x: "runs" if it exists */
		size_t len;
		bool dropped;

		if (read_file(c->sh, c->argv[0], &len, &dropped))
			return 0;
	}
	printf_(c, "%s: %s: not found\n", arg0(c->sh), c->argv[0]);
	return 127;
}

static bool word_is(const struct token *t, const char *w)
{
	return t->type == T_WORD && strcmp(t->text, w) == 0;
}

/* If a loop or condition starts at token i, the index of its closing
 * done/fi (nesting counted), else i. */
static size_t compound_end(const struct lexer *lx, size_t i)
{
	int depth = 0;

	if (!(word_is(&lx->tok[i], "while") || word_is(&lx->tok[i], "until") || word_is(&lx->tok[i], "for") ||
	      word_is(&lx->tok[i], "if")))
		return i;
	for (size_t k = i; k < lx->n; k++) {
		/* Keywords count only at the start of a command. */
		if (k > i && lx->tok[k - 1].type == T_WORD && !word_is(&lx->tok[k - 1], "do") &&
		    !word_is(&lx->tok[k - 1], "then") && !word_is(&lx->tok[k - 1], "else"))
			continue;
		if (word_is(&lx->tok[k], "while") || word_is(&lx->tok[k], "until") || word_is(&lx->tok[k], "for") ||
		    word_is(&lx->tok[k], "if"))
			depth++;
		else if ((word_is(&lx->tok[k], "done") || word_is(&lx->tok[k], "fi")) && --depth == 0)
			return k;
	}
	return lx->n - 1;
}

enum shell_status shell_run(struct shell *sh, const char *line, size_t len, struct strbuf *out,
			    const struct shell_callbacks *cb)
{
	struct lexer *lx;
	bool exit_shell = false;
	int status = 0;
	enum tok_type conn = T_SEMI;
	size_t i = 0;

	if (len > SHELL_LINE_MAX)
		len = SHELL_LINE_MAX;
	lx = xcalloc(1, sizeof(*lx));
	lx->s = line;
	lx->end = line + len;
	lx->cap = len * 2 + 16;
	lx->buf = xmalloc(lx->cap);
	lx->arg0 = arg0(sh);
	lex(lx);

	while (i < lx->n && !exit_shell) {
		char *argv[MAX_ARGS + 1];
		int argc = 0;
		const char *redirect = NULL;
		bool append = false, discard = false, skip;
		enum tok_type next = T_SEMI;
		struct out o = {.term = out};
		struct ctx c = {.sh = sh, .o = &o, .cb = cb};

		/* A loop or condition after a failed && (or a good ||) is
		 * skipped as a whole; run, its parts run once each. */
		if ((conn == T_AND && status != 0) || (conn == T_OR && status == 0)) {
			size_t end = compound_end(lx, i);

			if (end != i) {
				for (i = end + 1; i < lx->n && lx->tok[i].type != T_SEMI && lx->tok[i].type != T_AND &&
						  lx->tok[i].type != T_OR && lx->tok[i].type != T_PIPE;
				     i++)
					;
				if (i < lx->n)
					conn = lx->tok[i++].type;
				continue;
			}
		}
		/* Gather one simple command up to the next connector. */
		for (; i < lx->n; i++) {
			struct token *t = &lx->tok[i];

			if (t->type == T_SEMI || t->type == T_AND || t->type == T_OR || t->type == T_PIPE) {
				next = t->type;
				i++;
				break;
			}
			if (t->type == T_WORD) {
				if (argc < MAX_ARGS)
					argv[argc++] = t->text;
				continue;
			}
			/* A redirection: its file name is the next word. */
			if (t->type != T_DUP && i + 1 < lx->n && lx->tok[i + 1].type == T_WORD) {
				if (t->type == T_OUT || t->type == T_APPEND) {
					redirect = lx->tok[i + 1].text;
					append = t->type == T_APPEND;
				}
				i++;
			}
		}
		argv[argc] = NULL;
		skip = (conn == T_AND && status != 0) || (conn == T_OR && status == 0);
		conn = next;
		if (skip)
			continue;
		if (next == T_PIPE)
			discard = true; /* its output would go to the next command */
		if (redirect && strcmp(redirect, "/dev/null") == 0) {
			discard = true;
			redirect = NULL;
		}
		if (redirect) {
			o.file = file_open(sh, redirect, append);
			if (!o.file) {
				strbuf_puts(out, "-sh: can't create file: No space left on device\n");
				status = 1;
				continue;
			}
		}
		if (discard && !o.file)
			o.term = NULL;
		c.argc = argc;
		c.argv = argv;
		status = run_simple(&c, &exit_shell);
	}
	free(lx->buf);
	free(lx);
	return exit_shell ? SHELL_EXIT : SHELL_CONTINUE;
}

size_t shell_held_bytes(const struct shell *sh)
{
	size_t held = xalloc_held(sh);

	for (size_t i = 0; i < sh->nfiles; i++)
		held += xalloc_held(sh->files[i].data);
	return held;
}
