# probe.sh - the prober against fixture devices in network namespaces.
#
# Two namespaces joined by a veth pair and nothing else (no route out): the
# prober runs in one, a camera, a DVR and a router (python servers with the
# banners of docs iot-threats section 4) listen in the other. Checks that the
# prober names vendor and type, stores the devices, sends our User-Agent
# with the contact URL, and that a do-not-probe target and an out-of-scope
# target are refused without a single packet (tcpdump in the device
# namespace).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v tcpdump >/dev/null; then
	echo "ok - probe # SKIP needs root, ip and tcpdump"
	exit 0
fi
DEV=iotmon-dev-$$
PRB=iotmon-prb-$$
VD=vd$$
VP=vp$$
at_exit "ip netns del $DEV 2>/dev/null; ip netns del $PRB 2>/dev/null"
ip netns add "$DEV" && ip netns add "$PRB" || { not_ok "create namespaces"; exit 1; }
ip link add "$VD" type veth peer name "$VP"
ip link set "$VD" netns "$DEV"
ip link set "$VP" netns "$PRB"
ip -n "$PRB" addr add 10.199.0.1/24 dev "$VP"
for a in 2 3 4 5 9; do ip -n "$DEV" addr add "10.199.0.$a/24" dev "$VD"; done
ip -n "$DEV" link set lo up
ip -n "$PRB" link set lo up
ip -n "$DEV" link set "$VD" up
ip -n "$PRB" link set "$VP" up

# Fixture devices: .2 camera, .3 DVR, .4 router; .5 (do-not-probe) and .9
# (outside --scope) answer like routers too, so only the policy keeps them quiet.
# The camera also speaks TLS on 443 with a self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/O=Hikvision/CN=DS-2CD2032-I" \
	-keyout "$T/cam.key" -out "$T/cam.crt" >/dev/null 2>&1
pids=""
for spec in camera:2 dvr:3 router:4 router:5 router:9; do
	tls=""
	[ "${spec%%:*}" = camera ] && tls="$T/cam.crt $T/cam.key"
	# shellcheck disable=SC2086
	ip netns exec "$DEV" $PY "$ROOT/tests/integration/fixtures/device_server.py" "${spec%%:*}" "10.199.0.${spec#*:}" \
		"$T/dev-${spec#*:}.log" $tls 2>"$T/dev-${spec#*:}.err" &
	pids="$pids $!"
done
at_exit "kill $pids 2>/dev/null"
for a in 2 3 4 5 9; do
	wait_for_line "$T/dev-$a.log" ready 10 || not_ok "fixture 10.199.0.$a started" "$(cat "$T/dev-$a.err")"
done

ip netns exec "$DEV" tcpdump -i "$VD" -n -U -w "$T/cap.pcap" tcp 2>"$T/tcpdump.err" &
tcpdump_pid=$!
at_exit "kill $tcpdump_pid 2>/dev/null"
wait_for_line "$T/tcpdump.err" "listening on" 10 || not_ok "tcpdump started" "$(cat "$T/tcpdump.err")"

cat >"$T/iotmon.conf" <<CONF
[store]
path = $T/iotmon.db
[probe]
ports = 80, 23, 554, 443
connect_timeout_ms = 1000
read_timeout_ms = 2000
rate_global = 200
rate_per_ip = 50
contact_url = https://example.org/iotmon-contact
do_not_probe = 10.199.0.5/32, 127.0.0.0/8
CONF

run_probe() {
	ip netns exec "$PRB" "$IOTMON" probe -c "$T/iotmon.conf" --scope 10.199.0.0/29 "$@"
}

# Refusals first, so any packet to .5 or .9 in the capture would be theirs.
run_probe 10.199.0.5 >"$T/refused5.out" 2>"$T/refused5.err"
check_eq "do-not-probe target: exit 1" 1 $?
check_grep "do-not-probe target: says why" "refused 10.199.0.5: on the do-not-probe list" "$T/refused5.err"
run_probe 10.199.0.9 >"$T/refused9.out" 2>"$T/refused9.err"
check_eq "out-of-scope target: exit 1" 1 $?
check_grep "out-of-scope target: says why" "refused 10.199.0.9: not observed as infected" "$T/refused9.err"
check_eq "refused targets: nothing printed" "" "$(cat "$T/refused5.out" "$T/refused9.out")"

