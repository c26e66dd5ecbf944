#include "audit_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/timeutil.h"

unsigned audit_sockaddr(const struct ipaddr *ip, uint16_t port, void *ss)
{
	if (ip->af == 4) {
		struct sockaddr_in *s = ss;

		memset(s, 0, sizeof(*s));
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, ip->b, 4);
		return sizeof(*s);
	} else {
		struct sockaddr_in6 *s = ss;

		memset(s, 0, sizeof(*s));
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, ip->b, 16);
		return sizeof(*s);
	}
}

int audit_connect(const struct ipaddr *ip, uint16_t port, int timeout_ms, struct err *err)
{
	struct sockaddr_storage ss;
	unsigned len = audit_sockaddr(ip, port, &ss);
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	struct pollfd pfd;
	int fd, soerr = 0;
	socklen_t sl = sizeof(soerr);

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(err, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		err_set(err, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	pfd = (struct pollfd){.fd = fd, .events = POLLOUT};
	if (poll(&pfd, 1, timeout_ms) <= 0) {
		err_set(err, "connect: timed out after %d ms", timeout_ms);
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
		err_set(err, "connect: %s", strerror(soerr ? soerr : errno));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

int audit_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *audit_memcasestr(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return hay;
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

long audit_read_until(int fd, char *buf, size_t cap, const char *const *needles, int timeout_ms)
{
	int64_t deadline = time_mono_us() + (int64_t)timeout_ms * 1000;
	size_t len = 0;

	buf[0] = '\0';
	while (len + 1 < cap) {
		int64_t left = (deadline - time_mono_us()) / 1000;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;
		int pr;

		if (left <= 0)
			break;
		pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			break;
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return len ? (long)len : -1;
		if (n == 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (!needles) /* binary protocols: whatever arrived, the caller frames it */
			return (long)len;
		for (size_t i = 0; needles[i]; i++)
			if (audit_memcasestr(buf, len, needles[i]))
				return (long)len;
	}
	buf[len] = '\0';
	return (long)len;
}

void audit_pace_init(struct audit_pace *p, double per_second)
{
	pthread_mutex_init(&p->mu, NULL);
	p->rate = per_second;
	p->next_us = 0;
}

void audit_pace_wait(struct audit_pace *p)
{
	int64_t now, at;

	if (p->rate <= 0)
		return;
	pthread_mutex_lock(&p->mu);
	now = time_mono_us();
	at = p->next_us > now ? p->next_us : now;
	p->next_us = at + (int64_t)(1e6 / p->rate);
	pthread_mutex_unlock(&p->mu);
	if (at > now) {
		struct timespec ts = {(at - now) / 1000000, ((at - now) % 1000000) * 1000};

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

void audit_pace_free(struct audit_pace *p)
{
	pthread_mutex_destroy(&p->mu);
}
