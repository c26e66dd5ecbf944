#!/bin/sh
# bench/store: 1 M synthetic events into SQLite through iotmon's store (with
# its indexes, dedup key and observation upkeep) vs. what a user would do
# otherwise: the sqlite3 shell's .import of the same rows as CSV into a bare
# table (no indexes). Usage: bench/store/run.sh [N]
# Synthetic sources in 10/8 and documentation ranges: a lab (docs/addresses.md).
export IOTMON_LAB_PREFIXES=10.0.0.0/8,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24
set -eu
cd "$(dirname "$0")/../.."
N=${1:-1000000}
make -s bench >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
echo "== iotmon store, batches of 10000 (synchronous=FULL, WAL)"
ours=$(build/release/bench/bench_store "$W/s.db" "$N" 10000)
echo "$ours"
echo "== sqlite3 .import of the same $N rows as CSV into a table without indexes"
/usr/bin/python3 - "$N" >"$W/rows.csv" <<'PY'
import sys
n = int(sys.argv[1])
u = ["root", "admin", "support", "guest", "user"]; p = ["xc3511", "vizxv", "admin", "888888", "default", "1234"]
w = sys.stdout.write
for i in range(n):
    src = 0x0a000000 + (i // 16 * 2654435761) % 200000
    w("%d,bench,%s,mirai,10.%d.%d.%d,%d,192.0.2.5,23,tcp,%012x,%d,%s,%s,%d\n" % (
        1740787200000000 + i * 1000, "command" if i % 4 == 0 else "login", src >> 16 & 255, src >> 8 & 255,
        src & 255, 1024 + i % 60000, i // 16, i % 16, u[i % 5], p[i % 6], i % 2))
PY
start=$(date +%s.%N)
sqlite3 "$W/plain.db" "CREATE TABLE e(time_us,sensor,kind,family,src_ip,src_port,dst_ip,dst_port,transport,session,seq,username,password,success);" \
	".mode csv" ".import $W/rows.csv e"
end=$(date +%s.%N)
echo "$N $start $end" | awk '{t=$3-$2; printf "sqlite3 .import: %d rows in %.2f s = %.0f rows/s\n", $1, t, $1/t}'
ours_rate=$(echo "$ours" | sed -n 's/.*= \([0-9]*\) events.*/\1/p')
echo "$N $start $end $ours_rate" | awk '{printf "ratio iotmon/sqlite3-import: %.2f\n", $4/($1/($3-$2))}'