start=$(date +%s)
run_probe --format json 10.199.0.2 10.199.0.3 10.199.0.4 >"$T/probe.json" 2>"$T/probe.err"
check_eq "probe three devices: exit 0" 0 $?
check_eq "probe three devices: one line each" 3 "$(wc -l <"$T/probe.json")"
took=$(($(date +%s) - start))
check_cmd "probe three devices within 10 s (took ${took}s)" test "$took" -le 10

field() { # field IP KEY: the KEY of IP's JSON line
	$PY -c 'import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l)
    if d["ip"]==sys.argv[2]: print(d[sys.argv[3]])' "$T/probe.json" "$1" "$2"
}
check_eq "camera: vendor" Hikvision "$(field 10.199.0.2 vendor)"
check_eq "camera: type" camera "$(field 10.199.0.2 type)"
check_eq "DVR: vendor" XiongMai "$(field 10.199.0.3 vendor)"
check_eq "DVR: type" dvr "$(field 10.199.0.3 type)"
check_eq "DVR: firmware from the Server header" 1.0.0 "$(field 10.199.0.3 firmware)"
check_eq "router: vendor" ZyXEL "$(field 10.199.0.4 vendor)"
check_eq "router: type" router "$(field 10.199.0.4 type)"
check_grep "router: realm in the evidence" '"realm":"P-660HW-T1 v3"' "$T/probe.json"
check_grep "DVR: telnet prompt in the evidence" '"banner":"\\n(none) login: "' "$T/probe.json"
check_grep "camera: RTSP answer in the evidence" '"port":554,"proto":"rtsp","state":"open","status":401' "$T/probe.json"
check_grep "camera: TLS certificate subject in the evidence" '"port":443,"proto":"tls","state":"open","tls_subject":"/O=Hikvision/CN=DS-2CD2032-I"' "$T/probe.json"
check_grep "rule names its source" '"rule":"iot-threats 4.1: Server App-webs/' "$T/probe.json"

check_grep "HTTP probe sends our User-Agent with the contact URL" \
	"80 User-Agent: iotmon/0.1 (IoT infection research) (+https://example.org/iotmon-contact)" "$T/dev-2.log"
check_grep "RTSP probe sends OPTIONS" "554 OPTIONS rtsp://10.199.0.2:554/ RTSP/1.0" "$T/dev-2.log"

if command -v sqlite3 >/dev/null; then
	check_eq "devices stored with evidence and expiry" \
		"10.199.0.2|Hikvision|camera|1
10.199.0.3|XiongMai|dvr|1
10.199.0.4|ZyXEL|router|1" \
		"$(sqlite3 "$T/iotmon.db" "SELECT ip, vendor, type, evidence IS NOT NULL AND expires_us - probed_us = 168*3600*1000000 FROM devices ORDER BY ip")"
fi

# Rate limits: 4 ports of one host at 2 connections/s to one IP take at
# least 1.5 s; 3 hosts on 1 port at 2 connections/s in total take at least 1 s.
ms() { date +%s%3N; }
sed -e 's/^rate_per_ip = .*/rate_per_ip = 2/' "$T/iotmon.conf" >"$T/perip.conf"
t0=$(ms)
ip netns exec "$PRB" "$IOTMON" probe -c "$T/perip.conf" --scope 10.199.0.0/29 10.199.0.4 >"$T/perip.out" 2>&1
t1=$(ms)
check_cmd "per-IP rate: 4 connections to one host took $((t1 - t0)) ms (>= 1500)" test $((t1 - t0)) -ge 1500
sed -e 's/^rate_global = .*/rate_global = 2/' -e 's/^ports = .*/ports = 80/' "$T/iotmon.conf" >"$T/global.conf"
t0=$(ms)
ip netns exec "$PRB" "$IOTMON" probe -c "$T/global.conf" --scope 10.199.0.0/29 10.199.0.2 10.199.0.3 10.199.0.4 \
	>"$T/global.out" 2>&1
