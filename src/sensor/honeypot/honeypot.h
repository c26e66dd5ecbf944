/* honeypot.h - the IoT honeypot: telnet and HTTP listeners on one epoll loop.
 *
 * One thread runs every session (no thread per connection): accept, telnet
 * negotiation, login, the BusyBox-like shell, HTTP requests, limits and
 * timeouts. A session's events go to the sink as soon as the input that
 * made them is handled, with the family known so far; its session event
 * goes at the end with the family its whole dialogue points to (family.h).
 * The Cowrie log is written as things happen.
 *
 * Limits (each closes the session and names the reason in its session
 * event): bytes received, commands, idle time, total time, input rate
 * (telnet drips), pending output (slow reader), time to send an HTTP
 * request (slowloris), line length, the memory budget of all sessions.
 * Refused at accept (counted per source, port and reason, one event per
 * report interval): concurrent sessions, sessions per source IP and per
 * /24 or /64, memory budget. Out of descriptors, accepting pauses. */
#ifndef IOTMON_HONEYPOT_H
#define IOTMON_HONEYPOT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "core/sink.h"

struct honeypot_limits {
	unsigned max_sessions, max_per_ip, max_commands, max_login_attempts;
	unsigned max_per_prefix; /* sessions per /24 or /64 */
	size_t memory_budget; /* all sessions' buffers and payloads together */
	unsigned min_input_rate; /* telnet bytes/s in a window with any input; 0: off */
	int input_window_ms, refused_report_ms;
	size_t max_bytes; /* received per session */
	size_t output_max; /* unsent output per session before "slow_reader" */
	size_t payload_max; /* dropped-file bytes kept per session */
	int idle_ms, session_ms, request_ms;
	int login_delay_ms; /* -1: the profile's */
};

struct honeypot_config {
	const char *telnet, *http; /* endpoint lists "ADDR:PORT,..." */
	const char *profile; /* default profile name */
	const char *port_profiles; /* "PORT=NAME,..." */
	const char *cowrie_log; /* "" or NULL: none */
	int cowrie_retention_days; /* [store] retention_days: rotated Cowrie logs kept; 0: all */
	const char *sensor;
	char profiles_path[4096], credentials_path[4096], exploits_path[4096];
	bool accept_listed;
	unsigned accept_after;
	struct honeypot_limits lim;
};

/* Fills hc from the [honeypot] and [general] sections (strings live as
 * long as cfg). */
int honeypot_config_from(const struct config *cfg, struct honeypot_config *hc, struct err *err);

struct honeypot;

/* Loads profiles, credentials and signatures and binds every listener;
 * nothing runs yet. NULL with err on failure. */
struct honeypot *honeypot_new(const struct honeypot_config *hc, struct sink *sink, struct err *err);
/* Opens the Cowrie log (call it after the privilege drop) and starts the
 * loop thread. */
int honeypot_start(struct honeypot *hp, struct err *err);
/* Stops the loop, ends every session (reason "shutdown"), hands all
 * their events to the sink, closes the Cowrie log and frees hp. */
void honeypot_stop(struct honeypot *hp);
/* From any thread: the loop writes the Cowrie log to fd (the new day's
 * file) from its next record on (cowrie_log_switch). Takes fd. */
void honeypot_switch_cowrie(struct honeypot *hp, int fd);
/* The descriptors hp needs (listeners, epoll, wake-up), at most max:
 * a child that runs hp closes every other. */
size_t honeypot_fds(const struct honeypot *hp, int *fds, size_t max);
/* "telnet 127.0.0.1:2323 (busybox), http ..." for the ready line. */
const char *honeypot_describe(const struct honeypot *hp);

#endif
