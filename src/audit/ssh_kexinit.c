#include "ssh_kexinit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int ssh_kexinit_parse(const uint8_t *pkt, size_t len, struct ssh_kexinit *out, struct err *err)
{
	uint32_t plen;
	size_t off, end;

	memset(out, 0, sizeof(*out));
	if (len < 6)
		return err_set(err, "offset 0: SSH packet shorter than its header");
	plen = be32(pkt);
	if (plen < 2 || plen > 35000 || (size_t)plen + 4 > len)
		return err_set(err, "offset 0: SSH packet length %u does not fit the %zu bytes read", plen, len);
	if (pkt[4] >= plen)
		return err_set(err, "offset 4: padding length %u not below packet length %u", pkt[4], plen);
	end = 4 + (size_t)plen - pkt[4];
	off = 5;
	if (pkt[off] != 20)
		return err_set(err, "offset 5: message %u, not KEXINIT (20)", pkt[off]);
	off += 1 + 16; /* message number, cookie */
	for (int i = 0; i < SSH_NLISTS; i++) {
		uint32_t n;
		size_t keep;

		if (off + 4 > end)
			return err_set(err, "offset %zu: name-list %d cut off", off, i);
		n = be32(pkt + off);
		off += 4;
		if (n > end - off)
			return err_set(err, "offset %zu: name-list %d of %u bytes runs past the packet", off - 4, i, n);
		keep = n < SSH_LIST_MAX - 1 ? n : SSH_LIST_MAX - 1;
		for (size_t j = 0; j < keep; j++) {
			uint8_t c = pkt[off + j];

			out->lists[i][j] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
		}
		off += n;
	}
	if (off + 5 > end)
		return err_set(err, "offset %zu: KEXINIT ends before first_kex_packet_follows", off);
	return 0;
}

/* Weak by the published guidance (RFC 9142 for key exchange, RFC 8758 for
 * RC4, RFC 8332 / OpenSSH 8.8 for ssh-rsa SHA-1 signatures, NIST SP 800-131A
 * for 3DES and 1024-bit groups); CBC modes and SHA-1 MACs are what ssh-audit
 * also flags. */
static const struct {
	enum ssh_list list;
	const char *name;
	bool prefix; /* name is a prefix of a family (arcfour128, hmac-md5-96 ...) */
} weak[] = {
	{SSH_KEX, "diffie-hellman-group1-sha1", false},
	{SSH_KEX, "diffie-hellman-group14-sha1", false},
	{SSH_KEX, "diffie-hellman-group-exchange-sha1", false},
	{SSH_KEX, "gss-gex-sha1-", true},
	{SSH_KEX, "gss-group1-sha1-", true},
	{SSH_KEX, "rsa1024-sha1", false},
	{SSH_HOSTKEY, "ssh-dss", true},
	{SSH_HOSTKEY, "ssh-rsa", false},
	{SSH_HOSTKEY, "ssh-rsa-cert-v01@openssh.com", false},
	{SSH_CIPHER_SC, "3des-", true},
	{SSH_CIPHER_SC, "des-cbc", true},
	{SSH_CIPHER_SC, "arcfour", true},
	{SSH_CIPHER_SC, "blowfish-", true},
	{SSH_CIPHER_SC, "cast128-", true},
	{SSH_CIPHER_SC, "aes128-cbc", false},
	{SSH_CIPHER_SC, "aes192-cbc", false},
	{SSH_CIPHER_SC, "aes256-cbc", false},
	{SSH_CIPHER_SC, "none", false},
	{SSH_MAC_SC, "hmac-md5", true},
	{SSH_MAC_SC, "hmac-sha1", false},
	{SSH_MAC_SC, "hmac-sha1-96", true},
	{SSH_MAC_SC, "hmac-sha1-etm@openssh.com", false},
	{SSH_MAC_SC, "hmac-ripemd160", true},
	{SSH_MAC_SC, "umac-64", true},
	{SSH_MAC_SC, "none", false},
};

static const char *const list_tag[SSH_NLISTS] = {"kex", "hostkey", "cipher", "cipher", "mac", "mac"};

size_t ssh_kexinit_weak(const struct ssh_kexinit *k, char *out, size_t cap)
{
	size_t count = 0, used = 0;

	if (cap)
		out[0] = '\0';
	for (int l = SSH_KEX; l <= SSH_MAC_SC; l++) {
		const char *p;

		if (l == SSH_CIPHER_CS || l == SSH_MAC_CS)
			continue; /* server-to-client lists stand for both directions */
		p = k->lists[l];
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);

			for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
				size_t wl = strlen(weak[i].name);

				if (weak[i].list != (enum ssh_list)l || n < wl || strncmp(p, weak[i].name, wl) != 0 ||
				    (!weak[i].prefix && n != wl))
					continue;
				count++;
				if (used < cap) {
					int w = snprintf(out + used, cap - used, "%s%s:%.*s", used ? " " : "", list_tag[l],
							 (int)n, p);
					used = w < 0 ? cap : used + (size_t)w;
				}
				break;
			}
			p += n + (comma ? 1 : 0);
		}
	}
	return count;
}
