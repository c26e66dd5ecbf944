/* ssh_kexinit.h - the algorithms an SSH server offers, from its first binary
 * packet (RFC 4253 section 7.1, SSH_MSG_KEXINIT: cookie, ten name-lists, a
 * flag and a reserved word), and which of them are weak.
 *
 * Input is hostile: lengths are checked against the packet, lists are cut
 * to fit, and a bad packet is an error naming the offset. */
#ifndef IOTMON_SSH_KEXINIT_H
#define IOTMON_SSH_KEXINIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SSH_LIST_MAX 1024

enum ssh_list { SSH_KEX, SSH_HOSTKEY, SSH_CIPHER_CS, SSH_CIPHER_SC, SSH_MAC_CS, SSH_MAC_SC, SSH_COMP_CS,
		SSH_COMP_SC, SSH_LANG_CS, SSH_LANG_SC, SSH_NLISTS };

struct ssh_kexinit {
	char lists[SSH_NLISTS][SSH_LIST_MAX]; /* comma-separated, as sent */
};

/* Parses a whole binary packet (uint32 length, padding length, payload,
 * padding) holding a KEXINIT. */
int ssh_kexinit_parse(const uint8_t *pkt, size_t len, struct ssh_kexinit *out, struct err *err);
/* Writes the weak algorithms offered (kex, host key, cipher, MAC) as
 * "kex:diffie-hellman-group1-sha1 cipher:3des-cbc ..." into out; returns
 * their count. */
size_t ssh_kexinit_weak(const struct ssh_kexinit *k, char *out, size_t cap);

#endif
