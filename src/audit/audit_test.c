/* audit_test.c - the audit's parsers and judgements without a network:
 * SSH KEXINIT parsing and weak algorithms, MQTT CONNECT/CONNACK, the
 * credentials and vulnerable-versions files, the scope, lab targets and the
 * verdict model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit/audit_creds.h"
#include "audit/audit_lab.h"
#include "audit/audit_login.h"
#include "audit/audit_model.h"
#include "audit/audit_vulns.h"
#include "audit/ssh_kexinit.h"

/* A KEXINIT packet with the given ten lists (RFC 4253 7.1). */
static size_t kexinit(uint8_t *out, const char *const lists[10])
{
	size_t k = 4;

	out[k++] = 4; /* padding */
	out[k++] = 20;
	memset(out + k, 0xab, 16);
	k += 16;
	for (int i = 0; i < 10; i++) {
		uint32_t n = (uint32_t)strlen(lists[i]);

		out[k++] = (uint8_t)(n >> 24);
		out[k++] = (uint8_t)(n >> 16);
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
		memcpy(out + k, lists[i], n);
		k += n;
	}
	out[k++] = 0;
	memset(out + k, 0, 4 + 4);
	k += 8; /* reserved + padding */
	out[0] = (uint8_t)((k - 4) >> 24);
	out[1] = (uint8_t)((k - 4) >> 16);
	out[2] = (uint8_t)((k - 4) >> 8);
	out[3] = (uint8_t)(k - 4);
	return k;
}

static void test_ssh_kexinit(void **state)
{
	const char *const dropbear[10] = {
		"curve25519-sha256,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,kexguess2@matt.ucc.asn.au",
		"ssh-ed25519,rsa-sha2-256,ssh-rsa",
		"chacha20-poly1305@openssh.com,aes128-ctr",
		"chacha20-poly1305@openssh.com,aes128-ctr",
		"hmac-sha1,hmac-sha2-256",
		"hmac-sha1,hmac-sha2-256",
		"none",
		"none",
		"",
		""};
	const char *const strong[10] = {"curve25519-sha256", "ssh-ed25519", "aes256-gcm@openssh.com",
					 "aes256-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com",
					 "hmac-sha2-256-etm@openssh.com", "none", "none", "", ""};
	uint8_t pkt[2048];
	struct ssh_kexinit k;
	struct err err;
	char weak[512];
	size_t n = kexinit(pkt, dropbear);

	(void)state;
	assert_int_equal(ssh_kexinit_parse(pkt, n, &k, &err), 0);
	assert_string_equal(k.lists[SSH_HOSTKEY], "ssh-ed25519,rsa-sha2-256,ssh-rsa");
	assert_int_equal(ssh_kexinit_weak(&k, weak, sizeof(weak)), 3);
	assert_string_equal(weak, "kex:diffie-hellman-group14-sha1 hostkey:ssh-rsa mac:hmac-sha1");
	n = kexinit(pkt, strong);
	assert_int_equal(ssh_kexinit_parse(pkt, n, &k, &err), 0);
	assert_int_equal(ssh_kexinit_weak(&k, weak, sizeof(weak)), 0);
	/* Cut anywhere: an error naming an offset, never a read past the end. */
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t copy[2048];

		memcpy(copy, pkt, cut);
		if (ssh_kexinit_parse(copy, cut, &k, &err) == 0)
			fail_msg("cut at %zu parsed", cut);
		assert_non_null(strstr(err.msg, "offset"));
	}
	pkt[5] = 21;
	assert_int_equal(ssh_kexinit_parse(pkt, n, &k, &err), -1);
	assert_string_equal(err.msg, "offset 5: message 21, not KEXINIT (20)");
}

static void test_mqtt(void **state)
{
	unsigned char pkt[256];
	size_t n;

	(void)state;
	n = mqtt_connect_packet(pkt, sizeof(pkt), "iotmon-audit", NULL, NULL);
	assert_int_equal(n, 2 + 10 + 2 + 12);
	assert_int_equal(pkt[0], 0x10);
	assert_int_equal(pkt[1], n - 2);
	assert_memory_equal(pkt + 2, "\0\4MQTT\4\2", 8);
	n = mqtt_connect_packet(pkt, sizeof(pkt), "c", "admin", "admin");
	assert_int_equal(pkt[9], 0xc2); /* user, password, clean session */
	assert_memory_equal(pkt + n - 7, "\0\5admin", 7);
	assert_int_equal(mqtt_connect_packet(pkt, 8, "c", "u", "p"), 0);
	assert_int_equal(mqtt_connack_code((const unsigned char *)"\x20\x02\x00\x00", 4), 0);
	assert_int_equal(mqtt_connack_code((const unsigned char *)"\x20\x02\x00\x05", 4), 5);
	assert_int_equal(mqtt_connack_code((const unsigned char *)"\x20\x02\x00", 3), -1);
	assert_int_equal(mqtt_connack_code((const unsigned char *)"\x30\x02\x00\x00", 4), -1);
	{
		/* SUBACK, then PUBLISH "$SYS/broker/version" = "mosquitto version 2.0.11". */
		static const unsigned char in[] = "\x90\x03\x00\x01\x00"
						  "\x31\x2d\x00\x13$SYS/broker/versionmosquitto version 2.0.11";
		char v[64];

		assert_int_equal(mqtt_publish_payload(in, sizeof(in) - 1, v, sizeof(v)), 0);
		assert_string_equal(v, "mosquitto version 2.0.11");
		assert_int_equal(mqtt_publish_payload(in, sizeof(in) - 2, v, sizeof(v)), -1); /* cut */
		assert_int_equal(mqtt_publish_payload(in, 5, v, sizeof(v)), -1);
	}
}

