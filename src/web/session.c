/* session.c - see session.h. A plain array scanned under a mutex: a few
 * thousand entries at most, and only portal requests look. */
#include "web/session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct sessions {
	pthread_mutex_t lock;
	struct session v[SESSION_MAX];
};

struct sessions *sessions_new(void)
{
	struct sessions *ss = xcalloc(1, sizeof(*ss));

	pthread_mutex_init(&ss->lock, NULL);
	return ss;
}

void sessions_free(struct sessions *ss)
{
	if (!ss)
		return;
	pthread_mutex_destroy(&ss->lock);
	free(ss);
}

/* 64 random hex digits (the token maker's randomness, without its prefix). */
static int random_hex(char *out, struct err *err)
{
	char secret[AUTH_TOKEN_LEN + 1];

	if (auth_token_new(secret, err))
		return -1;
	memcpy(out, secret + 5, SESSION_ID_LEN + 1);
	return 0;
}

static bool id_well_formed(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')) || n >= SESSION_ID_LEN)
			return false;
	return n == SESSION_ID_LEN;
}

bool session_secret_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char diff = na != nb;

	for (size_t i = 0; i < na && i < nb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int sessions_start(struct sessions *ss, const char *token_hash, int64_t now_us, int64_t ttl_us, char *id,
		   struct session *out, struct err *err)
{
	struct session s = {0}, *slot;

	if (random_hex(id, err) || random_hex(s.csrf, err))
		return -1;
	auth_token_hash(id, SESSION_ID_LEN, s.id_hash);
	snprintf(s.token_hash, sizeof(s.token_hash), "%s", token_hash);
	s.expires_us = now_us + ttl_us;
	pthread_mutex_lock(&ss->lock);
	slot = &ss->v[0];
	for (size_t i = 0; i < SESSION_MAX; i++) {
		if (!ss->v[i].id_hash[0] || ss->v[i].expires_us <= now_us) {
			slot = &ss->v[i];
			break;
		}
		if (ss->v[i].expires_us < slot->expires_us)
			slot = &ss->v[i];
	}
	*slot = s;
	pthread_mutex_unlock(&ss->lock);
	*out = s;
	return 0;
}

/* The slot of id under the lock, or NULL. */
static struct session *slot_of(struct sessions *ss, const char *id)
{
	char hash[AUTH_HASH_HEX];

	if (!id || !id_well_formed(id))
		return NULL;
	auth_token_hash(id, SESSION_ID_LEN, hash);
	for (size_t i = 0; i < SESSION_MAX; i++)
		if (ss->v[i].id_hash[0] && strcmp(ss->v[i].id_hash, hash) == 0)
			return &ss->v[i];
	return NULL;
}

bool sessions_find(struct sessions *ss, const char *id, int64_t now_us, struct session *out)
{
	struct session *s;
	bool live = false;

	pthread_mutex_lock(&ss->lock);
	s = slot_of(ss, id);
	if (s && s->expires_us > now_us) {
		*out = *s;
		live = true;
	} else if (s) {
		memset(s, 0, sizeof(*s));
	}
	pthread_mutex_unlock(&ss->lock);
	return live;
}

void sessions_end(struct sessions *ss, const char *id)
{
	struct session *s;

	pthread_mutex_lock(&ss->lock);
	if ((s = slot_of(ss, id)) != NULL)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&ss->lock);
}
