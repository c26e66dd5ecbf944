#!/bin/sh
# bench/honeypot/run.sh - the honeypot under load on loopback, the honeypot
# process pinned to one core and the load generator to the other. Usage: bench/honeypot/run.sh [SESSIONS] [ATTEMPTS]
#   1. SESSIONS concurrent telnet sessions held at the login prompt: the
#      server's RSS and the p99 time to the prompt;
#   2. ATTEMPTS login attempts (5 per connection, 256 connections in
#      flight), then SIGTERM: attempts/s counted until every login event is
#      durable in the store (the honeypot has exited), checked with
#      `iotmon events`;
#   3. the same with one attempt per connection, as Mirai's scanner does.
# Build first: make all bench.
# Synthetic sources in 10/8 and documentation ranges: a lab (docs/addresses.md).
export IOTMON_LAB_PREFIXES=10.0.0.0/8,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SESSIONS=${1:-10000}
ATTEMPTS=${2:-200000}
W=$(mktemp -d /tmp/iotmon-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BENCH=$ROOT/build/release/bench/bench_honeypot
USER_LINE=
[ "$(id -u)" = 0 ] && USER_LINE="user = nobody"
cat >"$W/hp.conf" <<EOF2
[general]
data_dir = $ROOT/data
$USER_LINE
log_level = warning
[honeypot]
max_sessions = 20000
max_sessions_per_ip = 20000
idle_timeout_ms = 300000
max_login_attempts = 5
# the server's work, not BusyBox's 3 s wait after a refused login
login_delay_ms = 0
EOF2

start() {
	rm -f "$W/db"*
	"$ROOT/iotmon" honeypot -c "$W/hp.conf" --db "$W/db" --telnet "127.0.0.1:$PORT" --http '' 2>"$W/err" &
	PID=$!
	sleep 1
	# The whole honeypot (loop and store writer) on core 0, the client on core 1.
	taskset -a -p -c 0 "$PID" >/dev/null 2>&1 || true
}

report() {
	n=$("$ROOT/iotmon" events --db "$W/db" --kind login | wc -l)
	python3 -c "import sys; n,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print('durable: %d login events in the store, %.2f s from start to honeypot exit: %.0f attempts/s; honeypot CPU %.2f s: %.0f attempts per CPU second' % (n, b-a, n/(b-a), float(sys.argv[4]), n/float(sys.argv[4])))" "$n" "$t0" "$t1" "$cpu"
}

echo "== $SESSIONS concurrent sessions =="
start
taskset -c 1 "$BENCH" hold "$PORT" "$SESSIONS" "$PID"
kill -TERM "$PID"
wait "$PID"

echo "== $ATTEMPTS login attempts =="
start
t0=$(date +%s.%N)
taskset -c 1 "$BENCH" logins "$PORT" 256 "$ATTEMPTS" 5
cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$PID/stat")
kill -TERM "$PID"
wait "$PID"
t1=$(date +%s.%N)
report

echo "== $ATTEMPTS login attempts, one per connection =="
start
t0=$(date +%s.%N)
taskset -c 1 "$BENCH" logins "$PORT" 256 "$ATTEMPTS" 1
cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$PID/stat")
kill -TERM "$PID"
wait "$PID"
t1=$(date +%s.%N)
report
