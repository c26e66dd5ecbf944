/* pseudonym.h - keyed pseudonyms for source addresses in research exports.
 *
 * A source address is personal data. An export for researchers keeps what
 * they need (the same source is the same source across events and days)
 * without the address: HMAC-SHA256(key, address) names it, written as an
 * address in the unique-local range fd00::/8 so tools that expect an
 * address still parse it. Without the key the mapping cannot be rebuilt or
 * checked against a guessed address; with another key it is unrelated. */
#ifndef IOTMON_PSEUDONYM_H
#define IOTMON_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ipaddr.h"

#define PSEUDONYM_KEY_MIN 16
#define PSEUDONYM_KEY_MAX 256

struct pseudonym_key {
	uint8_t bytes[PSEUDONYM_KEY_MAX];
	size_t len;
};

/* Reads a key file (16 to 256 bytes; a trailing newline is part of it).
 * A file the group or others may read is refused: the key is the secret. */
int pseudonym_key_load(const char *path, struct pseudonym_key *key, struct err *err);
/* The pseudonym of a (af 4 or 6); an address of af 0 stays as it is. */
void pseudonym_addr(const struct pseudonym_key *key, const struct ipaddr *a, struct ipaddr *out);

#endif
