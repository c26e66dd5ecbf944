#!/bin/sh
# bench/honeypot/import.sh - `iotmon import cowrie` throughput on a large
# synthetic log built from the real ones (default 200 MB), against what a
# user would otherwise run over the same file: Python's json module, and
# jq when installed; and the importer without the store (bench_cowrie_parse,
# make bench) to tell parsing from store writes. Usage: bench/honeypot/import.sh [SIZE_MB]
# Synthetic sources in 10/8 and documentation ranges: a lab (docs/addresses.md).
export IOTMON_LAB_PREFIXES=10.0.0.0/8,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SIZE=${1:-200}
LOGS=${IOTMON_SHARED:-$ROOT/../shared}/data/cowrie
[ -d "$LOGS" ] || { echo "no real logs in $LOGS"; exit 1; }
W=$(mktemp -d /tmp/iotmon-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
python3 "$ROOT/bench/honeypot/gen_cowrie.py" "$W/big.json" "$SIZE" "$LOGS"/*.json
bytes=$(stat -c %s "$W/big.json")
cat "$W/big.json" >/dev/null # warm the page cache for every contender

rate() { python3 -c "import sys; b,s=float(sys.argv[1]),float(sys.argv[2]); print('%.2f s, %.1f MB/s' % (s, b/s/1e6))" "$1" "$2"; }
t() { s=$(date +%s.%N); "$@" >/dev/null 2>"$W/t.err"; e=$(date +%s.%N); python3 -c "print($e-$s)"; }

"$ROOT/build/release/bench/bench_cowrie_parse" "$W/big.json"
s=$(t "$ROOT/iotmon" import cowrie --db "$W/a.db" "$W/big.json")
echo "iotmon import cowrie (new store): $(rate "$bytes" "$s"); $(tail -1 "$W/t.err" | sed 's/^iotmon: info: //')"
s=$(t "$ROOT/iotmon" import cowrie --db "$W/a.db" "$W/big.json")
echo "iotmon import cowrie (again, all duplicates): $(rate "$bytes" "$s")"
s=$(t python3 -c 'import json,sys
n=0
for l in open(sys.argv[1]): json.loads(l); n+=1' "$W/big.json")
echo "python3 json.loads per line (parse only): $(rate "$bytes" "$s")"
if command -v jq >/dev/null 2>&1; then
	s=$(t jq -c 'select(.eventid=="cowrie.login.failed" or .eventid=="cowrie.login.success")' "$W/big.json")
	echo "jq select logins (parse only): $(rate "$bytes" "$s")"
fi
