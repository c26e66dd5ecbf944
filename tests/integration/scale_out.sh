#!/bin/sh
# Many sensors, one store, nothing lost or doubled (issue 12): two honeypots
# publish through their own NATS leaf node to a hub whose stream sources both
# leaves; `iotmon collect` stores the hub's stream. Under login load we
# kill -9 the collector, stop the hub for 20 s, kill -9 a leaf; at the end
# every event each honeypot counted as accepted is in the store exactly once.
# Then: a three-node hub cluster (replicas 3) losing a node under load; a
# garbage message goes to the dead-letter stream; a store that refuses us is
# one error line and exit 1. Every server runs on loopback, stopped by PID.
# Against PostgreSQL too when IOTMON_TEST_PG is set (tests/pg.sh).
. "$(dirname "$0")/../lib.sh"

if ! command -v nats-server >/dev/null; then
	echo "ok - scale_out # SKIP nats-server not installed"
	exit 0
fi

ROOT_USER=""
[ "$(id -u)" = 0 ] && ROOT_USER="user = nobody"
# The honeypot child opens its Cowrie log in $T after dropping to nobody.
[ "$(id -u)" = 0 ] && chmod 711 "$T"
. "$ROOT/tests/pg.sh"
# The central store: PostgreSQL when tests/run.sh provides a cluster (the
# deployment's store), else SQLite; the cluster part below always uses SQLite.
DB_URL=$T/central.db
if [ -n "${IOTMON_TEST_PG:-}" ]; then
	pg_test_db DB_URL scale_out
fi
echo "# central store: $DB_URL"

# --- the example configurations are valid ---
for f in hub leaf hub-cluster; do
	check_cmd "etc/nats/$f.conf is a valid nats-server configuration" nats-server -c "$ROOT/etc/nats/$f.conf" -t
done

# ns_start NAME CONFIG: starts nats-server NAME (pid in $T/NAME.pid) and waits until it serves.
ns_start() {
	nats-server -c "$2" >"$T/$1.log" 2>&1 &
	echo $! >"$T/$1.pid"
	at_exit "kill -9 $! 2>/dev/null"
	wait_for_line "$T/$1.log" "Server is ready" 20 || not_ok "$1 starts" "$(tail -5 "$T/$1.log")"
}
ns_kill() { # ns_kill NAME SIGNAL
	kill "-$2" "$(cat "$T/$1.pid")"
	wait "$(cat "$T/$1.pid")" 2>/dev/null
}

# Configurations derived from the shipped examples: only ports, folders
# and the hub's address change.
HUB_PORT=$(free_port)
HUB_LEAF=$(free_port)
sed -e "s|^listen: 127.0.0.1:4222|listen: 127.0.0.1:$HUB_PORT|" -e "s|store_dir: .*|store_dir: \"$T/js-hub\"|" \
	-e "s|listen: 0.0.0.0:7422|listen: 127.0.0.1:$HUB_LEAF|" -e "s|^# http: .*|http: 127.0.0.1:$(free_port)|" \
	"$ROOT/etc/nats/hub.conf" >"$T/hub.conf"
leaf_conf() { # leaf_conf NAME PORT HUB-LEAF-URLS
	sed -e "s|leaf-a|$1|g" -e "s|^listen: 127.0.0.1:4222|listen: 127.0.0.1:$2|" \
		-e "s|store_dir: .*|store_dir: \"$T/js-$1\"|" -e "s|urls: .*|urls: [$3]|" -e "s|^server_name: .*|&\nhttp: 127.0.0.1:$(free_port)|" \
		"$ROOT/etc/nats/leaf.conf" >"$T/$1.conf"
}
LA_PORT=$(free_port)
LB_PORT=$(free_port)
leaf_conf leaf-a "$LA_PORT" "\"nats-leaf://127.0.0.1:$HUB_LEAF\""
leaf_conf leaf-b "$LB_PORT" "\"nats-leaf://127.0.0.1:$HUB_LEAF\""

ns_start hub "$T/hub.conf"
ns_start leaf-a "$T/leaf-a.conf"
ns_start leaf-b "$T/leaf-b.conf"

