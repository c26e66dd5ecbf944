#!/bin/sh
# The honeypot as a service of `iotmon run`: bound, then privileges dropped
# (when started as root), per-port profiles, an echo dropper stored as a
# payload with its SHA-256, and every event committed on SIGTERM.
. "$(dirname "$0")/../lib.sh"
CL="$PY $ROOT/tests/hp_client.py"
TPORT=$(free_port)
HPORT=$(free_port)
{
	echo "[general]"
	echo "data_dir = $ROOT/data"
	[ "$(id -u)" = 0 ] && echo "user = nobody"
	echo "[honeypot]"
	echo "enabled = true"
	echo "telnet = 127.0.0.1:$TPORT"
	echo "http = 127.0.0.1:$HPORT"
	echo "profile = busybox"
	echo "port_profiles = $HPORT=router"
	echo "cowrie_log = $T/cowrie.json"
} >"$T/run.conf"
"$IOTMON" run -c "$T/run.conf" --db "$T/run.db" 2>"$T/run.err" &
PID=$!
at_exit "kill $PID 2>/dev/null"
wait_for_line "$T/run.err" "ready" 20 || { not_ok "iotmon run ready" "$(cat "$T/run.err")"; exit 1; }
check_grep "run starts the honeypot service" "service honeypot running" "$T/run.err"
if [ "$(id -u)" = 0 ]; then
	uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$PID/status")
	n=$(id -u nobody)
	check_eq "root dropped to nobody after binding (real, effective, saved, fs uid)" "$n$n$n$n" "$uid"
fi

$CL login 127.0.0.1 "$TPORT" admin admin "cd /tmp" "echo -ne '\\x7f\\x45\\x4c\\x46\\x01' > .d" \
	"echo -ne '\\x02\\x03' >> .d" "cat .d" >"$T/login.out"
check_grep "dropped file reads back" "ELF" "$T/login.out"
$CL login 127.0.0.1 "$TPORT" admin CentryL1nk "su" >/dev/null
curl -s -i -m 10 "http://127.0.0.1:$HPORT/" >"$T/http.out"
check_grep "per-port profile: router's Server header" "^Server: Boa/0.93.15" "$T/http.out"
check_grep "per-port profile: router's Basic realm" 'WWW-Authenticate: Basic realm="ADSL Router"' "$T/http.out"
sleep 0.5
kill -TERM "$PID"
wait "$PID"
check_eq "SIGTERM: exit status 0" 0 "$?"

want=$($PY -c 'import hashlib; print(hashlib.sha256(bytes([0x7f,0x45,0x4c,0x46,1,2,3])).hexdigest())')
"$IOTMON" events --db "$T/run.db" --kind download >"$T/dl.json"
"$IOTMON" events --db "$T/run.db" --kind exploit >"$T/ex.json"
check_grep "echo dropper: payload event with its SHA-256 and path" "\"sha256\":\"$want\",\"destfile\":\"/tmp/.d\",\"size\":7" "$T/dl.json"
check_grep "echo dropper: in the Cowrie log as a file_download" "\"eventid\":\"cowrie.session.file_download\".*\"shasum\":\"$want\"" "$T/cowrie.json"
check_grep "ZyXEL PK5001Z backdoor login recorded as CVE-2016-10401" '"kind":"exploit".*"cve":"CVE-2016-10401"' "$T/ex.json"
check_eq "http request recorded" 1 "$("$IOTMON" events --db "$T/run.db" --kind command | grep -c '"input":"GET /"')"

# Errors: a bad listener and an unknown profile are usage errors; no
# listener at all and a port already taken are errors naming the cause.
check_exit "bad --telnet: exit 2" 2 "$IOTMON" honeypot -c "$T/run.conf" --db "$T/e.db" --telnet nonsense
check_exit "unknown profile: exit 2" 2 "$IOTMON" honeypot -c "$T/run.conf" --db "$T/e.db" --profile nosuch
check_grep "unknown profile: named" 'unknown profile "nosuch"' "$T/.err"
check_exit "no listeners: exit 1" 1 "$IOTMON" honeypot -c "$T/run.conf" --db "$T/e.db" --telnet '' --http ''
$PY -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(5)' "$TPORT" &
holder=$!
sleep 0.5
check_exit "port in use: exit 1" 1 "$IOTMON" honeypot -c "$T/run.conf" --db "$T/e.db"
check_grep "port in use: named" "telnet listener 127.0.0.1:$TPORT: Address already in use" "$T/.err"
kill $holder 2>/dev/null
