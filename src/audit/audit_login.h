/* audit_login.h - one login attempt over one protocol, and what it showed:
 * accepted, denied, no password login offered, or no answer; with the time
 * from sending the password to the answer (the brute-force test's figure).
 *
 * Only logins: nothing is run or changed after a login succeeds (telnet
 * sends "exit", FTP "QUIT", MQTT DISCONNECT; SSH and HTTP stop at the
 * authentication answer). */
#ifndef IOTMON_AUDIT_LOGIN_H
#define IOTMON_AUDIT_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

enum login_proto { LP_TELNET, LP_SSH, LP_FTP, LP_HTTP, LP_HTTPS, LP_RTSP, LP_MQTT };
enum login_result { LOGIN_OK, LOGIN_DENIED, LOGIN_NO_PASSWORD, LOGIN_ERROR };

struct login_outcome {
	enum login_result result;
	int64_t answer_us; /* password sent -> verdict received */
	bool password_asked; /* false: the user name was refused before any password (FTP 530 to USER) */
	char detail[256]; /* what the device said (printable) */
};

const char *login_proto_name(enum login_proto p);
/* user NULL: the protocol's anonymous attempt (FTP anonymous, MQTT without
 * user name, telnet/HTTP without login). */
void audit_login(enum login_proto p, const struct ipaddr *ip, uint16_t port, const char *user, const char *pass,
		 int timeout_ms, struct login_outcome *out);

/* MQTT CONNACK: returns the return code (0 accepted) or -1 when buf is not
 * a CONNACK. Exposed for the fuzz target. */
int mqtt_connack_code(const unsigned char *buf, size_t len);
/* The first PUBLISH in buf: its payload (printable, NUL-terminated) into
 * out; returns 0, or -1 when buf holds no complete PUBLISH. */
int mqtt_publish_payload(const unsigned char *buf, size_t len, char *out, size_t cap);
/* An anonymous broker's version from $SYS/broker/version (subscribe, read
 * one message, disconnect); returns 0 and the version, or -1. */
int mqtt_broker_version(const struct ipaddr *ip, uint16_t port, int timeout_ms, char *out, size_t cap);
/* Writes an MQTT 3.1.1 CONNECT into out (cap bytes); returns its length or
 * 0 when it does not fit. */
size_t mqtt_connect_packet(unsigned char *out, size_t cap, const char *client_id, const char *user,
			   const char *pass);

#endif
