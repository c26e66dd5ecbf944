#!/bin/sh
# Privilege separation of the live telescope (issue #15): in `iotmon run`
# the process holding the packet socket is a child with NoNewPrivs, a
# seccomp filter, the service user and no store file; its scan events reach
# the store through the parent. `telescope -i` publishes to JetStream when
# [transport] nats is set. And "ready" waits for the sensor children: a
# child that cannot start gives one error line, exit 1 and no "ready".
. "$(dirname "$0")/../lib.sh"

# ---- ready waits for the children (no namespaces needed) ----
# A Cowrie log the honeypot child cannot open (read-only; as root also
# root's own, and the child runs as nobody).
[ "$(id -u)" = 0 ] && USER_LINE="user = nobody" || USER_LINE=""
printf '[general]\ndata_dir = %s\n%s\n' "$ROOT/data" "$USER_LINE" >"$T/hp.conf"
: >"$T/cowrie.json"
chmod 400 "$T/cowrie.json"
check_exit "honeypot: an unopenable Cowrie log: exit 1" 1 \
	timeout 30 "$IOTMON" honeypot -c "$T/hp.conf" --db "$T/hp.db" --telnet "127.0.0.1:$(free_port)" --http '' \
	--cowrie-log "$T/cowrie.json"
cp "$T/.err" "$T/hp-fail.err"
check_eq "honeypot: no ready line" 0 "$(grep -c ready "$T/hp-fail.err")"
check_eq "honeypot: one error line, naming the log" 1 "$(grep -c "error: honeypot: $T/cowrie.json" "$T/hp-fail.err")"
check_eq "honeypot: and no other error line" 1 "$(grep -c 'error' "$T/hp-fail.err")"

{
	cat "$T/hp.conf"
	echo "[honeypot]"
	echo "enabled = true"
	echo "telnet = 127.0.0.1:$(free_port)"
	echo "http ="
	echo "cowrie_log = $T/cowrie.json"
} >"$T/run-fail.conf"
check_exit "run: the honeypot child cannot start: exit 1" 1 \
	timeout 30 "$IOTMON" run -c "$T/run-fail.conf" --db "$T/run-fail.db"
cp "$T/.err" "$T/run-fail.err"
check_eq "run: no ready line" 0 "$(grep -c 'ready' "$T/run-fail.err")"
check_eq "run: one error line, naming the log" 1 "$(grep -c "error: honeypot: $T/cowrie.json" "$T/run-fail.err")"

if [ "$(id -u)" != 0 ] || ! ip netns add "iotmP$$" 2>/dev/null; then
	echo "ok - live telescope checks # SKIP needs root and network namespaces"
	exit 0
fi
# ---- the live telescope in its own child ----
A=iotmP$$
B=iotmQ$$
VA=pva$$
VB=pvb$$
at_exit "ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null"
ip netns add "$B"
ip link add "$VA" type veth peer name "$VB"
ip link set "$VA" netns "$A"
ip link set "$VB" netns "$B"
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up
MAC=$(ip netns exec "$B" cat "/sys/class/net/$VB/address")

# A missing interface: the capture child says why; no ready.
check_exit "telescope -i: a missing interface: exit 1" 1 \
	timeout 30 ip netns exec "$B" "$IOTMON" telescope -c "$T/hp.conf" -i "nosuch$$" --no-store
check_grep "telescope -i: the error names the interface" "error: telescope: nosuch$$" "$T/.err"
check_eq "telescope -i: no ready line" 0 "$(grep -c ready "$T/.err")"

# syns SOURCE NET COUNT: Mirai-style SYNs (sequence number = destination)
# from SOURCE to COUNT addresses of NET.0/24, sent from A to B's veth.
syns() {
	ip netns exec "$A" "$PY" -c '
import socket, struct, sys
from scapy.all import Ether, IP, TCP, sendp
src, net, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
pk = []
for h in range(1, n + 1):
    d = "%s.%d" % (net, h)
    seq = struct.unpack("!I", socket.inet_aton(d))[0]
    pk.append(Ether(dst=sys.argv[5]) / IP(src=src, dst=d, ttl=60) / TCP(sport=40123, dport=23, flags="S", seq=seq))
sendp(pk, iface=sys.argv[4], verbose=False)' "$1" "$2" "$3" "$VA" "$MAC"
}

