#!/bin/sh
# Privilege separation of `iotmon honeypot` (issue #15): the process that
# holds the listening socket is not the one that holds the store; it runs
# as the service user with an empty bounding set, NoNewPrivs and a seccomp
# filter, and its events reach the store through the parent.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"
HP_BIN=$IOTMON # sanitizers and seccomp do not mix: the release build
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
"$IOTMON" run -c "$T/run.conf" --db "$T/run.db" 2>"$T/run.err" &
rpid=$!
at_exit "kill $rpid 2>/dev/null"
wait_for_line "$T/run.err" "ready" 20 || not_ok "run ready" "$(cat "$T/run.err")"
check_holder run "$RPORT" "$rpid" run.db
wport_hex=$(printf '%04X' "$WPORT")
winode=$(awk -v p=":$wport_hex" '$2 ~ p"$" && $4 == "0A" {print $10}' /proc/net/tcp | head -1)
check_eq "run: the child does not hold the web server's socket" 0 \
	"$(ls -l "/proc/$holder/fd" | grep -c "socket:\[$winode\]")"
$PY "$ROOT/tests/hp_client.py" login 127.0.0.1 "$RPORT" root xc3511 "echo via-run" >/dev/null
kill -TERM $rpid
wait $rpid
check_eq "run: SIGTERM exit status 0" 0 "$?"
check_eq "run: the login's command reached the store" 1 \
	"$("$IOTMON" events --db "$T/run.db" --kind command | grep -c '"input":"echo via-run"')"
