/* peer.c - see peer.h. */
#include "peer.h"

#include <netinet/in.h>
#include <string.h>

void peer_from_sockaddr(const struct sockaddr *sa, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		ipaddr_from_v4(ntohl(in->sin_addr.s_addr), out);
	} else if (sa->sa_family == AF_INET6) {
		ipaddr_from_v6(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, out);
	}
}

void peer_prefix(const struct ipaddr *a, struct ipaddr *out)
{
	*out = *a;
	if (a->af == 4)
		out->b[3] = 0;
	else if (a->af == 6)
		memset(out->b + 8, 0, 8);
}

int64_t peer_budget_key(const struct ipaddr *a)
{
	uint64_t k = 0;

	if (a->af == 4)
		return (int64_t)(0xffff000000000000ull | (uint64_t)a->b[0] << 24 | (uint64_t)a->b[1] << 16 |
				 (uint64_t)a->b[2] << 8 | a->b[3]);
	for (int i = 0; i < 8; i++)
		k = k << 8 | a->b[i];
	return k ? (int64_t)k : 1; /* 0 marks a free slot in ratelimit.c */
}
