/* fuzz_contacts.c - the abuse contacts file parser (and the CSV splitter
 * under it) on arbitrary bytes: no crash, no leak, lookups stay sane. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "report/contacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err;
	struct contacts *c = contacts_parse((const char *)data, size, "fuzz", &err);

	if (c) {
		for (uint32_t asn = 0; asn < 70000; asn += 997) {
			const char *e = contacts_find(c, asn);

			if (e && (!strchr(e, '@') || strchr(e, '\n') || strchr(e, '\r')))
				__builtin_trap(); /* a contact must never carry a line break */
		}
		contacts_free(c);
	}
	return 0;
}
