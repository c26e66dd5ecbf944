/* auth.c - see auth.h. */
#include "auth.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/xalloc.h"
#include "web/peer.h"
#include "web/ratelimit.h"

static const char hexdigits[] = "0123456789abcdef";

int auth_token_new(char *secret, struct err *err)
{
	unsigned char raw[32];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, "getrandom: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	memcpy(secret, AUTH_TOKEN_PREFIX, 5);
	for (size_t i = 0; i < sizeof(raw); i++) {
		secret[5 + 2 * i] = hexdigits[raw[i] >> 4];
		secret[5 + 2 * i + 1] = hexdigits[raw[i] & 15];
	}
	secret[AUTH_TOKEN_LEN] = '\0';
	return 0;
}

void auth_token_hash(const char *secret, size_t len, char hash[AUTH_HASH_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(secret, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned i = 0; i < mdlen && i < 32; i++) {
		hash[2 * i] = hexdigits[md[i] >> 4];
		hash[2 * i + 1] = hexdigits[md[i] & 15];
	}
	hash[64] = '\0';
}

bool auth_token_well_formed(const char *s, size_t len)
{
	if (len != AUTH_TOKEN_LEN || memcmp(s, AUTH_TOKEN_PREFIX, 5) != 0)
		return false;
	for (size_t i = 5; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int auth_parse_asns(const char *s, struct api_token *t, struct err *err)
{
	const char *p = s;

	t->nasns = 0;
	while (*p) {
		uint64_t v = 0;
		const char *start;

		if (strncasecmp(p, "AS", 2) == 0)
			p += 2;
		start = p;
		while (*p >= '0' && *p <= '9' && p - start < 11)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (p == start || v == 0 || v > UINT32_MAX || (*p && *p != ','))
			return err_set(err, "not a list of AS numbers: \"%s\"", s);
		if (t->nasns == TOKEN_ASNS_MAX)
			return err_set(err, "more than %d networks in one token", TOKEN_ASNS_MAX);
		t->asns[t->nasns++] = (uint32_t)v;
		if (*p == ',' && !*++p)
			return err_set(err, "not a list of AS numbers: \"%s\"", s);
	}
	if (t->nasns == 0)
		return err_set(err, "no AS number given");
	qsort(t->asns, t->nasns, sizeof(t->asns[0]), cmp_u32);
	size_t n = 1;
	for (size_t i = 1; i < t->nasns; i++)
		if (t->asns[i] != t->asns[n - 1])
			t->asns[n++] = t->asns[i];
	t->nasns = n;
	return 0;
}

bool auth_token_allows(const struct api_token *t, uint32_t asn)
{
	for (size_t i = 0; i < t->nasns; i++)
		if (t->asns[i] == asn)
			return true;
	return false;
}

enum auth_result auth_check(struct store *s, const char *header, struct api_token *t, struct err *err)
{
	char hash[AUTH_HASH_HEX];
	const char *tok;
	bool found;

	if (!header)
		return AUTH_MISSING;
	if (strncasecmp(header, "Bearer ", 7) != 0)
		return AUTH_MALFORMED;
	tok = header + 7;
	while (*tok == ' ')
		tok++;
	if (!auth_token_well_formed(tok, strlen(tok)))
		return AUTH_MALFORMED;
	auth_token_hash(tok, AUTH_TOKEN_LEN, hash);
	if (store_find_token(s, hash, t, &found, err))
		return AUTH_ERROR;
	if (!found)
		return AUTH_UNKNOWN;
	if (t->revoked_us)
		return AUTH_REVOKED;
	return AUTH_OK;
}

/* The throttle is a rate limit whose budget is spent by failures only. */
struct auth_throttle {
	struct ratelimit *rl;
};

struct auth_throttle *auth_throttle_new(int failures, int window_s)
{
	struct auth_throttle *t = xcalloc(1, sizeof(*t));

	t->rl = ratelimit_new_window(failures, window_s);
	return t;
}

void auth_throttle_free(struct auth_throttle *t)
{
	if (!t)
		return;
	ratelimit_free(t->rl);
	free(t);
}

bool auth_throttle_check(struct auth_throttle *t, const struct ipaddr *client, int64_t now_us, int *retry_s)
{
	return ratelimit_peek(t->rl, peer_budget_key(client), now_us, retry_s);
}

void auth_throttle_fail(struct auth_throttle *t, const struct ipaddr *client, int64_t now_us)
{
	ratelimit_take(t->rl, peer_budget_key(client), now_us, NULL);
}
