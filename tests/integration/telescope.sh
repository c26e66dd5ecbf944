#!/bin/sh
# telescope: captures made with real tools (hping3, scapy, tcpdump, editcap,
# gzip) inside two network namespaces this test creates; every per-source
# count of `iotmon telescope` must equal what tshark's dissection gives.
# Without the rights for namespaces it falls back to scapy's wrpcap.
. "$(dirname "$0")/../lib.sh"
TS=$ROOT/tests/telescope

A=iotmA$$
B=iotmB$$
VA=tva$$
VB=tvb$$
cap=$T/cap.pcap

cleanup_ns() {
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
}

# TELESCOPE_OFFLINE=1 takes the fallback path on purpose.
if [ -z "${TELESCOPE_OFFLINE:-}" ] && ip netns add "$A" 2>/dev/null && ip netns add "$B" 2>/dev/null; then
	at_exit cleanup_ns
	# The telescope (B) owns 10.77.0.2; the scanner (A) routes 10.88/16 to it.
	# B does not forward, so nothing ever leaves the pair.
	ip link add "$VA" type veth peer name "$VB"
	ip link set "$VA" netns "$A"
	ip link set "$VB" netns "$B"
	ip -n "$A" addr add 10.77.0.1/24 dev "$VA"
	ip -n "$B" addr add 10.77.0.2/24 dev "$VB"
	ip -n "$A" link set lo up
	ip -n "$B" link set lo up
	ip -n "$A" link set "$VA" up
	ip -n "$B" link set "$VB" up
	ip -n "$A" route add 10.88.0.0/16 via 10.77.0.2
	sleep 1
	mac=$(ip netns exec "$B" cat "/sys/class/net/$VB/address")
	ip netns exec "$B" tcpdump -i "$VB" -U -w "$cap" 'not arp and not (ip6 and src net fe80::/10)' >"$T/tcpdump.log" 2>&1 &
	tcpdump_pid=$!
	wait_for_line "$T/tcpdump.log" "listening on" 10
	# hping3: Mirai-style SYNs (--setseq = the destination as a number) from
	# a spoofed source, plus plain SYN, UDP and ICMP scanners.
	for host in 1 2 3 4 5 6; do
		seq=$(((10 << 24) + (88 << 16) + (9 << 8) + host))
		ip netns exec "$A" hping3 -q -S -p 23 -s 40000 -k -a 10.99.1.1 --setseq "$seq" -c 2 -i u1000 "10.88.9.$host" >/dev/null 2>&1 &
	done
	ip netns exec "$A" hping3 -q -S -p 80 -a 10.99.1.2 --rand-dest -c 25 -i u1000 10.88.10.x >/dev/null 2>&1 &
	ip netns exec "$A" hping3 -q -2 -p 53 -a 10.99.1.3 -c 10 -i u1000 10.88.11.1 >/dev/null 2>&1 &
	ip netns exec "$A" hping3 -q -1 -a 10.99.1.4 -c 7 -i u1000 10.88.11.2 >/dev/null 2>&1 &
	sent=$(ip netns exec "$A" "$PY" "$TS/send.py" "$VA" "$mac")
	wait_jobs=$(jobs -p | grep -v "^$tcpdump_pid\$")
	for j in $wait_jobs; do wait "$j" 2>/dev/null; done
	sleep 1
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid"
	ok "captured with tcpdump in namespaces (scapy sent $sent packets)"
	live=1
else
	echo "# no network namespaces here: scapy writes the capture offline"
	"$PY" "$TS/send.py" none 02:00:00:00:00:02 "$cap" >/dev/null 2>&1
	live=0
fi

editcap -F pcapng "$cap" "$T/cap.pcapng"
editcap -F nsecpcap "$cap" "$T/cap.ns.pcap"
gzip -c "$T/cap.pcapng" >"$T/cap.pcapng.gz"

"$PY" "$TS/oracle.py" "$cap" >"$T/oracle.jsonl"
total=$(tshark -r "$cap" -n | wc -l)

# iotmon's rows in the oracle's shape.
shape() {
	"$PY" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    d = dict(ip=r["ip"], packets=r["packets"], **r["classes"])
    if r["destinations"] <= 8:
        d["destinations"] = r["destinations"]
    print(json.dumps(d, sort_keys=True))'
}

for f in cap.pcap cap.ns.pcap cap.pcapng cap.pcapng.gz; do
	"$IOTMON" telescope --no-store --threads 1 --sources json "$T/$f" >"$T/$f.rows" 2>"$T/$f.err"
	check_eq "$f: exit 0" 0 $?
	shape <"$T/$f.rows" >"$T/$f.jsonl"
	if cmp -s "$T/oracle.jsonl" "$T/$f.jsonl"; then
		ok "$f: every per-source count equals tshark's ($(wc -l <"$T/oracle.jsonl") sources)"
	else
		not_ok "$f: per-source counts differ from tshark" "$(diff "$T/oracle.jsonl" "$T/$f.jsonl" | head -20)"
	fi
