#include "audit_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit_net.h"

const char *const tls_version_names[4] = {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
static const int tls_versions[4] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};

/* Suites broken or without forward secrecy worth naming: NULL, anonymous,
 * export, single DES, 3DES (SWEET32), RC4 (RFC 7465), MD5. */
static const char weak_suites[] = "eNULL:aNULL:EXPORT:DES:3DES:RC4:MD5:@SECLEVEL=0";

static SSL *handshake(SSL_CTX *ctx, const struct ipaddr *ip, uint16_t port, int tmo, int *fd, char *why, size_t wl)
{
	struct err err;
	SSL *ssl;

	*fd = audit_connect(ip, port, tmo, &err);
	if (*fd < 0) {
		snprintf(why, wl, "%.150s", err.msg);
		return NULL;
	}
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, *fd);
	if (SSL_connect(ssl) != 1) {
		unsigned long e = ERR_get_error();

		snprintf(why, wl, "handshake: %s", e ? ERR_reason_error_string(e) : "closed");
		ERR_clear_error();
		SSL_free(ssl);
		close(*fd);
		*fd = -1;
		return NULL;
	}
	return ssl;
}

static void done(SSL *ssl, int fd)
{
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
}

static void cert_facts(SSL *ssl, const char *ca_file, struct tls_report *r)
{
	X509 *c = SSL_get1_peer_certificate(ssl);
	EVP_PKEY *pk;
	const ASN1_TIME *na;
	X509_STORE *store;
	X509_STORE_CTX *vc;
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	int nid;
	struct tm tm;

	if (!c)
		return;
	X509_NAME_oneline(X509_get_subject_name(c), r->subject, sizeof(r->subject));
	X509_NAME_oneline(X509_get_issuer_name(c), r->issuer, sizeof(r->issuer));
	na = X509_get0_notAfter(c);
	if (ASN1_TIME_to_tm(na, &tm))
		strftime(r->not_after, sizeof(r->not_after), "%Y-%m-%dT%H:%M:%SZ", &tm);
	r->expired = X509_cmp_current_time(na) < 0;
	r->self_signed = X509_check_issued(c, c) == X509_V_OK;
	pk = X509_get0_pubkey(c);
	r->key_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
	if (pk && (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA || EVP_PKEY_get_base_id(pk) == EVP_PKEY_DSA))
		r->weak_key = r->key_bits < 2048;
	else if (pk)
		r->weak_key = r->key_bits < 224;
	nid = X509_get_signature_nid(c);
	r->weak_signature = nid == NID_md5WithRSAEncryption || nid == NID_sha1WithRSAEncryption ||
			    nid == NID_dsaWithSHA1 || nid == NID_ecdsa_with_SHA1 || nid == NID_md2WithRSAEncryption;
	/* Trust: the system store plus the lab's CA file. */
	store = X509_STORE_new();
	X509_STORE_set_default_paths(store);
	if (ca_file && *ca_file)
		X509_STORE_load_file(store, ca_file);
	vc = X509_STORE_CTX_new();
	X509_STORE_CTX_init(vc, store, c, chain);
	r->untrusted = X509_verify_cert(vc) != 1;
	X509_STORE_CTX_free(vc);
	X509_STORE_free(store);
	X509_free(c);
}

void audit_tls_check(const struct ipaddr *ip, uint16_t port, int timeout_ms, const char *ca_file,
		     struct tls_report *r)
{
	bool cert_seen = false;

	memset(r, 0, sizeof(*r));
	for (int v = 3; v >= 0; v--) {
		SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
		SSL *ssl;
		int fd;

		/* Security level 0: an old protocol must be offered to be seen. */
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
		SSL_CTX_set_min_proto_version(ctx, tls_versions[v]);
		SSL_CTX_set_max_proto_version(ctx, tls_versions[v]);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		ssl = handshake(ctx, ip, port, timeout_ms, &fd, r->error, sizeof(r->error));
		if (ssl) {
			r->reachable = true;
			r->version[v] = true;
			if (!cert_seen) {
				cert_facts(ssl, ca_file, r);
				cert_seen = true;
			}
			done(ssl, fd);
		}
		SSL_CTX_free(ctx);
	}
	if (r->reachable) {
		SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
		SSL *ssl;
		int fd;
		char why[160];

		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
		if (SSL_CTX_set_cipher_list(ctx, weak_suites) == 1) {
			ssl = handshake(ctx, ip, port, timeout_ms, &fd, why, sizeof(why));
			if (ssl) {
				snprintf(r->weak_cipher, sizeof(r->weak_cipher), "%s", SSL_get_cipher_name(ssl));
				done(ssl, fd);
			}
		}
		ERR_clear_error();
		SSL_CTX_free(ctx);
		r->error[0] = '\0';
	}
}
