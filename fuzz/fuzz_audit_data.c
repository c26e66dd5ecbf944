/* fuzz_audit_data.c - the audit's data files (credentials and
 * vulnerable-versions tables) from any bytes, then a match over the input
 * as banner text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_creds.h"
#include "audit/audit_vulns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_creds c;
	struct audit_vulns *v;
	struct err err;
	char *text = malloc(size + 1), out[128];

	memcpy(text, data, size);
	text[size] = '\0';
	if (audit_creds_load_buf(&c, (const char *)data, size, "fuzz", &err) == 0)
		audit_creds_free(&c);
	v = audit_vulns_load_buf((const char *)data, size, "fuzz", &err);
	if (v) {
		audit_vulns_match(v, "ssh", text, out, sizeof(out));
		audit_vulns_free(v);
	}
	free(text);
	return 0;
}
