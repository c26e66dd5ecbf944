/* asn.h - AS numbers as people and files write them. */
#ifndef IOTMON_ASN_H
#define IOTMON_ASN_H

#include <stdint.h>

/* Parses "64500" or "AS64500" (any case); digits only after the prefix,
 * at most UINT32_MAX. 0 is a valid result here (callers that mean a real
 * network refuse it). Returns 0, or -1 with *asn unchanged. */
int asn_parse(const char *s, uint32_t *asn);

#endif
