#!/bin/sh
# Privilege separation of `iotmon honeypot` (issue #15): the process that
# holds the listening socket is not the one that holds the store; it runs
# as the service user with an empty bounding set, NoNewPrivs and a seccomp
# filter, and its events reach the store through the parent. All of it runs
# against the release build, then again against the ASan build when present
# (PRIVSEP_BIN: the binary under test; its checks are prefixed "asan:").
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"
HP_BIN=${PRIVSEP_BIN:-$IOTMON}
hp_start ps

# check_holder WHAT PORT STORE_PID DB: the process holding the listening
# socket on PORT is confined and has no store file open.
check_holder() {
	port_hex=$(printf '%04X' "$2")
	inode=$(awk -v p=":$port_hex" '$2 ~ p"$" && $4 == "0A" {print $10}' /proc/net/tcp | head -1)
	holder=""
	for fd in /proc/[0-9]*/fd/*; do
		if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then
			holder=$(echo "$fd" | cut -d/ -f3)
			break
		fi
	done
	check_cmd "$1: the listening socket is found ($inode, held by ${holder:-nobody})" test -n "$holder"
	check_cmd "$1: it is held by a child, not by the store's process $3" test "$holder" != "$3"
	status=/proc/$holder/status
	check_eq "$1: holder NoNewPrivs 1" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "$status")"
	check_eq "$1: holder Seccomp 2 (filter)" 2 "$(awk '/^Seccomp:/ {print $2}' "$status")"
	check_eq "$1: holder has no store file open" 0 "$(ls -l "/proc/$holder/fd" | grep -c '\.db')"
	check_cmd "$1: the parent holds the store" sh -c "ls -l /proc/$3/fd | grep -q '$4'"
	if [ "$(id -u)" = 0 ]; then
		n=$(id -u nobody)
		check_eq "$1: holder runs as nobody" "$n$n$n$n" "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "$status")"
		check_eq "$1: holder has an empty bounding set" 0000000000000000 "$(awk '/^CapBnd:/ {print $2}' "$status")"
	fi
}
check_holder honeypot "$TPORT" "$HP_PID" ps.db

$PY "$ROOT/tests/hp_client.py" login 127.0.0.1 "$TPORT" root xc3511 "uname -m" "echo separated" >"$T/login.out"
check_grep "a login works through the separated child" separated "$T/login.out"
hp_stop
check_eq "SIGTERM: exit status 0" 0 "$HP_EXIT"
check_eq "the login's events reached the store through the parent" 1 \
	"$(hp_events ps --kind command | grep -c '"input":"echo separated"')"
check_eq "and the session event with them" 1 "$(hp_events ps --kind session | grep -c '"reason":"peer_closed"')"

# The child dies: the parent notices, stores what arrived, and exits 1.
hp_start dies
child=$(pgrep -P "$HP_PID" | head -1)
$PY "$ROOT/tests/hp_client.py" login 127.0.0.1 "$TPORT" root xc3511 "echo before" >/dev/null
kill -KILL "$child"
i=0
while kill -0 "$HP_PID" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check_cmd "child killed: the parent exits within 5 s" test $i -lt 50
wait "$HP_PID"
check_eq "child killed: exit status 1" 1 "$?"
check_grep "child killed: says so" "child killed by signal 9" "$T/dies.err"
check_eq "child killed: events that arrived are stored" 1 "$(hp_events dies --kind command | grep -c '"input":"echo before"')"

# The same in `iotmon run`, whose store, web server and other services the
# child must not see.
RPORT=$(free_port)
WPORT=$(free_port)
{
	echo "[general]"
	echo "data_dir = $ROOT/data"
	[ "$(id -u)" = 0 ] && echo "user = nobody"
	echo "[web]"
	echo "enabled = true"
	echo "listen = 127.0.0.1:$WPORT"
	echo "[honeypot]"
	echo "enabled = true"
	echo "telnet = 127.0.0.1:$RPORT"
	echo "http ="
} >"$T/run.conf"
"$HP_BIN" run -c "$T/run.conf" --db "$T/run.db" 2>"$T/run.err" &
rpid=$!
at_exit "kill $rpid 2>/dev/null"
wait_for_line "$T/run.err" "ready" 20 || not_ok "run ready" "$(cat "$T/run.err")"
check_holder run "$RPORT" "$rpid" run.db
wport_hex=$(printf '%04X' "$WPORT")
winode=$(awk -v p=":$wport_hex" '$2 ~ p"$" && $4 == "0A" {print $10}' /proc/net/tcp | head -1)
check_eq "run: the child does not hold the web server's socket" 0 \
	"$(ls -l "/proc/$holder/fd" | grep -c "socket:\[$winode\]")"

# The web server runs in a child of its own with a read-only store.
# socket_holder INODE: the pid holding the socket.
socket_holder() {
	for fd in /proc/[0-9]*/fd/*; do
		if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$1]" ]; then
			echo "$fd" | cut -d/ -f3
			return
		fi
	done
}
web=$(socket_holder "$winode")
check_cmd "web: the listening socket is held by a child ($web), not by run $rpid" \
	sh -c "test -n '$web' && test '$web' != $rpid && test \"\$(awk '/^PPid:/ {print \$2}' /proc/$web/status)\" = $rpid"
check_eq "web: holder NoNewPrivs 1" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$web/status")"
check_eq "web: holder Seccomp 2 (filter)" 2 "$(awk '/^Seccomp:/ {print $2}' "/proc/$web/status")"
if [ "$(id -u)" = 0 ]; then
	n=$(id -u nobody)
	check_eq "web: holder runs as nobody" "$n$n$n$n" "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$web/status")"
	check_eq "web: holder has an empty bounding set" 0000000000000000 \
		"$(awk '/^CapBnd:/ {print $2}' "/proc/$web/status")"
fi
# db_fds PID MODE: how many descriptors of run.db itself PID holds, with
# access mode MODE (any, ro, rw: /proc/PID/fdinfo flags, octal). SQLite
# opens -wal/-shm read-write for its locks even on a read-only connection,
# which refuses every write; the database file is what must be read-only.
db_fds() {
	c=0
	for fd in /proc/"$1"/fd/*; do
		case "$(readlink "$fd")" in
		*/run.db)
			acc=$((0$(awk '/^flags:/ {print $2}' "/proc/$1/fdinfo/${fd##*/}") & 3))
			case "$2" in
			any) c=$((c + 1)) ;;
			ro) [ $acc -eq 0 ] && c=$((c + 1)) ;;
			rw) [ $acc -ne 0 ] && c=$((c + 1)) ;;
			esac
			;;
		esac
	done
	echo $c
}
check_cmd "web: the child opened the store itself ($(db_fds "$web" ro) read-only descriptors)" \
	test "$(db_fds "$web" ro)" -gt 0
