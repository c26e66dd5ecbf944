/* addrclass.c - special-purpose address ranges (see addrclass.h).
 *
 * From the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890
 * and successors); docs/addresses.md lists them with their RFCs. */
#include "addrclass.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xalloc.h"

static const struct special {
	const char *prefix, *name;
} specials[] = {
	{"0.0.0.0/8", "this network"},
	{"10.0.0.0/8", "private (RFC 1918)"},
	{"100.64.0.0/10", "shared address space (CGNAT)"},
	{"127.0.0.0/8", "loopback"},
	{"169.254.0.0/16", "link-local"},
	{"172.16.0.0/12", "private (RFC 1918)"},
	{"192.0.0.0/24", "IETF protocol assignments"},
	{"192.0.2.0/24", "documentation (TEST-NET-1)"},
	{"192.88.99.0/24", "6to4 relay anycast (deprecated)"},
	{"192.168.0.0/16", "private (RFC 1918)"},
	{"198.18.0.0/15", "benchmarking"},
	{"198.51.100.0/24", "documentation (TEST-NET-2)"},
	{"203.0.113.0/24", "documentation (TEST-NET-3)"},
	{"224.0.0.0/4", "multicast"},
	{"240.0.0.0/4", "reserved (and broadcast)"},
	{"::/128", "unspecified"},
	{"::1/128", "loopback"},
	{"64:ff9b:1::/48", "local-use IPv4/IPv6 translation"},
	{"100::/64", "discard-only"},
	{"2001:2::/48", "benchmarking"},
	{"2001:db8::/32", "documentation"},
	{"3fff::/20", "documentation"},
	{"fc00::/7", "unique-local"},
	{"fe80::/10", "link-local"},
	{"ff00::/8", "multicast"},
};

#define NSPECIAL (sizeof(specials) / sizeof(specials[0]))

static struct cidr special_cidrs[NSPECIAL];
static pthread_once_t parsed = PTHREAD_ONCE_INIT;
static struct cidr *lab;
static size_t nlab;

static void parse_specials(void)
{
	for (size_t i = 0; i < NSPECIAL; i++)
		if (cidr_parse(specials[i].prefix, strlen(specials[i].prefix), &special_cidrs[i]))
			abort(); /* a typo in the table above */
}

const char *addrclass_special(const struct ipaddr *a)
{
	pthread_once(&parsed, parse_specials);
	for (size_t i = 0; i < NSPECIAL; i++)
		if (cidr_contains(&special_cidrs[i], a))
			return specials[i].name;
	return NULL;
}

static int add_lab(const char *item, size_t len, void *arg)
{
	struct err *err = arg;
	struct cidr c;

	if (cidr_parse(item, len, &c))
		return err_set(err, "lab_prefixes: not a prefix: %.*s", (int)len, item);
	lab = xrealloc(lab, (nlab + 1) * sizeof(*lab));
	lab[nlab++] = c;
	return 0;
}

int addrclass_set_lab(const char *cidrs, struct err *err)
{
	free(lab);
	lab = NULL;
	nlab = 0;
	return config_each_item(cidrs ? cidrs : "", add_lab, err) ? -1 : 0;
}

bool addrclass_is_device(const struct ipaddr *a)
{
	if (!addrclass_special(a))
		return true;
	for (size_t i = 0; i < nlab; i++)
		if (cidr_contains(&lab[i], a))
			return true;
	return false;
}
