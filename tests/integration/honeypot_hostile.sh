#!/bin/sh
# Hostile input against the honeypot (the ASan/UBSan build when present):
# random bytes, an endless line, 10 000 IACs, half-open connections,
# slowloris, a reader that never reads, too many commands, too many
# sessions. Every limit closes the session with its reason recorded, the
# process survives, and a normal session at the same time is unaffected.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"
CL="$PY $ROOT/tests/hp_client.py"

hp_start hostile "max_session_bytes = 65536" "idle_timeout_ms = 1500" "request_timeout_ms = 1500" \
	"max_sessions_per_ip = 12" "max_commands = 20" "max_pending_output = 16384"

# A normal session running while the hostile ones hit.
$CL login 127.0.0.1 "$TPORT" root xc3511 "echo start" "sleep 1" "uname -m" "echo still here" >"$T/normal.out" 2>&1 &
normal=$!

$CL random 127.0.0.1 "$TPORT" 200000
$CL random 127.0.0.1 "$HPORT" 200000
$CL endless 127.0.0.1 "$TPORT" >/dev/null
check_cmd "10 000 IACs: negotiation stays bounded, login still prompts" $CL iacflood 127.0.0.1 "$TPORT" 10000
closed=$($CL halfopen 127.0.0.1 "$TPORT" 10 6)
check_eq "half-open: all 10 silent connections closed by the idle timeout" 10 "$closed"
secs=$($CL slowloris 127.0.0.1 "$HPORT")
check_cmd "slowloris: closed within 4 s (limit 1.5 s), took $secs s" $PY -c "import sys; sys.exit(0 if float('$secs') < 4 else 1)"
$CL login 127.0.0.1 "$TPORT" root xc3511 c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 c20 c21 c22 \
	>/dev/null 2>&1
# 15 connections at once from one address: 12 allowed, 3 refused.
closed=$($CL halfopen 127.0.0.1 "$TPORT" 15 0.8)
check_eq "per-IP limit: 3 of 15 refused at once" 3 "$closed"

wait $normal
check_eq "normal session unaffected: exit status" 0 "$?"
check_grep "normal session unaffected: output" "still here" "$T/normal.out"
check_cmd "honeypot still running" kill -0 "$HP_PID"
hp_stop
check_eq "SIGTERM: exit status 0" 0 "$HP_EXIT"
check_eq "no sanitizer report" 0 "$(grep -c 'ERROR: AddressSanitizer\|runtime error' "$T/hostile.err")"

hp_events hostile --kind session >"$T/s.json"
grep -o '"reason":"[a-z_]*","duration_ms":[0-9]*,"bytes_in":[0-9]*' "$T/s.json" | sort | uniq -c | sed 's/^/# /'
reason() { grep -c "\"reason\":\"$1\"" "$T/s.json"; }
# Random bytes: what arrives before login has prompted is echoed and
# flushed as by the device's pty (kept as a flushed command event); the
# rest ends the login (^D, a 62-byte name, ...) or the peer gives up.
n=$(grep -c '"reason":"[a-z_]*","duration_ms":[0-9]*,"bytes_in":[0-9]\{4,\}' "$T/s.json")
check_cmd "random bytes and the endless line: both sessions recorded ($n)" test "$n" -ge 3
check_eq "endless line: line_too_long" 1 "$(reason line_too_long)"
n=$(grep '"reason":"line_too_long"' "$T/s.json" | sed 's/.*"bytes_in":\([0-9]*\).*/\1/')
check_cmd "endless line: read no more than 16 KiB of it ($n bytes)" test "$n" -le 16384
check_cmd "half-open: idle_timeout recorded for each" test "$(reason idle_timeout)" -ge 10
check_eq "slowloris: slow_request" 1 "$(reason slow_request)"
check_eq "too many commands: max_commands" 1 "$(reason max_commands)"
check_eq "per-IP limit: three refusals recorded" 3 "$(reason max_sessions_per_ip)"
check_grep "random bytes to HTTP: answered 400 and recorded" '"reason":"http_done"' "$T/s.json"
n=$(hp_events hostile --kind command | grep -c '"input":"c[0-9]*"')
check_eq "max_commands = 20: exactly 20 commands recorded before the close" 20 "$n"

# A global session limit and a client that never reads, on another instance.
hp_start cap "max_sessions = 4" "max_commands = 100000" "max_session_bytes = 10000000" "max_pending_output = 16384"
closed=$($CL halfopen 127.0.0.1 "$TPORT" 7 0.8)
check_eq "max_sessions: 3 of 7 refused" 3 "$closed"
$CL slowreader 127.0.0.1 "$TPORT" root xc3511 40000 >/dev/null 2>&1
hp_stop
hp_events cap --kind session >"$T/s.json"
check_eq "max_sessions: refusals recorded" 3 "$(reason max_sessions)"
check_eq "never-reading client: slow_reader" 1 "$(reason slow_reader)"
