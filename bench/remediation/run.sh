#!/bin/sh
# bench/remediation: the remediation report (by treatment) over N synthetic
# observations (default 10 M) vs. what a user would otherwise do: episodes
# in SQL with window functions (sqlite3 shell), which yields only the
# per-group duration histogram that Kaplan-Meier needs (no curve, no
# bounds, no test yet). Usage: bench/remediation/run.sh [N] [DB]
# The DB (default /tmp/iotmon-bench-remediation.db) is kept for reruns.
# Synthetic sources in 10/8 and documentation ranges: a lab (docs/addresses.md).
export IOTMON_LAB_PREFIXES=10.0.0.0/8,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24
set -eu
cd "$(dirname "$0")/../.."
N=${1:-10000000}
DB=${2:-/tmp/iotmon-bench-remediation.db}
make -s bench >/dev/null
echo "== iotmon: remediation_compute by treatment (gap 7, horizon 14)"
build/release/bench/bench_remediation "$DB" "$N"
echo "== iotmon report remediation --by treatment --format json (whole command)"
/usr/bin/time -f "iotmon report: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
	./iotmon report remediation --db "$DB" --by treatment --format json >/dev/null
echo "== sqlite3: episodes by window functions into a duration histogram"
/usr/bin/time -f "sqlite3 episodes: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
	sqlite3 "$DB" "PRAGMA mmap_size=1073741824;" "
WITH o AS (SELECT ip, CAST(julianday(day) AS INTEGER) AS d, treatment FROM observations),
f AS (SELECT ip, d, treatment,
	CASE WHEN d - lag(d) OVER (PARTITION BY ip ORDER BY d) <= 7 THEN 0 ELSE 1 END AS s FROM o),
e AS (SELECT ip, d, treatment, sum(s) OVER (PARTITION BY ip ORDER BY d ROWS UNBOUNDED PRECEDING) AS ep FROM f),
ep AS (SELECT min(treatment) AS t, min(d) AS first, max(d) AS last FROM e GROUP BY ip, ep),
m AS (SELECT CAST(julianday(max(day)) AS INTEGER) AS m FROM observations)
SELECT t, count(*), sum(m - last > 7) FROM ep, m GROUP BY t ORDER BY t;" | sed 's/^/  /'