mkdir -m 750 "$T/run" && chown nobody "$T/run" # the store is written by nobody after the drop
chmod 711 "$T"
cat >"$T/run/iotmon.conf" <<CONF
[general]
sensor_name = sep-test
user = nobody
data_dir = $ROOT/data
[store]
path = $T/run/run.db
[web]
enabled = true
listen = 127.0.0.1:8080
[telescope]
interface = $VB
flush_interval = 3600
CONF
chmod 600 "$T/run/iotmon.conf"
# A missing interface in run: no ready, one error line, exit 1.
sed "s/^interface = .*/interface = nosuch$$/" "$T/run/iotmon.conf" >"$T/run/missing.conf"
chmod 600 "$T/run/missing.conf"
check_exit "run: the capture child cannot open its interface: exit 1" 1 \
	timeout 30 ip netns exec "$B" "$IOTMON" run -c "$T/run/missing.conf" --db "$T/run/missing.db"
check_eq "run: no ready line" 0 "$(grep -c ': ready' "$T/.err")"
check_eq "run: one error line, naming the interface" 1 "$(grep -c "error: telescope: nosuch$$" "$T/.err")"

ip netns exec "$B" "$IOTMON" run -c "$T/run/iotmon.conf" 2>"$T/run/err" &
rpid=$!
at_exit "kill $rpid 2>/dev/null"
wait_for_line "$T/run/err" "ready" 20 || not_ok "run ready" "$(cat "$T/run/err")"
check_cmd "run: ready only after the capture child started" \
	sh -c "grep -n 'telescope child' '$T/run/err' | head -1 | cut -d: -f1 | { read c; r=\$(grep -n ': ready' '$T/run/err' | cut -d: -f1); test \"\$c\" -lt \"\$r\"; }"

# The holder of B's packet socket, from /proc/net/packet (per namespace).
inode=$(ip netns exec "$B" awk 'NR > 1 {print $NF}' /proc/net/packet | head -1)
holder=""
for fd in /proc/[0-9]*/fd/*; do
	if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then
		holder=$(echo "$fd" | cut -d/ -f3)
		break
	fi
done
check_cmd "the packet socket is found ($inode, held by ${holder:-nobody})" test -n "$holder"
status=/proc/$holder/status
check_eq "it is held by a child of run ($rpid), not by run" "$rpid" "$(awk '/^PPid:/ {print $2}' "$status")"
check_eq "run itself holds no packet socket" 0 "$(ls -l "/proc/$rpid/fd" | grep -c "socket:\[$inode\]")"
check_eq "capture child: NoNewPrivs 1" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "$status")"
check_eq "capture child: Seccomp 2 (filter)" 2 "$(awk '/^Seccomp:/ {print $2}' "$status")"
n=$(id -u nobody)
check_eq "capture child: runs as nobody" "$n$n$n$n" "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "$status")"
check_eq "capture child: empty bounding set" 0000000000000000 "$(awk '/^CapBnd:/ {print $2}' "$status")"
check_eq "capture child: no store file open" 0 "$(ls -l "/proc/$holder/fd" | grep -c 'run\.db')"
check_eq "capture child: only std streams, the packet socket and its event socket" 5 \
	"$(ls "/proc/$holder/fd" | wc -l)"
check_cmd "run holds the store" sh -c "ls -l /proc/$rpid/fd | grep -q 'run\.db'"

syns 10.99.5.1 10.88.14 5
sleep 1
# The child's counters on the dashboard's /metrics (B's loopback), relayed
# twice every 0.5 s (child to run, run to the web child).
i=0
while [ $i -lt 50 ]; do
	ip netns exec "$B" curl -s http://127.0.0.1:8080/metrics >"$T/run/metrics"
	grep -q '^iotmon_packets_processed_total{sensor="telescope"} [1-9]' "$T/run/metrics" && break
	sleep 0.2
	i=$((i + 1))
done
check_grep "/metrics: the capture child's packets" '^iotmon_packets_processed_total{sensor="telescope"} [1-9]' "$T/run/metrics"
check_grep "/metrics: the kernel's drops" '^iotmon_telescope_kernel_drops_total 0' "$T/run/metrics"
start=$(date +%s)
kill -TERM "$rpid"
wait "$rpid"
check_eq "run: SIGTERM exit status 0" 0 "$?"
check_cmd "run: SIGTERM stops parent and capture child within 5 s" test $(($(date +%s) - start)) -le 5
check_cmd "the capture child is gone" sh -c "! kill -0 $holder 2>/dev/null"
got=$(sed -n 's/.*telescope: \([0-9]*\) packets captured, \([0-9]*\) dropped by the kernel.*/\1 \2/p' "$T/run/err")
check_cmd "run: the stop line counts the child's packets (packets, kernel drops: $got)" \
	sh -c "test -n '$got' && test ${got% *} -ge 5 && test ${got#* } -eq 0"
