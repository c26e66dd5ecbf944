#include "audit_ssh.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit_net.h"
#include "core/timeutil.h"

static const char our_ident[] = "SSH-2.0-iotmon_audit\r\n";

int audit_ssh_hello(const struct ipaddr *ip, uint16_t port, int timeout_ms, char *ident, size_t ident_cap,
		    struct ssh_kexinit *k, struct err *err)
{
	static const char *const eol[] = {"\n", NULL};
	uint8_t pkt[36000];
	char line[512];
	size_t got = 0;
	long n;
	int fd = audit_connect(ip, port, timeout_ms, err);
	const char *nl;

	if (fd < 0)
		return -1;
	audit_send_all(fd, our_ident, sizeof(our_ident) - 1);
	/* The server may send lines before its identification (RFC 4253 4.2). */
	n = audit_read_until(fd, line, sizeof(line), eol, timeout_ms);
	for (int tries = 0; n > 0 && strncmp(line, "SSH-", 4) != 0 && tries < 20; tries++)
		n = audit_read_until(fd, line, sizeof(line), eol, timeout_ms);
	if (n <= 0 || strncmp(line, "SSH-", 4) != 0 || !(nl = memchr(line, '\n', (size_t)n))) {
		close(fd);
		return err_set(err, "no SSH identification line");
	}
	snprintf(ident, ident_cap, "%.*s", (int)(nl - line - (nl > line && nl[-1] == '\r')), line);
	/* Bytes after the line belong to the first packet. */
	got = (size_t)n - (size_t)(nl + 1 - line);
	memcpy(pkt, nl + 1, got);
	while (got < sizeof(pkt)) {
		uint32_t plen;

		if (got >= 4) {
			plen = (uint32_t)pkt[0] << 24 | (uint32_t)pkt[1] << 16 | (uint32_t)pkt[2] << 8 | pkt[3];
			if (plen > 35000 || got >= (size_t)plen + 4)
				break;
		}
		n = audit_read_until(fd, (char *)pkt + got, sizeof(pkt) - got, NULL, timeout_ms);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (ssh_kexinit_parse(pkt, got, k, err))
		return err_prefix(err, "KEXINIT");
	return 0;
}
