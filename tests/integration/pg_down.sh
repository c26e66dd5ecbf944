#!/bin/sh
# The central PostgreSQL goes down while sensors keep publishing (issue 12):
# a honeypot publishes to JetStream under login load, `iotmon collect` stores
# into a private PostgreSQL cluster; we stop the cluster (pg_ctl stop -m fast)
# for 10 s and start it again. The collector must say so in one clear line,
# acknowledge nothing while the store is away, retry with backoff, reconnect,
# and at the end hold every event the honeypot accepted exactly once.
# Servers on loopback, stopped by PID; the cluster is this test's own (not
# the shared $IOTMON_TEST_PG of tests/run.sh).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pg.sh"

if ! command -v nats-server >/dev/null || ! pg_available; then
	echo "ok - pg_down # SKIP nats-server or PostgreSQL not installed"
	exit 0
fi
ROOT_USER=""
[ "$(id -u)" = 0 ] && ROOT_USER="user = nobody"
[ "$(id -u)" = 0 ] && chmod 711 "$T"

pg_start >/dev/null || {
	not_ok "private PostgreSQL cluster starts"
	exit 0
}
at_exit pg_stop
pg_psql "CREATE DATABASE central"
DB_URL=$(pg_url central)
# pg_ctl as the cluster's owner, with the options pg_start gave it.
pg_ctl_as_owner() {
	_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 "$@" >/dev/null
}

NP=$(free_port)
nats-server -a 127.0.0.1 -p "$NP" -js -sd "$T/js" >"$T/nats.log" 2>&1 &
NS=$!
at_exit "kill -9 $NS 2>/dev/null"
wait_for_line "$T/nats.log" "Server is ready" 20 || not_ok "nats-server starts" "$(tail -5 "$T/nats.log")"

MP=$(free_port)
cat >"$T/collector.conf" <<CONF
[general]
data_dir = $ROOT/data
[transport]
nats = nats://127.0.0.1:$NP
[collector]
ack_wait_s = 5
batch = 500
metrics_listen = 127.0.0.1:$MP
CONF
"$IOTMON" collect -c "$T/collector.conf" --db "$DB_URL" 2>"$T/collector.err" &
CO=$!
at_exit "kill -9 $CO 2>/dev/null"
wait_for_line "$T/collector.err" ready 20 || not_ok "collector ready" "$(tail -5 "$T/collector.err")"

HP_PORT=$(free_port)
cat >"$T/hp.conf" <<CONF
[general]
data_dir = $ROOT/data
sensor_name = hp-down
$ROOT_USER
[transport]
nats = nats://127.0.0.1:$NP
CONF
"$IOTMON" honeypot -c "$T/hp.conf" --telnet "127.0.0.1:$HP_PORT" --http '' --cowrie-log "$T/hp.cowrie.json" \
	2>"$T/hp.err" &
HP=$!
at_exit "kill -9 $HP 2>/dev/null"
wait_for_line "$T/hp.err" ready 20 || not_ok "honeypot ready" "$(cat "$T/hp.err")"

metric() { curl -s "http://127.0.0.1:$MP/metrics" | sed -n "s/^$1 \([0-9]*\).*/\1/p"; }

$PY "$ROOT/tests/hp_load.py" 18 30 "127.0.0.1:$HP_PORT" >"$T/load.out" 2>&1 &
LOAD=$!
sleep 4
pg_ctl_as_owner stop -m fast
check_exit "PostgreSQL stopped mid-run" 3 _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status
# Let the collector fail once, then watch that nothing gets stored meanwhile.
wait_for_line "$T/collector.err" "store refused a batch" 15
s1=$(metric iotmon_collector_stored_total)
sleep 5
s2=$(metric iotmon_collector_stored_total)
check_grep "store down: one clear line, nothing acknowledged" "store refused a batch.*nothing acknowledged" \
	"$T/collector.err"
check_eq "store down: no event counted as stored meanwhile" "$s1" "$s2"
check_cmd "store down: failures counted on /metrics" test "$(metric iotmon_collector_store_failures_total)" -ge 1
check_eq "store down: logged at most once per 10 s" 1 "$(grep -c "store refused a batch" "$T/collector.err")"
pg_ctl_as_owner start -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off \
	-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
wait $LOAD
cat "$T/load.out"
tries=$(awk '{s += $3} END {print s}' "$T/load.out")
check_cmd "login load ran (>= 300 tries, got $tries)" test "$tries" -ge 300

kill -TERM "$HP"
wait "$HP"
check_eq "honeypot exit status" 0 "$?"
ACC=$(sed -n 's/.*stopped: \([0-9]*\) events accepted.*/\1/p' "$T/hp.err" | tail -1)
# stored: events of the sensor in the store, and distinct identities.
stored() {
	"$IOTMON" events --db "$DB_URL" 2>/dev/null | $PY -c '
import json, sys
n, ids = 0, set()
for line in sys.stdin:
    e = json.loads(line)
    if e["sensor"] == "hp-down":
        n += 1
        ids.add(line)
print(n, len(ids))'
}
i=0
while [ $i -lt 60 ] && [ "$(stored)" != "$ACC $ACC" ]; do
	sleep 1
	i=$((i + 1))
done
check_cmd "honeypot accepted events ($ACC)" test "${ACC:-0}" -gt 300
check_eq "store back: every accepted event stored exactly once" "$ACC $ACC" "$(stored)"
check_grep "store back: the collector reconnects and resumes" "store accepts batches again" "$T/collector.err"
kill -TERM "$CO"
wait "$CO"
check_eq "collector: SIGTERM exits 0" 0 "$?"
