#!/bin/sh
# bench/scale: the central store at scale (issue 12). On the same N
# synthetic events (bench_events.h, spread over DAYS UTC days), in one run:
#   1. bare COPY into the PostgreSQL store's partitioned events table (the limit)
#   2. the PostgreSQL store's insert path (COPY -> staging -> INSERT ... ON
#      CONFLICT, observations folded), batches of BATCH
#   3. the SQLite store's insert path, same batches
#   4. one sensor -> JetStream (bench_transport publish), then the collector
#      draining that backlog -> PostgreSQL (bench_transport collect)
# then `iotmon feed` of one day on both stores (best of 3).
# A private cluster (tests/pg.sh) with durable settings (fsync on, as SQLite's
# synchronous=FULL) is started and stopped by PID.
# Usage: bench/scale/run.sh [N] [DAYS] [BATCH] [all|feed]
# "feed" loads only the two stores (2 and 3) and times the feed: the 50 M
# comparison, which needs ~35 GB of disk and no bare-COPY or NATS copies.
set -eu
cd "$(dirname "$0")/../.."
N=${1:-2000000}
DAYS=${2:-30}
BATCH=${3:-10000}
MODE=${4:-all}
STEP=$((DAYS * 86400000000 / N))
make -s all bench >/dev/null
. tests/pg.sh
W=$(mktemp -d /tmp/iotmon-scale.XXXXXX)
trap 'pg_stop; rm -rf "$W"' EXIT INT TERM
pg_start -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=256MB -c max_wal_size=8GB \
	-c checkpoint_timeout=30min >/dev/null || { echo "no PostgreSQL cluster" >&2; exit 1; }
pg_psql "CREATE DATABASE bare" && pg_psql "CREATE DATABASE store"
echo "# $N events over $DAYS days, batches of $BATCH; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$MODE" = feed ] || copy=$(build/release/bench/bench_scale copy "$(pg_url bare)" "$N" "$BATCH" "$STEP")
[ "$MODE" = feed ] || echo "$copy"
pg=$(build/release/bench/bench_scale store "$(pg_url store)" "$N" "$BATCH" "$STEP")
echo "$pg"
sq=$(build/release/bench/bench_scale store "$W/s.db" "$N" "$BATCH" "$STEP")
echo "$sq"
rate() { echo "$1" | sed -n 's/.*= \([0-9]*\) \(rows\|events\)\/s.*/\1/p'; }
[ "$MODE" = feed ] || echo "$(rate "$copy") $(rate "$pg") $(rate "$sq")" |
	awk '{printf "ratios: PostgreSQL store / bare COPY %.2f, SQLite store / bare COPY %.2f, PostgreSQL / SQLite %.2f\n", $2/$1, $3/$1, $2/$3}'
# --- sensors -> JetStream -> collector -> PostgreSQL (bench_transport): one
# publishing sensor fills a local JetStream stream (acknowledged), then the
# collector drains the backlog into a third database.
if [ "$MODE" != feed ] && command -v nats-server >/dev/null; then
	NP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	nats-server -a 127.0.0.1 -p "$NP" -js -sd "$W/js" >"$W/nats.log" 2>&1 &
	NS=$!
	trap 'kill $NS 2>/dev/null || true; pg_stop; rm -rf "$W"' EXIT INT TERM
	sleep 1
	pg_psql "CREATE DATABASE nats"
	pub=$(build/release/bench/bench_transport publish "nats://127.0.0.1:$NP" "$N" "$STEP")
	echo "$pub"
	col=$(build/release/bench/bench_transport collect "nats://127.0.0.1:$NP" "$(pg_url nats)" "$N")
	echo "$col"
	echo "$(rate "$copy") $(rate "$col")" | awk '{printf "ratio: JetStream -> collector -> PostgreSQL / bare COPY %.2f\n", $2/$1}'
	# the default configuration ([transport] batch = 1): one JSON message per event
	NJ=$((N < 500000 ? N : 500000))
	BENCH_BATCH=1 build/release/bench/bench_transport publish "nats://127.0.0.1:$NP" "$NJ" "$STEP"
	# accept -> commit while a sensor publishes 50 k events/s for 10 s (target p99 < 2 s)
	pg_psql "CREATE DATABASE latency"
	build/release/bench/bench_transport latency "nats://127.0.0.1:$NP" "$(pg_url latency)" 50000 10
	kill "$NS"
	wait "$NS" 2>/dev/null || true
fi

# The feed of one day in the middle, through the CLI (every network, CSV).
D=$(date -u -d "@$((1740787200 + DAYS / 2 * 86400))" +%Y-%m-%d)
best() { # best of 3 wall-clock seconds of "$@"
	b=""
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >"$W/feed.out"
		e=$(date +%s.%N)
		b=$(echo "$s $e ${b:-999999}" | awk '{t=$2-$1; print (t < $3 ? t : $3)}')
	done
	echo "$b"
}
tp=$(best ./iotmon feed -q --db "$(pg_url store)" --date "$D" --network 0)
cp "$W/feed.out" "$W/feed.pg"
ts=$(best ./iotmon feed -q --db "$W/s.db" --date "$D" --network 0)
rows=$(($(wc -l <"$W/feed.out") - 1))
if cmp -s "$W/feed.out" "$W/feed.pg"; then same="byte-identical"; else same="DIFFERENT"; fi
echo "$tp $ts" | awk -v d="$D" -v r="$rows" -v s="$same" \
	'{printf "feed of %s (%d rows, %s): PostgreSQL %.2f s, SQLite %.2f s, ratio %.2f\n", d, r, s, $1, $2, $1/$2}'
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL data $(du -sh "$PG_DIR/data" | cut -f1), SQLite $(du -sh "$W/s.db" | cut -f1)"
