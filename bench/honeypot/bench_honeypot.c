/* bench_honeypot.c - a bounded loopback load generator for the telnet
 * honeypot (one thread, epoll).
 *
 *   bench_honeypot hold PORT N SERVER_PID
 *       opens N sessions (at most 256 connecting at once), waits until each
 *       shows its login prompt, then prints how many are held, the server's
 *       RSS and the p50/p99 time from connect() to the prompt.
 *   bench_honeypot logins PORT CONCURRENCY TOTAL PER_CONN
 *       completes TOTAL login attempts, PER_CONN per connection (the
 *       server closes after its last one), CONCURRENCY connections in
 *       flight; prints attempts, seconds, attempts/s and the p99 time to the
 *       login prompt.
 * Loopback only (127.0.0.1). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { WAIT_LOGIN, WAIT_PASS, WAIT_RESULT, HOLD, DONE };

struct conn {
	int fd, state, attempts;
	double t0;
	char tail[32]; /* last bytes seen, to find prompts split across reads */
	size_t tlen;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int ep, port;
static double *lat;
static size_t nlat;

static int open_conn(struct conn *c)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct epoll_event ee = {.events = EPOLLIN, .data.ptr = c};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS) {
		close(c->fd);
		return -1;
	}
	c->state = WAIT_LOGIN;
	c->attempts = 0;
	c->tlen = 0;
	c->t0 = now();
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ee);
	return 0;
}

/* Appends what arrived to the tail window; true when needle is in it. */
static int saw(struct conn *c, const char *buf, size_t n, const char *needle)
{
	size_t keep = sizeof(c->tail) - 1;
	char win[4096 + 32];
	size_t wl = 0;

	memcpy(win, c->tail, c->tlen);
	wl = c->tlen;
	if (n > 4096)
		buf += n - 4096, n = 4096;
	memcpy(win + wl, buf, n);
	wl += n;
	win[wl] = '\0';
	/* NUL bytes may sit in telnet data; search with memmem. */
	int found = memmem(win, wl, needle, strlen(needle)) != NULL;
	size_t k = wl < keep ? wl : keep;
	memcpy(c->tail, win + wl - k, k);
	c->tlen = found ? 0 : k;
	return found;
}

static long rss_kb(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct epoll_event evs[512];
	struct conn *cs;
	int hold, n, conc, per = 1;
	long total, started = 0, completed = 0, attempts = 0, failed = 0;
	double t_start;

	if (argc < 5 || (strcmp(argv[1], "hold") && strcmp(argv[1], "logins"))) {
		fprintf(stderr, "usage: bench_honeypot hold PORT N SERVER_PID | logins PORT CONCURRENCY TOTAL PER_CONN\n");
		return 2;
	}
	hold = strcmp(argv[1], "hold") == 0;
	port = atoi(argv[2]);
	n = atoi(argv[3]);
	total = hold ? n : atol(argv[4]);
	if (!hold && argc > 5)
		per = atoi(argv[5]);
	conc = hold ? n : n;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	ep = epoll_create1(0);
	cs = calloc((size_t)conc, sizeof(*cs));
	lat = calloc((size_t)(hold ? total : total / per + conc + 1), sizeof(*lat));
	t_start = now();

	if (hold) {
		/* Ramp up: at most 256 sessions waiting for their prompt. */
		int connecting = 0, held = 0, next = 0;

		while (held + failed < n) {
			while (next < n && connecting < 256) {
				if (open_conn(&cs[next]) == 0)
					connecting++;
				else
					failed++;
				next++;
			}
			int k = epoll_wait(ep, evs, 512, 1000);
			for (int i = 0; i < k; i++) {
				struct conn *c = evs[i].data.ptr;
				char buf[4096];
				ssize_t r = read(c->fd, buf, sizeof(buf));

				if (r <= 0) {
					if (r < 0 && errno == EAGAIN)
						continue;
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
					if (c->state != HOLD) {
						connecting--;
						failed++;
					} else {
						held--;
						failed++;
					}
					c->state = DONE;
					continue;
				}
				if (c->state == WAIT_LOGIN && saw(c, buf, (size_t)r, "login: ")) {
					lat[nlat++] = now() - c->t0;
					c->state = HOLD;
					connecting--;
					held++;
				}
			}
			if (k == 0 && now() - t_start > 120)
				break;
		}
		qsort(lat, nlat, sizeof(*lat), cmp);
		sleep(1);
		printf("held %d of %d sessions (%ld failed); server RSS %ld kB; prompt latency p50 %.2f ms p99 %.2f ms; "
		       "ramp %.1f s\n",
		       held, n, failed, rss_kb(atoi(argv[4])), nlat ? lat[nlat / 2] * 1e3 : 0,
		       nlat ? lat[(size_t)(nlat * 0.99)] * 1e3 : 0, now() - t_start);
		return held == n ? 0 : 1;
	}

	/* logins */
	for (int i = 0; i < conc && started * per < total; i++)
		if (open_conn(&cs[i]) == 0)
			started++;
	while (completed * per < total && now() - t_start < 300) {
		int k = epoll_wait(ep, evs, 512, 1000);

		for (int i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;
			char buf[4096], line[64];
			ssize_t r = read(c->fd, buf, sizeof(buf));
			int closed = r == 0 || (r < 0 && errno != EAGAIN);

			if (r < 0 && errno == EAGAIN)
				continue;
			if (!closed && c->state == WAIT_LOGIN && saw(c, buf, (size_t)r, "login: ")) {
				if (c->attempts == 0)
					lat[nlat++] = now() - c->t0;
				snprintf(line, sizeof(line), "bench%ld\r\n", started * per + c->attempts);
				if (write(c->fd, line, strlen(line)) < 0)
					closed = 1;
				c->state = WAIT_PASS;
			} else if (!closed && c->state == WAIT_PASS && saw(c, buf, (size_t)r, "assword: ")) {
				if (write(c->fd, "secret\r\n", 8) < 0)
					closed = 1;
				c->state = WAIT_RESULT;
			} else if (!closed && c->state == WAIT_RESULT && saw(c, buf, (size_t)r, "incorrect")) {
				attempts++;
				c->attempts++;
				c->state = c->attempts < per ? WAIT_LOGIN : DONE;
				/* the rest ("login: ") may be in this same read */
				if (c->state == WAIT_LOGIN && memmem(buf, (size_t)r, "login: ", 7)) {
					snprintf(line, sizeof(line), "bench%ld\r\n", started * per + c->attempts);
					if (write(c->fd, line, strlen(line)) < 0)
						closed = 1;
					c->state = WAIT_PASS;
				}
			}
			if (closed || c->state == DONE) {
				if (c->state != DONE || c->attempts < per)
					failed++;
				close(c->fd);
				completed++;
				if (started * per < total) {
					if (open_conn(c) == 0)
						started++;
				}
			}
		}
	}
	double secs = now() - t_start;
	qsort(lat, nlat, sizeof(*lat), cmp);
	printf("%ld login attempts in %.2f s: %.0f attempts/s (%d in flight, %d per connection, %ld failed "
	       "connections); prompt latency p50 %.2f ms p99 %.2f ms\n",
	       attempts, secs, attempts / secs, conc, per, failed, nlat ? lat[nlat / 2] * 1e3 : 0,
	       nlat ? lat[(size_t)(nlat * 0.99)] * 1e3 : 0);
	return failed ? 1 : 0;
}
