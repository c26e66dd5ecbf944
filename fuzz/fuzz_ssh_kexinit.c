/* fuzz_ssh_kexinit.c - an SSH server's first packet (hostile: any bytes) as
 * KEXINIT, then the weak-algorithm listing over what was parsed; and the
 * same bytes as an MQTT CONNACK and a PUBLISH. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "audit/audit_login.h"
#include "audit/ssh_kexinit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssh_kexinit k;
	struct err err;
	char weak[256];

	if (ssh_kexinit_parse(data, size, &k, &err) == 0) {
		ssh_kexinit_weak(&k, weak, sizeof(weak));
		ssh_kexinit_weak(&k, weak, 8); /* a short buffer cuts, never overflows */
	}
	mqtt_connack_code(data, size);
	mqtt_publish_payload(data, size, weak, sizeof(weak));
	return 0;
}
