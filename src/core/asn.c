/* asn.c - AS numbers as people and files write them. */
#include "asn.h"

int asn_parse(const char *s, uint32_t *asn)
{
	uint64_t v = 0;

	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*asn = (uint32_t)v;
	return 0;
}