done

"$IOTMON" telescope --no-store --summary --threads 1 "$cap" >"$T/s1.json" 2>/dev/null
"$IOTMON" telescope --no-store --summary --threads 2 "$cap" >"$T/s2.json" 2>/dev/null
check_eq "summary identical with 1 and 2 threads" "$(cat "$T/s1.json")" "$(cat "$T/s2.json")"
"$IOTMON" telescope --no-store --sources csv --threads 2 "$cap" >"$T/r2.csv" 2>/dev/null
"$IOTMON" telescope --no-store --sources csv --threads 1 "$cap" >"$T/r1.csv" 2>/dev/null
check_eq "sources identical with 1 and 2 threads" "$(cat "$T/r1.csv")" "$(cat "$T/r2.csv")"
check_eq "summary packets = tshark frames" "$total" "$(json_get "$T/s1.json" 'd["packets"]')"
# Fingerprint packet totals against the oracle's sums.
for fp in mirai zmap masscan backscatter; do
	want=$("$PY" -c 'import json,sys; print(sum(json.loads(l)[sys.argv[1]] for l in open(sys.argv[2])))' "$fp" "$T/oracle.jsonl")
	check_eq "summary $fp packets" "$want" "$(json_get "$T/s1.json" "d['fingerprints']['$fp']['packets']")"
done
check_eq "labels: mirai sources (half-Mirai VLAN source stays other)" $((1 + live)) "$(json_get "$T/s1.json" 'd["fingerprints"]["mirai"]["sources"]')"
check_eq "labels: zmap sources" 1 "$(json_get "$T/s1.json" 'd["fingerprints"]["zmap"]["sources"]')"
check_eq "labels: masscan sources" 1 "$(json_get "$T/s1.json" 'd["fingerprints"]["masscan"]["sources"]')"
check_eq "labels: backscatter sources" 2 "$(json_get "$T/s1.json" 'd["fingerprints"]["backscatter"]["sources"]')"
check_grep "chance Masscan match stays other" '^10.99.2.7,15,.*,other,' "$T/r1.csv"
check_grep "Mirai ports 23 and 2323" '^10.99.2.4,40,.*,23:36;2323:4,mirai,1.0000$' "$T/r1.csv"
[ "$live" = 1 ] && check_grep "hping3 --setseq source is mirai" '^10.99.1.1,12,.*,mirai,1.0000$' "$T/r1.csv"

# stdin and a directory give the same rows.
"$IOTMON" telescope --no-store --sources csv - <"$T/cap.pcapng.gz" >"$T/stdin.csv" 2>/dev/null
check_eq "stdin (gzip pcapng) same rows" "$(cat "$T/r1.csv")" "$(cat "$T/stdin.csv")"

