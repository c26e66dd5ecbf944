/* auth.h - API tokens: making them, checking them.
 *
 * A token is "iotm_" followed by 64 lowercase hex digits (32 random bytes
 * from the kernel). It is shown once, when made; the store keeps only the
 * SHA-256 of the whole text, so a copy of the database does not give access.
 * Each token names the networks (ASNs) it may read, and nothing else. */
#ifndef IOTMON_WEB_AUTH_H
#define IOTMON_WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ipaddr.h"
#include "store/store.h"

#define AUTH_TOKEN_PREFIX "iotm_"
#define AUTH_TOKEN_LEN (5 + 64)
#define AUTH_HASH_HEX 65 /* 64 hex digits and NUL */

/* Fills secret (AUTH_TOKEN_LEN + 1 bytes) with a new random token. */
int auth_token_new(char *secret, struct err *err);
/* SHA-256 of the token text, as lowercase hex. */
void auth_token_hash(const char *secret, size_t len, char hash[AUTH_HASH_HEX]);
/* True when s (len bytes) has the exact shape of a token. */
bool auth_token_well_formed(const char *s, size_t len);
/* Parses "ASN[,ASN...]" (each 1..4294967295, an optional "AS" prefix) into
 * t->asns, sorted and without duplicates. */
int auth_parse_asns(const char *s, struct api_token *t, struct err *err);
/* True when the token may read network asn. */
bool auth_token_allows(const struct api_token *t, uint32_t asn);

enum auth_result {
	AUTH_OK,
	AUTH_MISSING, /* no Authorization header */
	AUTH_MALFORMED, /* not "Bearer <token shape>" */
	AUTH_UNKNOWN, /* no such token */
	AUTH_REVOKED,
	AUTH_ERROR, /* the store failed; err says why */
};

/* Checks an Authorization header value (NULL when absent) against the
 * store; on AUTH_OK *t is the token. The scheme name is case-insensitive
 * (RFC 7235), the token itself is not. */
enum auth_result auth_check(struct store *s, const char *header, struct api_token *t, struct err *err);

/* Failed credentials per client address (an IPv4 address, an IPv6 /64):
 * `failures` are allowed at once, then one more per window_s / failures
 * seconds. Every path that checks a credential (API tokens, the portal
 * login) asks auth_throttle_check first and refuses with 429 and the
 * Retry-After it gives, without looking at the credential; after a failed
 * check it calls auth_throttle_fail. Success costs nothing. Thread-safe. */
struct auth_throttle;

struct auth_throttle *auth_throttle_new(int failures, int window_s);
void auth_throttle_free(struct auth_throttle *t);
/* True when client may try a credential now; else false and *retry_s. */
bool auth_throttle_check(struct auth_throttle *t, const struct ipaddr *client, int64_t now_us, int *retry_s);
/* Counts one failed credential of client. */
void auth_throttle_fail(struct auth_throttle *t, const struct ipaddr *client, int64_t now_us);

#endif
