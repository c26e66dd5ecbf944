/* token_asns.h - a token's networks as the comma-separated text both
 * stores keep in api_tokens.asns ("64500,64501"). */
#ifndef IOTMON_TOKEN_ASNS_H
#define IOTMON_TOKEN_ASNS_H

#include "store.h"

#define TOKEN_ASNS_TEXT (TOKEN_ASNS_MAX * 11 + 1)

void token_asns_format(const struct api_token *t, char *buf, size_t size);
/* Fills t->asns / t->nasns from text (NULL reads as none). */
void token_asns_parse(const char *text, struct api_token *t);

#endif