# The store: one scan event per scanning source per day, none for backscatter.
"$IOTMON" telescope --db "$T/t.db" "$cap" 2>"$T/store.err"
check_eq "store run exit 0" 0 $?
"$IOTMON" events --db "$T/t.db" --kind scan >"$T/events.jsonl" 2>/dev/null
want=$("$PY" -c '
import json,sys
n=0
for l in open(sys.argv[1]):
    r=json.loads(l)
    probes=r["packets"]-r["backscatter"]
    if r["backscatter"] <= probes and probes >= 2 and r.get("destinations", 9) >= 2: n+=1
print(n)' "$T/oracle.jsonl")
check_eq "scan events = sources with >= 2 probes that are not backscatter" "$want" "$(wc -l <"$T/events.jsonl")"
check_eq "mirai events" $((1 + live)) "$(grep -c '"family":"mirai"' "$T/events.jsonl")"
check_eq "no backscatter source stored" 0 "$(grep -c '"src":"10.99.2.3"' "$T/events.jsonl")"
"$IOTMON" telescope --db "$T/t.db" "$cap" 2>/dev/null
"$IOTMON" events --db "$T/t.db" --kind scan >"$T/events2.jsonl" 2>/dev/null
check_eq "reading the same capture twice adds nothing" "$(wc -l <"$T/events.jsonl")" "$(wc -l <"$T/events2.jsonl")"

# Across UTC midnight: one row per source, one scan event per source per day.
"$PY" - "$T/days.pcap" <<'PYEOF' 2>/dev/null
import socket, struct, sys
from scapy.all import IP, TCP, wrpcap
pk = []
for i in range(6):
    d = "198.51.100.%d" % (i + 1)
    p = IP(src="203.0.113.9", dst=d) / TCP(sport=4000, dport=23, flags="S", seq=struct.unpack("!I", socket.inet_aton(d))[0])
    p.time = 1735689600 - 30 + i * 10
    pk.append(p)
wrpcap(sys.argv[1], pk)
PYEOF
"$IOTMON" telescope --no-store --sources csv "$T/days.pcap" >"$T/days.csv" 2>/dev/null
check_eq "two days: one row for the source" "203.0.113.9,6,2024-12-31T23:59:30.000000Z,2025-01-01T00:00:20.000000Z,6,23:6,mirai,1.0000" "$(sed -n 2p "$T/days.csv")"
"$IOTMON" telescope --db "$T/days.db" "$T/days.pcap" 2>/dev/null
"$IOTMON" events --db "$T/days.db" >"$T/days.events" 2>/dev/null
check_eq "two days: one scan event per day" "2024-12-31T23:59:30.000000Z 3
2025-01-01T00:00:00.000000Z 3" "$("$PY" -c 'import json,sys
for l in open(sys.argv[1]): r=json.loads(l); print(r["time"], r["packets"])' "$T/days.events")"

# Per hour: packets either side of 01:00 UTC make one event per day, two per hour.
"$PY" - "$T/hours.pcap" <<'PYEOF' 2>/dev/null
import socket, struct, sys
from scapy.all import IP, TCP, wrpcap
pk = []
for i in range(6):
    d = "198.51.100.%d" % (i + 1)
    p = IP(src="203.0.113.10", dst=d) / TCP(sport=4000, dport=2323, flags="S", seq=struct.unpack("!I", socket.inet_aton(d))[0])
    p.time = 1735693200 - 30 + i * 10
    pk.append(p)
wrpcap(sys.argv[1], pk)
PYEOF
"$IOTMON" telescope --db "$T/hday.db" "$T/hours.pcap" 2>/dev/null
"$IOTMON" telescope --db "$T/hhour.db" --period hour "$T/hours.pcap" 2>/dev/null
check_eq "period day: one event of 6 probes" "2025-01-01T00:59:30.000000Z 6" "$("$IOTMON" events --db "$T/hday.db" 2>/dev/null | "$PY" -c 'import json,sys
for l in sys.stdin: r=json.loads(l); print(r["time"], r["packets"])')"
check_eq "period hour: one event per hour" "2025-01-01T00:59:30.000000Z 3
2025-01-01T01:00:00.000000Z 3" "$("$IOTMON" events --db "$T/hhour.db" 2>/dev/null | "$PY" -c 'import json,sys
for l in sys.stdin: r=json.loads(l); print(r["time"], r["packets"])')"
"$IOTMON" telescope --no-store --period hour --sources csv "$T/hours.pcap" >"$T/hours.csv" 2>/dev/null
check_eq "period hour: rows still one per source" "203.0.113.10,6,2025-01-01T00:59:30.000000Z,2025-01-01T01:00:20.000000Z,6,2323:6,mirai,1.0000" "$(sed -n 2p "$T/hours.csv")"

# Damage: a truncated last record, an impossible length, a wrong magic, an
# unreadable file; the next file is still read and what came before counts.
size=$(stat -c %s "$cap")
head -c $((size - 5)) "$cap" >"$T/trunc.pcap"
last_off=$("$PY" -c '
import struct,sys
b=open(sys.argv[1],"rb").read(); o=24; last=24
while o+16<=len(b):
    n=struct.unpack("<I",b[o+8:o+12])[0]; last=o; o+=16+n
print(last)' "$cap")
"$IOTMON" telescope --no-store --summary "$T/trunc.pcap" "$cap" >"$T/d.json" 2>"$T/d.err"
check_eq "truncated file: exit 1" 1 $?
check_eq "truncated file: packets before the damage plus the next file" $((total * 2 - 1)) "$(json_get "$T/d.json" 'd["packets"]')"
check_eq "truncated file: error names file and offset" "$T/trunc.pcap $last_off" "$(json_get "$T/d.json" '" ".join(str(e[k]) for e in d["errors"] for k in ("file","offset"))')"
check_grep "truncated file: message on stderr" "trunc.pcap: offset $last_off: truncated record" "$T/d.err"
"$PY" -c '
import struct,sys
b=bytearray(open(sys.argv[1],"rb").read())
n=struct.unpack("<I",b[24+8:24+12])[0]
o=24+16+n
b[o+8:o+12]=struct.pack("<I",300000)
open(sys.argv[2],"wb").write(b)
print(o)' "$cap" "$T/bad.pcap" >"$T/bad.off"
"$IOTMON" telescope --no-store --summary "$T/bad.pcap" >"$T/b.json" 2>/dev/null
check_eq "impossible length: exit 1" 1 $?
check_eq "impossible length: one packet kept" 1 "$(json_get "$T/b.json" 'd["packets"]')"
check_eq "impossible length: offset" "$(cat "$T/bad.off")" "$(json_get "$T/b.json" 'd["errors"][0]["offset"]')"
printf 'GARBAGE-NOT-A-CAPTURE-AT-ALL' >"$T/junk.pcap"
"$IOTMON" telescope --no-store --summary "$T/junk.pcap" "$T/missing.pcap" "$cap" >"$T/j.json" 2>/dev/null
check_eq "wrong magic + missing file: exit 1" 1 $?
check_eq "wrong magic + missing file: next file read" "$total" "$(json_get "$T/j.json" 'd["packets"]')"
check_eq "wrong magic + missing file: two errors" "2 3" "$(json_get "$T/j.json" 'str(len(d["errors"]))+" "+str(d["files"])')"
size=$(stat -c %s "$T/cap.pcapng.gz")
head -c $((size / 2)) "$T/cap.pcapng.gz" >"$T/cut.pcapng.gz"
"$IOTMON" telescope --no-store --summary "$T/cut.pcapng.gz" >"$T/g.json" 2>/dev/null
check_eq "cut gzip: exit 1" 1 $?
check_eq "cut gzip: error says so" "read error: unexpected end of file" "$(json_get "$T/g.json" 'd["errors"][0]["message"]')"
check_eq "cut gzip: packets before the cut counted" 1 "$(json_get "$T/g.json" 'int(0 < d["packets"] < '"$total"')')"
mkdir "$T/dir" && cp "$cap" "$T/cap.pcapng.gz" "$T/dir/"
"$IOTMON" telescope --no-store --summary "$T/dir" >"$T/dir.json" 2>/dev/null
check_eq "directory: both files read" "2 $((total * 2))" "$(json_get "$T/dir.json" 'str(d["files"])+" "+str(d["packets"])')"

# Live capture on the telescope's interface.
if [ "$live" = 1 ]; then
	# The capture runs in a child that drops to the service user.
	printf '[general]\nuser = nobody\n' >"$T/live.conf"
	ip netns exec "$B" "$IOTMON" telescope -c "$T/live.conf" -i "$VB" --bpf 'tcp' --no-store --sources csv --duration 3 \
		>"$T/live.csv" 2>"$T/live.err" &
	lp=$!
	sleep 1.5
	ip netns exec "$A" hping3 -q -S -p 23 -s 40000 -k -a 10.99.3.1 --setseq $(((10 << 24) + (88 << 16) + (12 << 8) + 1)) -c 3 -i u1000 10.88.12.1 >/dev/null 2>&1
	ip netns exec "$A" hping3 -q -2 -p 53 -a 10.99.3.2 -c 3 -i u1000 10.88.12.2 >/dev/null 2>&1
	wait "$lp"
	check_eq "live: exit 0" 0 $?
	check_grep "live: the Mirai SYNs" '^10.99.3.1,3,.*,23:3,mirai,1.0000$' "$T/live.csv"
	check_eq "live: BPF kept UDP out" 0 "$(grep -c '^10.99.3.2,' "$T/live.csv")"

	# `iotmon run` watches the interface; stopping it flushes the window.
	mkdir -m 750 "$T/run" && chown nobody "$T/run" # written by nobody after the drop
	cat >"$T/run/iotmon.conf" <<CONF
[general]
sensor_name = telescope-test
user = nobody
[store]
path = $T/run/run.db
[telescope]
interface = $VB
flush_interval = 3600
CONF
	ip netns exec "$B" "$IOTMON" run -c "$T/run/iotmon.conf" >"$T/run/out" 2>"$T/run/err" &
	rp=$!
	if wait_for_line "$T/run/err" "service telescope running" 10; then
		ok "run: telescope service started"
	else
		not_ok "run: telescope service started" "$(cat "$T/run/err")"
	fi
	for host in 1 2 3 4 5; do
		seq=$(((10 << 24) + (88 << 16) + (13 << 8) + host))
		ip netns exec "$A" hping3 -q -S -p 23 -s 40001 -k -a 10.99.4.1 --setseq "$seq" -c 1 "10.88.13.$host" >/dev/null 2>&1 &
	done
	wait_jobs=$(jobs -p | grep -v "^$rp\$")
	for j in $wait_jobs; do wait "$j" 2>/dev/null; done
	sleep 1
	kill -TERM "$rp"
	wait "$rp"
	check_eq "run: exit 0 after SIGTERM" 0 $?
	"$IOTMON" events --db "$T/run/run.db" --kind scan --src 10.99.4.1 >"$T/run/events" 2>/dev/null
	check_eq "run: one Mirai scan event stored at stop" 1 "$(grep -c '"family":"mirai"' "$T/run/events")"
	check_grep "run: 5 probes, 5 destinations" '"packets":5,.*"destinations":5' "$T/run/events"
fi