"$IOTMON" events --db "$T/run/run.db" --kind scan --src 10.99.5.1 >"$T/run/events" 2>/dev/null
check_eq "run: one Mirai scan event stored through the parent" 1 "$(grep -c '"family":"mirai"' "$T/run/events")"
check_grep "run: 5 probes, 5 destinations" '"packets":5,.*"destinations":5' "$T/run/events"

# `telescope -i` publishing to JetStream (a nats-server in B's loopback,
# which only this test's namespace has), collected into a store.
if command -v nats-server >/dev/null; then
	NPORT=4222
	ip netns exec "$B" nats-server -js -a 127.0.0.1 -p $NPORT -sd "$T/js" >"$T/nats.log" 2>&1 &
	npid=$!
	at_exit "kill -9 $npid 2>/dev/null"
	wait_for_line "$T/nats.log" "Server is ready" 20 || not_ok "nats-server starts" "$(tail -5 "$T/nats.log")"
	{
		echo "[general]"
		echo "sensor_name = sep-nats"
		echo "user = nobody"
		echo "[transport]"
		echo "nats = nats://127.0.0.1:$NPORT"
	} >"$T/nats.conf"
	ip netns exec "$B" "$IOTMON" telescope -c "$T/nats.conf" -i "$VB" --duration 4 2>"$T/tn.err" &
	tpid=$!
	wait_for_line "$T/tn.err" "ready" 20 || not_ok "telescope -i ready" "$(cat "$T/tn.err")"
	syns 10.99.6.1 10.88.15 4
	wait "$tpid"
	check_eq "telescope -i with nats: exit 0" 0 "$?"
	ip netns exec "$B" "$IOTMON" collect -c "$T/nats.conf" --db "sqlite:$T/nats.db" 2>"$T/co.err" &
	cpid=$!
	at_exit "kill -9 $cpid 2>/dev/null"
	i=0
	while [ $i -lt 100 ] && ! "$IOTMON" events --db "$T/nats.db" --kind scan --src 10.99.6.1 2>/dev/null | grep -q mirai; do
		sleep 0.2
		i=$((i + 1))
	done
	kill -TERM "$cpid"
	wait "$cpid"
	"$IOTMON" events --db "$T/nats.db" --kind scan --src 10.99.6.1 >"$T/nats.events" 2>/dev/null
	check_eq "telescope -i with nats: the Mirai scan event was published (and collected)" 1 \
		"$(grep -c '"family":"mirai".*"sensor":"sep-nats"\|"sensor":"sep-nats".*"family":"mirai"' "$T/nats.events")"
	check_grep "telescope -i with nats: 4 probes, 4 destinations" '"packets":4,.*"destinations":4' "$T/nats.events"
	kill "$npid"
	wait "$npid" 2>/dev/null || true
else
	echo "ok - telescope -i with nats # SKIP nats-server not installed"
fi
