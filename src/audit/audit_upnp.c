#include "audit_upnp.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit_net.h"

static void header(const char *ans, const char *name, char *out, size_t cap)
{
	const char *p = audit_memcasestr(ans, strlen(ans), name);
	size_t used = strlen(out);
	const char *e;

	if (!p || used + 2 >= cap)
		return;
	e = strpbrk(p, "\r\n");
	snprintf(out + used, cap - used, "%s%.*s", used ? "; " : "", (int)(e ? e - p : (long)strlen(p)), p);
}

int audit_upnp_search(const struct ipaddr *ip, int timeout_ms, char *out, size_t cap)
{
	static const char msearch[] = "M-SEARCH * HTTP/1.1\r\n"
				      "HOST: 239.255.255.250:1900\r\n"
				      "MAN: \"ssdp:discover\"\r\n"
				      "MX: 1\r\n"
				      "ST: ssdp:all\r\n\r\n";
	struct sockaddr_storage ss;
	unsigned len = audit_sockaddr(ip, 1900, &ss);
	char ans[2048];
	struct pollfd pfd;
	ssize_t n;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	out[0] = '\0';
	if (fd < 0)
		return -1;
	/* Connected: only answers from the device itself are read. */
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 || send(fd, msearch, sizeof(msearch) - 1, 0) < 0) {
		close(fd);
		return 0;
	}
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&pfd, 1, timeout_ms) <= 0 || (n = recv(fd, ans, sizeof(ans) - 1, 0)) <= 0) {
		close(fd);
		return 0;
	}
	close(fd);
	ans[n] = '\0';
	if (strncmp(ans, "HTTP/1.1 200", 12) != 0)
		return 0;
	header(ans, "SERVER:", out, cap);
	header(ans, "ST:", out, cap);
	header(ans, "LOCATION:", out, cap);
	return 1;
}
