#!/bin/sh
# kill -9 under steady logins (issue #15): events reach the store as they
# happen and each is committed within the commit interval of its arrival
# (batch_interval_ms, 1 s by default: the store sink starts a batch early by
# what a commit takes), so what kill -9 loses is at most the events accepted
# in the last interval before the kill, and only those.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"
INTERVAL_MS=1000

# kill9 NAME: the attack against $HP_BIN, its checks prefixed with NAME.
kill9() {
	hp_start "$1" "[store]" "batch_interval_ms = $INTERVAL_MS"
	$PY "$ROOT/tests/hp_attack.py" logins "$TPORT" "$T/$1.acks" &
	client=$!
	at_exit "kill $client 2>/dev/null"
	sleep 5
	# Each line of acks is a login the honeypot answered, with the time and
	# the client's port: the child hands a login's event over before the
	# answer leaves, so the honeypot had accepted it by then.
	kill_us=$(date +%s%6N)
	kill -KILL "$HP_PID"
	wait "$HP_PID" 2>/dev/null
	kill "$client"
	wait "$client" 2>/dev/null
	hp_events "$1" --kind login | sed -n 's/.*"src_port":\([0-9]*\),.*"username":"root".*/\1/p' >"$T/$1.stored"
	# answered, stored (of those), lost, answered in the last interval, the
	# oldest lost one's age at the kill in ms
	set -- "$1" $($PY - "$T/$1.acks" "$T/$1.stored" "$kill_us" "$INTERVAL_MS" <<'PY'
import sys
acks = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 2]
stored = set(int(l) for l in open(sys.argv[2]) if l.strip())
kill_us, interval_us = int(sys.argv[3]), int(sys.argv[4]) * 1000
lost = [t for t, port in acks if port not in stored]
recent = sum(1 for t, _ in acks if t >= kill_us - interval_us)
oldest = max([(kill_us - t) // 1000 for t in lost] or [0])
print(len(acks), len(acks) - len(lost), len(lost), recent, oldest)
PY
)
	echo "# $1: $2 logins answered in ~5 s, $3 stored after kill -9, $4 lost; $5 answered in the last" \
		"$INTERVAL_MS ms; the oldest lost one answered $6 ms before the kill ($(uptime))"
	check_cmd "$1: logins were answered ($2)" test "$2" -ge 10
	check_cmd "$1: lost ($4) <= logins accepted in the last commit interval ($5)" test "$4" -le "$5"
	check_cmd "$1: every lost login was accepted in the last $INTERVAL_MS ms (oldest: $6 ms)" test "$6" -le "$INTERVAL_MS"
	i=0
	while pgrep -f "$1.conf" >/dev/null && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check_cmd "$1: the sensor child follows its parent within 3 s" test $i -lt 30
}

HP_BIN_ASAN=$HP_BIN
HP_BIN=$IOTMON
kill9 kill9
# The same against the ASan build (tests/honeypot_helpers.sh picks it when
# present): slower, but the bound is the sink's, not the build's.
if [ "$HP_BIN_ASAN" != "$IOTMON" ]; then
	HP_BIN=$HP_BIN_ASAN
	kill9 kill9-asan
	check_eq "kill9-asan: no sanitizer report" 0 "$(cat "$T"/kill9-asan.err | grep -c 'ERROR: AddressSanitizer\|runtime error')"
fi
