/* session.h - network-owner portal sessions: a token holder signs in once
 * and gets a session cookie instead of sending the token with each request.
 *
 * A session id is 32 random bytes (hex); the table keeps only its SHA-256,
 * the token's hash, an expiry and a CSRF secret for the portal's forms.
 * Sessions live in the server's memory (a restart signs everyone out) and
 * die at expiry, on logout, and when the token is revoked or removed: the
 * caller re-reads the token from the store on every request by its hash.
 * The table is bounded; when full, the session closest to expiry goes. */
#ifndef IOTMON_WEB_SESSION_H
#define IOTMON_WEB_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "web/auth.h"

#define SESSION_MAX 4096
#define SESSION_ID_LEN 64 /* hex digits */
#define SESSION_COOKIE "iotmon_session"

struct session {
	char id_hash[AUTH_HASH_HEX]; /* "" free slot */
	char token_hash[AUTH_HASH_HEX];
	char csrf[SESSION_ID_LEN + 1];
	int64_t expires_us; /* wall clock */
};

struct sessions;

struct sessions *sessions_new(void);
void sessions_free(struct sessions *ss);

/* Starts a session for the token with this hash, lasting ttl_us; writes its
 * id (SESSION_ID_LEN + 1 bytes) and copies the session into *out. */
int sessions_start(struct sessions *ss, const char *token_hash, int64_t now_us, int64_t ttl_us, char *id,
		   struct session *out, struct err *err);
/* The live session of id (a cookie value, may be NULL or malformed): true
 * and *out filled, or false (expired ones are removed). */
bool sessions_find(struct sessions *ss, const char *id, int64_t now_us, struct session *out);
/* Ends the session of id, if any. */
void sessions_end(struct sessions *ss, const char *id);

/* Compares two NUL-terminated secrets in time independent of where they
 * differ. */
bool session_secret_equal(const char *a, const char *b);

#endif