static void test_creds(void **state)
{
	const char good[] = "# comment\nroot\txc3511\tMirai 1\nroot\t\tMirai 12\r\n\nadmin\tadmin\tvendor\n";
	struct audit_creds c;
	struct err err;

	(void)state;
	assert_int_equal(audit_creds_load_buf(&c, good, strlen(good), "t.tsv", &err), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[1].user, "root");
	assert_string_equal(c.v[1].pass, "");
	assert_string_equal(c.v[1].source, "Mirai 12");
	audit_creds_free(&c);
	assert_int_equal(audit_creds_load_buf(&c, "a\tb\tc\nroot\tx\n", 13, "t.tsv", &err), -1);
	assert_non_null(strstr(err.msg, "t.tsv:2:"));
	assert_int_equal(audit_creds_load_buf(&c, "\tb\tc\n", 5, "t.tsv", &err), -1);
}

static void test_vulns(void **state)
{
	const char rows[] = "# c\nftp\tvsFTPd 3\\.0\\.[0-3]\\)\tCVE-2021-30047\tNVD\n"
			    "ssh\tdropbear_20(1\\d)\\.\tCVE-2020-36254\tNVD\n";
	struct audit_vulns *v;
	struct err err;
	char out[256];

	(void)state;
	v = audit_vulns_load_buf(rows, strlen(rows), "v.tsv", &err);
	assert_non_null(v);
	assert_int_equal(audit_vulns_match(v, "ftp", "220 (vsFTPd 3.0.3)", out, sizeof(out)), 1);
	assert_string_equal(out, "CVE-2021-30047 (NVD)");
	assert_int_equal(audit_vulns_match(v, "ftp", "220 (vsFTPd 3.0.5)", out, sizeof(out)), 0);
	assert_int_equal(audit_vulns_match(v, "ssh", "220 (vsFTPd 3.0.3)", out, sizeof(out)), 0);
	assert_int_equal(audit_vulns_match(v, "ssh", "SSH-2.0-dropbear_2019.78", out, sizeof(out)), 1);
	audit_vulns_free(v);
	assert_null(audit_vulns_load_buf("ftp\t(\tCVE\tsrc\n", 15, "v.tsv", &err));
	assert_non_null(strstr(err.msg, "v.tsv:1: pattern"));
	assert_null(audit_vulns_load_buf("ftp\tx\tCVE\n", 10, "v.tsv", &err));
}

static void test_scope_and_targets(void **state)
{
	struct config *cfg = config_load_string("[audit]\nscope = 10.77.0.0/16\n", "t.conf", NULL);
	struct audit_lab lab = {0};
	struct probe_policy pol;
	struct err err;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(audit_scope_init(&pol, cfg, &err), 0);
	assert_int_equal(audit_lab_add_target(&lab, "10.77.1.0/29", &err), 0);
	assert_int_equal(lab.n, 6); /* no network, no broadcast address */
	assert_int_equal(audit_lab_add_target(&lab, "10.77.9.9", &err), 0);
	assert_int_equal(audit_lab_check_scope(&lab, &pol, &err), 0);
	/* The internet's do-not-probe list (10/8 by default) does not apply. */
	assert_int_equal(audit_lab_add_target(&lab, "10.78.0.1", &err), 0);
	assert_int_equal(audit_lab_check_scope(&lab, &pol, &err), -1);
	assert_string_equal(err.msg, "10.78.0.1 is outside [audit] scope: refused, nothing sent");
	assert_int_equal(audit_lab_add_target(&lab, "10.0.0.0/8", &err), -1);
	assert_int_equal(audit_lab_add_target(&lab, "bogus", &err), -1);
	probe_policy_free(&pol);
	audit_lab_free(&lab);
	config_free(cfg);
	cfg = config_load_string("[audit]\nscope =\n", "t.conf", NULL);
	assert_int_equal(audit_scope_init(&pol, cfg, &err), -1);
	config_free(cfg);
}

