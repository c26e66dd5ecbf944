/* pseudonym.c - keyed pseudonyms for source addresses in research exports. */
#include "pseudonym.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pseudonym_key_load(const char *path, struct pseudonym_key *key, struct err *err)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return err_set(err, "pseudonym key %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, "pseudonym key %s: not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return err_set(err, "pseudonym key %s: readable by others (mode %04o); run chmod 600 %s", path,
			       (unsigned)(st.st_mode & 07777), path);
	}
	n = read(fd, key->bytes, sizeof(key->bytes));
	close(fd);
	if (n < PSEUDONYM_KEY_MIN || ((size_t)n == sizeof(key->bytes) && st.st_size > (off_t)sizeof(key->bytes)))
		return err_set(err, "pseudonym key %s: %zd bytes; it needs %d to %d (head -c 32 /dev/urandom > %s)",
			       path, n, PSEUDONYM_KEY_MIN, PSEUDONYM_KEY_MAX, path);
	key->len = (size_t)n;
	return 0;
}

void pseudonym_addr(const struct pseudonym_key *key, const struct ipaddr *a, struct ipaddr *out)
{
	uint8_t msg[17], mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (a->af != 4 && a->af != 6) {
		*out = *a;
		return;
	}
	/* The family is part of the message: 1.2.3.4 and ::102:304 differ. */
	msg[0] = a->af;
	memcpy(msg + 1, a->b, 16);
	HMAC(EVP_sha256(), key->bytes, (int)key->len, msg, sizeof(msg), mac, &len);
	memset(out, 0, sizeof(*out));
	out->af = 6;
	out->b[0] = 0xfd;
	memcpy(out->b + 1, mac, 15);
}
