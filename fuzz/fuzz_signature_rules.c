/* fuzz_signature_rules.c - the two rule parsers (our TSV rules and nmap's
 * match lines) on hostile text, then one match with what they accepted.
 * The first byte picks the parser: even = ours, odd = nmap's. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe/signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char http[] = "HTTP/1.0 200 OK\r\nServer: uc-httpd 1.0.0\r\n\r\n<title>x</title>";
	struct sigset *s;
	struct device_match m;
	struct probe_facts f;
	struct err err;

	if (size < 1)
		return 0;
	s = sigset_new();
	if (data[0] % 2)
		sigset_load_nmap_buf(s, (const char *)data + 1, size - 1);
	else
		sigset_load_rules_buf(s, (const char *)data + 1, size - 1, "fuzz.tsv", &err);
	memset(&f, 0, sizeof(f));
	f.http = f.telnet = f.rtsp = http;
	f.http_len = f.telnet_len = f.rtsp_len = sizeof(http) - 1;
	f.http_server = "uc-httpd 1.0.0";
	f.http_title = "x";
	f.http_realm = f.tls_subject = "";
	sigset_match(s, &f, &m);
	sigset_free(s);
	return 0;
}