static void test_verdicts(void **state)
{
	struct audit_device d = {0};

	(void)state;
	audit_add(&d, AT_WEAK_CRYPTO, AUDIT_PASS, "ssh/22", "fine");
	audit_add(&d, AT_WEAK_CRYPTO, AUDIT_FAIL, "https/443", "TLSv1.0 accepted \x01");
	audit_add(&d, AT_CLEARTEXT, AUDIT_INCONCLUSIVE, "http/80", "no answer");
	audit_device_finish(&d);
	assert_int_equal(d.nfindings, 3 + AT_COUNT - 2);
	assert_int_equal(audit_device_verdict(&d, AT_WEAK_CRYPTO), AUDIT_FAIL);
	assert_int_equal(audit_device_verdict(&d, AT_CLEARTEXT), AUDIT_INCONCLUSIVE);
	assert_int_equal(audit_device_verdict(&d, AT_OUTDATED), AUDIT_NA);
	assert_string_equal(d.findings[0].evidence, "no service this test applies to"); /* default-credentials first */
	for (size_t i = 0; i < d.nfindings; i++)
		if (d.findings[i].verdict == AUDIT_FAIL)
			assert_string_equal(d.findings[i].evidence, "TLSv1.0 accepted .");
	assert_string_equal(audit_verdict_name(AUDIT_NA), "not-applicable");
	assert_string_equal(audit_tests[AT_DEFAULT_CREDENTIALS].provisions[0], "EN303645-5.1-1");
	audit_device_free(&d);
}

/* Every provision id names a requirement that exists: EN 18031-1:2024's
 * requirement ids, and ETSI EN 303 645 V2.1.1 clause 5 provisions (sources
 * in docs/internals/audit.md); and each test keeps its checked mapping. */
static void test_provisions(void **state)
{
	static const char *const en18031_1[] = {
		"ACM-1",   "ACM-2",   "AUM-1-1", "AUM-1-2", "AUM-2", "AUM-3", "AUM-4", "AUM-5-1", "AUM-5-2",
		"AUM-6",   "SUM-1",   "SUM-2",   "SUM-3",   "SSM-1", "SSM-2", "SSM-3", "SCM-1",   "SCM-2",
		"SCM-3",   "SCM-4",   "RLM-1",   "NMM-1",   "TCM-1", "CCK-1", "CCK-2", "CCK-3",   "GEC-1",
		"GEC-2",   "GEC-3",   "GEC-4",   "GEC-5",   "GEC-6", "CRY-1", NULL};
	static const char *const en303645[] = {"5.1-1", "5.1-2", "5.1-5", "5.3-8", "5.5-1",
					       "5.5-5", "5.5-7", "5.6-1", "5.6-2", NULL};
	static const char *const want[AT_COUNT] = {
		[AT_DEFAULT_CREDENTIALS] = "EN303645-5.1-1 EN303645-5.1-2 EN18031-1-AUM-5-1",
		[AT_BRUTEFORCE] = "EN303645-5.1-5 EN18031-1-AUM-6",
		[AT_CLEARTEXT] = "EN303645-5.5-1 EN303645-5.5-7 EN18031-1-SCM-1 EN18031-1-SCM-2 EN18031-1-SCM-3",
		[AT_WEAK_CRYPTO] = "EN303645-5.5-1 EN18031-1-CRY-1 EN18031-1-SCM-2 EN18031-1-SCM-3",
		[AT_EXPOSED] = "EN303645-5.6-1 EN18031-1-GEC-2",
		[AT_UNAUTHENTICATED] = "EN303645-5.5-5 EN303645-5.6-2 EN18031-1-ACM-1 EN18031-1-AUM-1-1",
		[AT_OUTDATED] = "EN303645-5.3-8 EN18031-1-GEC-1",
	};

	(void)state;
	for (int t = 0; t < AT_COUNT; t++) {
		char got[256] = "";

		for (size_t i = 0; audit_tests[t].provisions[i]; i++) {
			const char *p = audit_tests[t].provisions[i];
			const char *const *known = strncmp(p, "EN18031-1-", 10) == 0 ? en18031_1 : en303645;
			const char *id = strncmp(p, "EN18031-1-", 10) == 0 ? p + 10 : p + 9;
			bool found = false;

			assert_true(strncmp(p, "EN18031-1-", 10) == 0 || strncmp(p, "EN303645-", 9) == 0);
			for (size_t k = 0; known[k]; k++)
				found = found || strcmp(known[k], id) == 0;
			if (!found)
				fail_msg("%s: unknown provision %s", audit_tests[t].id, p);
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", *got ? " " : "", p);
		}
		assert_string_equal(got, want[t]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_kexinit), cmocka_unit_test(test_mqtt),
		cmocka_unit_test(test_creds),	    cmocka_unit_test(test_vulns),
		cmocka_unit_test(test_scope_and_targets), cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_provisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