t1=$(ms)
check_cmd "global rate: 3 connections took $((t1 - t0)) ms (>= 1000)" test $((t1 - t0)) -ge 1000
check_eq "global rate: all three still named" 3 "$(grep -c -E 'Hikvision|XiongMai|ZyXEL' "$T/global.out")"

# The background prober of `iotmon run`: it probes an infected in-scope IP
# once an observation exists, and leaves the others alone.
mkdir -p "$T/svc"
chmod 755 "$T"
chown nobody "$T/svc" # the daemon writes its store here after dropping to nobody
chmod 750 "$T/svc"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for a in 4 5 9; do
	echo "{\"time\":\"$now\",\"kind\":\"login\",\"src_ip\":\"10.199.0.$a\",\"username\":\"root\",\"password\":\"xc3511\"}"
done >"$T/infected.jsonl"
sed -e "s|^path = .*|path = $T/svc/iotmon.db|" "$T/iotmon.conf" >"$T/run.conf"
cat >>"$T/run.conf" <<CONF
enabled = true
interval_s = 1
allow = 10.199.0.0/29
[general]
user = nobody
CONF
check_cmd "import infected IPs" "$IOTMON" import events -c "$T/run.conf" "$T/infected.jsonl"
chmod 666 "$T/svc/iotmon.db"
ip netns exec "$PRB" "$IOTMON" run -c "$T/run.conf" >"$T/run.out" 2>"$T/run.err" &
run_pid=$!
at_exit "kill $run_pid 2>/dev/null"
i=0
while [ $i -lt 100 ] && [ "$(sqlite3 "$T/svc/iotmon.db" 'SELECT count(*) FROM devices' 2>/dev/null)" != 1 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1.5 # a further round must not probe it again
probed1=$(grep -c 'probing 1 newly infected' "$T/run.err")
# Expire the result: the next round probes it again.
sqlite3 "$T/svc/iotmon.db" "UPDATE devices SET expires_us = 0"
i=0
while [ $i -lt 50 ] && [ "$(grep -c 'probing 1 newly infected' "$T/run.err")" -lt 2 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
kill -TERM "$run_pid"
wait "$run_pid"
check_eq "iotmon run: exit 0 after SIGTERM" 0 $?
check_grep "iotmon run: prober service running" "service prober running" "$T/run.err"
check_eq "prober service: the infected in-scope router named and stored once" "10.199.0.4|ZyXEL|router" \
	"$(sqlite3 "$T/svc/iotmon.db" 'SELECT ip, vendor, type FROM devices')"
check_eq "prober service: one round probed it (not re-probed before expiry)" 1 "$probed1"
check_eq "prober service: re-probed once the result expired" 2 "$(grep -c 'probing 1 newly infected' "$T/run.err")"
check_cmd "prober service: the new result has a future expiry" test \
	"$(sqlite3 "$T/svc/iotmon.db" 'SELECT expires_us > probed_us FROM devices')" = 1
sed -e '/contact_url/d' "$T/run.conf" >"$T/nocontact.conf"
check_exit "prober service refuses to start without contact_url" 1 "$IOTMON" run -c "$T/nocontact.conf"
check_grep "... and says so" "contact_url must say" "$T/.err"

sleep 0.5
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
n_ok=$(tcpdump -n -r "$T/cap.pcap" 'dst host 10.199.0.2' 2>/dev/null | wc -l)
n_bad=$(tcpdump -n -r "$T/cap.pcap" 'host 10.199.0.5 or host 10.199.0.9' 2>/dev/null | wc -l)
check_cmd "capture saw the allowed probes ($n_ok packets to the camera)" test "$n_ok" -gt 3
check_eq "no packet to the do-not-probe or out-of-scope target" 0 "$n_bad"
check_eq "fixtures .5 and .9 saw no connection" "ready
ready" "$(cat "$T/dev-5.log" "$T/dev-9.log")"