check_eq "web: no read-write descriptor of the store file in the child" 0 "$(db_fds "$web" rw)"
check_cmd "web: the parent (the store writer) holds it read-write" test "$(db_fds $rpid rw)" -gt 0
check_eq "web: the dashboard answers through the child" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WPORT/")"
curl -s "http://127.0.0.1:$WPORT/metrics" >"$T/metrics"
check_grep "web: /metrics shows the parent's counters (sink)" '^iotmon_events_dropped_total' "$T/metrics"
check_grep "web: /metrics shows its own (HTTP)" '^iotmon_http_requests_total{code="200"}' "$T/metrics"

$PY "$ROOT/tests/hp_client.py" login 127.0.0.1 "$RPORT" root xc3511 "echo via-run" >/dev/null
start=$(date +%s)
kill -TERM $rpid
wait $rpid
check_eq "run: SIGTERM exit status 0" 0 "$?"
check_cmd "run: SIGTERM stops parent and children within 5 s" test $(($(date +%s) - start)) -le 5
check_cmd "web: the child is gone" sh -c "! kill -0 $web 2>/dev/null"
check_eq "run: the login's command reached the store" 1 \
	"$("$IOTMON" events --db "$T/run.db" --kind command | grep -c '"input":"echo via-run"')"

# kill -9 of run: the web child dies with it (PR_SET_PDEATHSIG).
"$HP_BIN" run -c "$T/run.conf" --db "$T/run.db" 2>"$T/run2.err" &
rpid=$!
at_exit "kill $rpid 2>/dev/null"
wait_for_line "$T/run2.err" "ready" 20 || not_ok "run ready again" "$(cat "$T/run2.err")"
web=$(socket_holder "$(awk -v p=":$wport_hex" '$2 ~ p"$" && $4 == "0A" {print $10}' /proc/net/tcp | head -1)")
kill -KILL $rpid
wait $rpid 2>/dev/null
i=0
while [ -n "$web" ] && kill -0 "$web" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check_cmd "run killed: the web child ($web) exits within 5 s" sh -c "test -n '$web' && test $i -lt 50"

# `iotmon serve` (the dashboard alone) loads the web child's filter too.
SPORT=$(free_port)
"$HP_BIN" serve --db "$T/run.db" --listen "127.0.0.1:$SPORT" 2>"$T/serve.err" &
spid=$!
at_exit "kill $spid 2>/dev/null"
wait_for_line "$T/serve.err" "serving" 20 || not_ok "serve ready" "$(cat "$T/serve.err")"
check_eq "serve: Seccomp 2 (filter)" 2 "$(awk '/^Seccomp:/ {print $2}' "/proc/$spid/status")"
check_eq "serve: NoNewPrivs 1" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$spid/status")"
check_eq "serve: the dashboard answers under it" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SPORT/")"
kill -TERM $spid
wait $spid
check_eq "serve: SIGTERM exit status 0" 0 "$?"

# The same against the ASan build (tests/honeypot_helpers.sh picks it when
# present): the seccomp filter must allow what the sanitizer's runtime does,
# and the separated processes must not corrupt memory. LeakSanitizer stops
# the world with ptrace at exit, which the filters refuse by design ("fatal
# error", exit 1): leaks are left to the unit tests under ASan.
if [ -z "${PRIVSEP_BIN:-}" ] && [ "$HP_BIN" = "$IOTMON" ] && [ -x "$ROOT/build/asan/iotmon" ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" PRIVSEP_BIN=$ROOT/build/asan/iotmon sh "$0" |
		sed 's/^\(not \)\{0,1\}ok - /&asan: /'
elif [ -n "${PRIVSEP_BIN:-}" ]; then
	check_eq "no sanitizer report" 0 "$(cat "$T"/*.err | grep -c 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer')"
fi
