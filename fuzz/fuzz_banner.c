/* fuzz_banner.c - the banner parsers and the signature matchers on hostile
 * device answers: the input is used as telnet banner, HTTP answer and RTSP
 * answer at once, parsed, and matched against our rules. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/banner.h"
#include "probe/signature.h"

static struct sigset *rules;

static const char fallback_rules[] = "http_server\t^uc-httpd(?:[ /]([0-9.]+))?\tXiongMai\tdvr\t\t$1\tfuzz\n"
				     "telnet\t(?s)\\(none\\) login:\t\tdvr\t\t\tfuzz\n"
				     "rtsp\t\\r\\nServer: Hipcam RealServer/V([0-9.]+)\tHipcam\tcamera\t\t$1\tfuzz\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw = (const char *)data;
	struct banner_http b;
	struct device_match m;
	struct probe_facts f;
	char text[1024];

	if (!rules) {
		struct err err;

		rules = sigset_new();
		/* Our real rules when run from the source root. */
		if (sigset_load_rules(rules, "data/device-signatures.tsv", &err)) {
			sigset_free(rules);
			rules = sigset_new();
			sigset_load_rules_buf(rules, fallback_rules, sizeof(fallback_rules) - 1, "fallback", &err);
		}
	}
	banner_parse_http(raw, size, &b);
	banner_telnet_text(raw, size, text, sizeof(text));
	banner_telnet_prompt(raw, size);
	banner_http_complete(raw, size, 0);
	banner_http_complete(raw, size, 1);
	memset(&f, 0, sizeof(f));
	f.telnet = f.http = f.rtsp = raw;
	f.telnet_len = f.http_len = f.rtsp_len = size;
	f.http_server = b.server;
	f.http_title = b.title;
	f.http_realm = b.realm;
	f.tls_subject = text;
	sigset_match(rules, &f, &m);
	return 0;
}
