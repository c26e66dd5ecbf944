/* audit_tls.h - what a TLS service accepts, asked with OpenSSL: each
 * protocol version on its own, weak cipher suites, and the certificate it
 * shows (self-signed, expired, not trusted by the lab's CA file, weak key or
 * signature). Handshakes only: no request is sent after them. */
#ifndef IOTMON_AUDIT_TLS_H
#define IOTMON_AUDIT_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct tls_report {
	bool reachable; /* some handshake completed */
	bool version[4]; /* TLS 1.0, 1.1, 1.2, 1.3 accepted */
	char weak_cipher[64]; /* a weak suite the server chose, "" none */
	char subject[160], issuer[160], not_after[32];
	bool self_signed, expired, untrusted, weak_key, weak_signature;
	int key_bits;
	char error[160]; /* why nothing completed */
};

/* ca_file: extra trust anchors (the lab's CA); may be "" (system store). */
void audit_tls_check(const struct ipaddr *ip, uint16_t port, int timeout_ms, const char *ca_file,
		     struct tls_report *r);
extern const char *const tls_version_names[4];

#endif
