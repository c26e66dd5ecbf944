/* fuzz_http.c - the HTTP request parser, the signature matcher and the
 * injection extractor on arbitrary requests. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sensor/honeypot/exploits.h"
#include "sensor/honeypot/http.h"

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
	if (r.consumed > size || r.body + r.body_len > (const char *)data + size)
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
	return 0;
}