# hp_start NAME SENSOR NATS-URL [BATCH]: a honeypot publishing to its leaf,
# each event its own JSON message, or BATCH events per batch message.
hp_start() {
	port=$(free_port)
	cat >"$T/$1.conf" <<CONF
[general]
data_dir = $ROOT/data
sensor_name = $2
$ROOT_USER
[transport]
nats = $3
ack_timeout_ms = 2000
batch = ${4:-1}
CONF
	"$IOTMON" honeypot -c "$T/$1.conf" --telnet "127.0.0.1:$port" --http '' \
		--cowrie-log "$T/$1.cowrie.json" 2>"$T/$1.err" &
	echo $! >"$T/$1.pid"
	echo "$port" >"$T/$1.port"
	at_exit "kill -9 $! 2>/dev/null"
	wait_for_line "$T/$1.err" ready 20 || not_ok "$1 ready" "$(cat "$T/$1.err")"
}
hp_stop() { # hp_stop NAME: SIGTERM; exit status in $T/NAME.exit
	kill -TERM "$(cat "$T/$1.pid")"
	wait "$(cat "$T/$1.pid")"
	echo $? >"$T/$1.exit"
}
# accepted NAME: the events the honeypot counted as accepted (its last line).
accepted() { sed -n 's/.*stopped: \([0-9]*\) events accepted.*/\1/p' "$T/$1.err" | tail -1; }

# co_start NAME NATS-URL [CONFIG-LINES...]: the collector.
CO_METRICS=$(free_port)
co_start() {
	name=$1
	url=$2
	shift 2
	{
		echo "[general]"
		echo "data_dir = $ROOT/data"
		echo "[transport]"
		echo "nats = $url"
		echo "[collector]"
		echo "ack_wait_s = 5"
		echo "batch = 500"
		echo "metrics_listen = 127.0.0.1:$CO_METRICS"
		for line in "$@"; do echo "$line"; done
	} >"$T/$name.conf"
	"$IOTMON" collect -c "$T/$name.conf" --db "${CO_DB:-$DB_URL}" 2>>"$T/$name.err" &
	echo $! >"$T/$name.pid"
	at_exit "kill -9 $! 2>/dev/null"
}
co_wait_ready() { # co_wait_ready NAME NTH: the NTH "ready" line
	i=0
	while [ "$(grep -c ready "$T/$1.err" 2>/dev/null)" -lt "$2" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 300 ] || not_ok "$1 ready" "$(tail -5 "$T/$1.err")"
}

# stored SENSOR: events of SENSOR in the store, and distinct identities.
stored() {
	"$IOTMON" events --db "$DB_URL" 2>/dev/null | $PY -c '
import json, sys
n, ids = 0, set()
for line in sys.stdin:
    e = json.loads(line)
    if e["sensor"] == sys.argv[1]:
        n += 1
        ids.add(line)
print(n, len(ids))' "$1"
}
# cowrie_logins NAME: login attempts the honeypot logged on its own.
cowrie_logins() { grep -c '"eventid": *"cowrie.login' "$T/$1.cowrie.json"; }

co_start collector "nats://127.0.0.1:$HUB_PORT" "sources = leaf-a, leaf-b"
co_wait_ready collector 1
hp_start hpa hp-a "nats://127.0.0.1:$LA_PORT"
hp_start hpb hp-b "nats://127.0.0.1:$LB_PORT" 128

