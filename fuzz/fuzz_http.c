/* fuzz_http.c - the HTTP request parser, the signature matcher, the
 * injection extractor and Boa's answers (404 pages quote the path) on
 * arbitrary requests. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sensor/honeypot/exploits.h"
#include "sensor/honeypot/http.h"
#include "sensor/honeypot/http_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hp_exploit sig[] = {
		{"CVE-2017-17215", "POST", "/ctrlt/DeviceUpgrade_1", "", "HG532"},
		{"CVE-2016-6277", "*", "/cgi-bin/;", "", "Netgear"},
		{"CVE-2017-7921", "*", "*auth=YWRtaW46MTEK", "", "Hikvision"},
		{"CVE-2018-10562", "POST", "/GponForm/diag_Form", "dest_host", "GPON"},
	};
	struct hp_exploits x = {sig, sizeof(sig) / sizeof(sig[0])};
	struct http_request r;
	struct hp_profile p;
	struct hp_injection inj;
	struct strbuf text;

	if (http_parse((const char *)data, size, 4096, 8192, &r) != HTTP_COMPLETE)
		return 0;
	if (r.consumed > size || (r.body && r.body + r.body_len > (const char *)data + size))
		__builtin_trap();
	memset(&p, 0, sizeof(p));
	p.busybox_version = "BusyBox";
	p.proc_mounts = "";
	p.proc_cpuinfo = "";
	strbuf_init(&text, 1 << 16);
	hp_request_text(&r, &text);
	hp_exploits_match(&x, &r, text.data ? text.data : "", text.len);
	hp_injection(text.data ? text.data : "", text.len, &p, &inj);
	strbuf_free(&text);
	p.http_server = "Boa/0.94.14rc21";
	p.http_version = "HTTP/1.0";
	p.http_realm = "r";
	p.http_index = "<form action=\"/login.cgi\">";
	strbuf_init(&text, 1 << 16);
	http_reply(&p, &r, http_reply_precheck(&p, &r) ? 501 : 404, "text/html", "", 0, &text);
	http_reply(&p, &r, 401, "text/html", "", 0, &text);
	strbuf_free(&text);
	return 0;
}
