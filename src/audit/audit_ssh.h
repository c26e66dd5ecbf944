/* audit_ssh.h - an SSH server's identification line and its KEXINIT, read
 * by sending only our own identification line (no key exchange). */
#ifndef IOTMON_AUDIT_SSH_H
#define IOTMON_AUDIT_SSH_H

#include <stdint.h>

#include "core/err.h"
#include "core/ipaddr.h"
#include "ssh_kexinit.h"

int audit_ssh_hello(const struct ipaddr *ip, uint16_t port, int timeout_ms, char *ident, size_t ident_cap,
		    struct ssh_kexinit *k, struct err *err);

#endif