# --- load, and every fault during it ---
$PY "$ROOT/tests/hp_load.py" 40 30 "127.0.0.1:$(cat "$T/hpa.port")" "127.0.0.1:$(cat "$T/hpb.port")" >"$T/load.out" 2>&1 &
LOAD=$!
# What each sensor puts on the wire: hp-a (batch = 1) one JSON event per
# message with its identity as Nats-Msg-Id; hp-b (batch = 128) batch messages.
$PY "$ROOT/tests/nats_peek.py" "127.0.0.1:$LA_PORT" iotmon.events.hp-a 20 3.5 >"$T/peek-a" 2>&1 &
PA=$!
$PY "$ROOT/tests/nats_peek.py" "127.0.0.1:$LB_PORT" iotmon.events.hp-b 5 3.5 >"$T/peek-b" 2>&1 &
PB=$!
wait $PA $PB
check_cmd "batch = 1: each message one JSON event of its sensor, its identity the message id" $PY -c '
import json, sys, re, datetime
msgs = [json.loads(l) for l in open(sys.argv[1])]
assert len(msgs) >= 5, msgs
for m in msgs:
    ev = json.loads(m["payload"])
    assert ev["sensor"] == "hp-a", ev
    t = datetime.datetime.strptime(ev["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    us = int(t.timestamp()) * 1000000 + t.microsecond
    mid = m["headers"]["Nats-Msg-Id"]
    assert re.fullmatch(r"%d-[0-9]+" % us, mid), (mid, ev["time"])
assert len({m["headers"]["Nats-Msg-Id"] for m in msgs}) == len(msgs)
' "$T/peek-a"
check_cmd "batch = 128: batch messages, id = first identity + count" $PY -c '
import json, sys, re
msgs = [json.loads(l) for l in open(sys.argv[1])]
assert msgs and all(m["payload"].startswith("IB") and re.fullmatch(r"[0-9]+-[0-9]+\+[0-9]+", m["headers"]["Nats-Msg-Id"]) for m in msgs), msgs[:2]
' "$T/peek-b"
kill -9 "$(cat "$T/collector.pid")"
wait "$(cat "$T/collector.pid")" 2>/dev/null
sleep 1
co_start collector "nats://127.0.0.1:$HUB_PORT" "sources = leaf-a, leaf-b"
co_wait_ready collector 2
sleep 2
ns_kill hub TERM
echo "hub down at $(date +%s)" >>"$T/timeline"
sleep 21
ns_start hub "$T/hub.conf"
echo "hub up at $(date +%s)" >>"$T/timeline"
sleep 3
ns_kill leaf-a KILL
sleep 2
ns_start leaf-a "$T/leaf-a.conf"
wait $LOAD
cat "$T/load.out"
tries=$(awk '{s += $3} END {print s}' "$T/load.out")
fails=$(awk '{s += $5} END {print s}' "$T/load.out")
check_cmd "login load ran (>= 1200 tries, got $tries)" test "$tries" -ge 1200
# A kill -9'd leaf stalls its honeypot's publishing, never its listeners.
check_cmd "honeypots kept accepting through every fault ($fails of $tries failed)" test "$fails" -le $((tries / 100))

hp_stop hpa
hp_stop hpb
ACC_A=$(accepted hpa)
ACC_B=$(accepted hpb)
check_eq "honeypot hp-a exit status" 0 "$(cat "$T/hpa.exit")"
check_eq "honeypot hp-b exit status" 0 "$(cat "$T/hpb.exit")"
# wait until the collector has caught up (the hub sources the leaves' backlog)
i=0
while [ $i -lt 90 ]; do
	[ "$(stored hp-a)" = "$ACC_A $ACC_A" ] && [ "$(stored hp-b)" = "$ACC_B $ACC_B" ] && break
	sleep 1
	i=$((i + 1))
done
# stream_counts NAME...: messages per stream of each server (monitoring port), for failures.
stream_counts() {
	for n in "$@"; do
		port=$(sed -n 's/^http: 127.0.0.1:\([0-9]*\)/\1/p' "$T/$n.conf")
		curl -s "http://127.0.0.1:$port/jsz?streams=true" | $PY -c 'import json, sys
d = json.load(sys.stdin)
print(sys.argv[1], " ".join("%s=%s" % (s["name"], s["state"]["messages"]) for a in d.get("account_details", []) for s in a.get("stream_detail", [])))' "$n"
	done
}
[ "$(stored hp-a)" = "$ACC_A $ACC_A" ] && [ "$(stored hp-b)" = "$ACC_B $ACC_B" ] || stream_counts hub leaf-a leaf-b | sed 's/^/# /'
check_eq "hp-a: every accepted event stored exactly once" "$ACC_A $ACC_A" "$(stored hp-a)"
check_eq "hp-b: every accepted event stored exactly once" "$ACC_B $ACC_B" "$(stored hp-b)"
for s in a b; do
	check_eq "hp-$s: logins stored = logins in its own Cowrie log" "$(cowrie_logins hp$s)" \
		"$("$IOTMON" events --db "$DB_URL" --kind login 2>/dev/null | grep -c "\"sensor\":\"hp-$s\"")"
done
curl -s "http://127.0.0.1:$CO_METRICS/metrics" >"$T/metrics.txt"
check_grep "collector /metrics: stored counter" "^iotmon_collector_stored_total [1-9]" "$T/metrics.txt"
check_grep "collector /metrics: lag gauge" "^iotmon_collector_lag " "$T/metrics.txt"

# --- dead letter: a message that is not an event never blocks the stream ---
$PY - "$LB_PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.recv(4096)
body = b"this is not an event {"
s.sendall(b'CONNECT {"verbose":false}\r\nPUB iotmon.events.hp-b %d\r\n%s\r\nPING\r\n' % (len(body), body))
buf = b""
while b"PONG" not in buf:
    buf += s.recv(4096)
PY
i=0
while [ $i -lt 100 ] && ! curl -s "http://127.0.0.1:$CO_METRICS/metrics" | grep -q '^iotmon_collector_dead_letters_total [1-9]'; do
	sleep 0.2
	i=$((i + 1))
done
curl -s "http://127.0.0.1:$CO_METRICS/metrics" >"$T/metrics.txt"
check_grep "garbage message counted as a dead letter" '^iotmon_collector_dead_letters_total [1-9]' "$T/metrics.txt"
check_grep "dead letter logged with its subject" "iotmon.events.hp-b is not an event" "$T/collector.err"

kill -TERM "$(cat "$T/collector.pid")"
wait "$(cat "$T/collector.pid")"
check_eq "collector: SIGTERM exits 0" 0 "$?"
for n in leaf-a leaf-b hub; do ns_kill "$n" TERM; done

# --- a three-node hub cluster (replicas 3) loses a node under load ---
DB_URL=$T/cluster.db
C1=$(free_port) C2=$(free_port) C3=$(free_port)
R1=$(free_port) R2=$(free_port) R3=$(free_port)
L1=$(free_port) L2=$(free_port) L3=$(free_port)
node_conf() { # node_conf N CLIENT ROUTE LEAF
	sed -e "s|hub-1|hub-$1|" -e "s|^listen: 127.0.0.1:4222|listen: 127.0.0.1:$2|" \
		-e "s|store_dir: .*|store_dir: \"$T/js-hub-$1\"|" -e "s|listen: 0.0.0.0:6222|listen: 127.0.0.1:$3|" \
		-e "s|listen: 0.0.0.0:7422|listen: 127.0.0.1:$4|" \
		-e "s|nats-route://hub-1.example.org:6222|nats-route://127.0.0.1:$R1|" \
		-e "s|nats-route://hub-2.example.org:6222|nats-route://127.0.0.1:$R2|" \
		-e "s|nats-route://hub-3.example.org:6222|nats-route://127.0.0.1:$R3|" \
		"$ROOT/etc/nats/hub-cluster.conf" >"$T/hub-$1.conf"
}
node_conf 1 "$C1" "$R1" "$L1"
node_conf 2 "$C2" "$R2" "$L2"
node_conf 3 "$C3" "$R3" "$L3"
ns_start hub-1 "$T/hub-1.conf"
ns_start hub-2 "$T/hub-2.conf"
ns_start hub-3 "$T/hub-3.conf"
LC_PORT=$(free_port)
leaf_conf leaf-c "$LC_PORT" "\"nats-leaf://127.0.0.1:$L1\", \"nats-leaf://127.0.0.1:$L2\", \"nats-leaf://127.0.0.1:$L3\""
ns_start leaf-c "$T/leaf-c.conf"
co_start cluster "nats://127.0.0.1:$C1,nats://127.0.0.1:$C2,nats://127.0.0.1:$C3" "sources = leaf-c" \
	"[transport]" "replicas = 3"
co_wait_ready cluster 1
hp_start hpc hp-c "nats://127.0.0.1:$LC_PORT"
$PY "$ROOT/tests/hp_load.py" 15 30 "127.0.0.1:$(cat "$T/hpc.port")" >"$T/load-c.out" 2>&1 &
LOAD=$!
# The store refuses writes for 13 s (longer than SQLite's 10 s busy wait):
# the collector must back off without acknowledging, then resume.
$PY -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
time.sleep(13)
c.execute("ROLLBACK")' "$DB_URL" &
LOCK=$!
sleep 5
ns_kill hub-2 TERM
wait $LOAD
hp_stop hpc
ACC_C=$(accepted hpc)
i=0
while [ $i -lt 60 ] && [ "$(stored hp-c)" != "$ACC_C $ACC_C" ]; do
	sleep 1
	i=$((i + 1))
done
check_cmd "cluster: load ran ($ACC_C events accepted)" test "$ACC_C" -gt 500
check_eq "cluster: one node stopped, every accepted event stored exactly once" "$ACC_C $ACC_C" "$(stored hp-c)"
wait $LOCK
check_grep "store refusing: the collector backs off without acknowledging" "store refused a batch.*nothing acknowledged" "$T/cluster.err"
check_grep "store back: the collector resumes" "store accepts batches again" "$T/cluster.err"
kill -TERM "$(cat "$T/cluster.pid")"
wait "$(cat "$T/cluster.pid")"
for n in leaf-c hub-1 hub-3; do ns_kill "$n" TERM; done

# --- a store that refuses the collector: one clear line, exit 1 ---
: >"$T/notadir"
"$IOTMON" collect --nats "nats://127.0.0.1:$C1" --db "$T/notadir/x.db" >"$T/refuse.out" 2>"$T/refuse.err"
check_eq "unusable store: exit 1" 1 "$?"
check_eq "unusable store: one error line" 1 "$(grep -c error "$T/refuse.err")"
if [ -n "${IOTMON_TEST_PG:-}" ]; then
	"$IOTMON" collect --nats "nats://127.0.0.1:$C1" --db "$(echo "$IOTMON_TEST_PG" | sed 's/iotmon:iotmon@/iotmon:wrong@/')" \
		>"$T/refuse.out" 2>"$T/refuse.err"
	check_eq "PostgreSQL, wrong password: exit 1" 1 "$?"
	check_eq "PostgreSQL, wrong password: one error line" 1 "$(grep -c error "$T/refuse.err")"
fi
