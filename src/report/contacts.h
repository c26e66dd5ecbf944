/* contacts.h - abuse contacts per network, from a CSV file "asn,email".
 *
 * The file is operator-maintained and may be large (one line per ASN); a
 * header line, blank lines and lines starting with '#' are skipped. "AS64500"
 * and "64500" are both accepted. Several lines for one ASN join into one
 * comma-separated recipient list. A bad line is an error naming file:line. */
#ifndef IOTMON_CONTACTS_H
#define IOTMON_CONTACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct contacts;

/* Parses text held in memory (name is used in messages). */
struct contacts *contacts_parse(const char *text, size_t len, const char *name, struct err *err);
struct contacts *contacts_load(const char *path, struct err *err);
void contacts_free(struct contacts *c);
/* The recipients of asn ("a@x,b@y"), or NULL. */
const char *contacts_find(const struct contacts *c, uint32_t asn);
size_t contacts_count(const struct contacts *c);
/* True for a plain address (local@domain, printable ASCII, none of
 * , ; < > ( ) [ ] \ " or spaces): one recipient, nothing that could end a
 * mail header. Used for contacts from any source before mail goes out. */
bool contacts_valid_email(const char *s);
/* True when every comma-separated part of list is a valid address. */
bool contacts_valid_list(const char *list);

#endif
