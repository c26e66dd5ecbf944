#!/bin/sh
# Differential test: the same client byte streams to the honeypot (profile
# busybox-1.35) and to the real BusyBox 1.35 telnetd + login from Debian's
# busybox-static (tests/bb_ref.sh); every answer must be equal byte for
# byte (host name and issue are the same on both sides; timing is the
# collection window). Cases: the points of issue 14 and Mirai's scanner
# and loader dialogues (tests/hp_diff.py).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"
. "$ROOT/tests/bb_ref.sh"

bb_ref_skip_unless_ready
RPORT=$(free_port)
if ! bb_ref_start "$RPORT"; then
	not_ok "real BusyBox telnetd started" "$(cat "$T/bbref.$RPORT/err" 2>/dev/null)"
	exit 1
fi
hp_start diff "profile = busybox-1.35"
$PY "$ROOT/tests/hp_diff.py" "$TPORT" "$RPORT"

# nmap -sV: the same match for both (its telnet probes read the opening)
nmap -n -Pn -sV -p "$TPORT,$RPORT" 127.0.0.1 >"$T/nmap.out" 2>&1
# (" 1.14.0 or later" comes from a soft match that depends on whether nmap
# read "\r\r\n" apart from the prompt: the real login's timing, either way)
hp_match=$(sed -n "s#^$TPORT/tcp *open *##p" "$T/nmap.out" | sed 's/ 1.14.0 or later//')
real_match=$(sed -n "s#^$RPORT/tcp *open *##p" "$T/nmap.out" | sed 's/ 1.14.0 or later//')
check_cmd "nmap -sV named the real device ($real_match)" test -n "$real_match"
check_eq "nmap -sV: the honeypot's match is the real device's" "$real_match" "$hp_match"
