#!/bin/sh
# bench/web: requests per second of `iotmon serve` on loopback, measured with
# wrk (Debian), for the overview page (from the page cache, and recomputed on
# every request), the countries page, the per-network infections API and the
# feed API (against starting `iotmon feed` per request); the
# baseline is what a user could do without iotmon's server: render the page
# once and let busybox httpd serve the static file.
#
# Usage: bench/web/run.sh [HOSTS] [SECONDS]   (default 20000 hosts, 10 s each)
# Synthetic sources in 10/8 and documentation ranges: a lab (docs/addresses.md).
export IOTMON_LAB_PREFIXES=10.0.0.0/8,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24
set -eu
cd "$(dirname "$0")/../.."
HOSTS=${1:-20000} # 100000 gives about 1 M observations and 1 M events
DUR=${2:-10}
make -s all >/dev/null
W=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$W"' EXIT
PY=/usr/bin/python3

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "== store: $HOSTS infected hosts over 90 days, 100 networks in 10 countries"
$PY - "$HOSTS" >"$W/events.jsonl" <<'PY'
import datetime, json, random, sys
n = int(sys.argv[1]); rng = random.Random(1)
start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
for i in range(n):
    ip = "45.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)  # stored only, never contacted; not a special-purpose range (those are never devices)
    first = rng.randrange(90); last = min(89, first + rng.randrange(40))
    for d in range(first, last + 1, 2):
        t = start + datetime.timedelta(days=d, seconds=rng.randrange(86400))
        print(json.dumps({"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "sensor": "hp", "kind": "login",
                          "src_ip": ip, "dst_port": 23, "transport": "tcp", "family": "mirai",
                          "username": "root", "password": "xc3511", "success": False}))
PY
./iotmon import events -q --db "$W/db" "$W/events.jsonl"
sqlite3 "$W/db" "UPDATE observations SET asn = 64500 + (CAST(substr(ip, 4, instr(substr(ip, 4), '.') - 1) AS INTEGER) * 7 + CAST(substr(ip, length(ip) - 1) AS INTEGER)) % 100, cc = char(65 + (CAST(substr(ip, length(ip)) AS INTEGER) % 10), 76), as_name = 'bench network';"
echo "observations: $(sqlite3 "$W/db" 'SELECT count(*) FROM observations'), token network AS64500: $(sqlite3 "$W/db" 'SELECT count(*) FROM observations WHERE asn = 64500')"
TOKEN=$(./iotmon token add --db "$W/db" --network 64500 --name bench | tail -n 1)

run_wrk() { # NAME URL [wrk args]
	name=$1 url=$2
	shift 2
	out=$(wrk -t2 -c32 -d"${DUR}s" --latency "$@" "$url" || true)
	rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
	p99=$(echo "$out" | sed -n 's/^ *99% *\(.*\)/\1/p')
	non2xx=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\)/\1/p')
	printf '%-44s %10s req/s   p99 %-8s non-2xx %s\n' "$name" "$rps" "$p99" "${non2xx:-0}"
}

serve() { # CONF -> sets PORT
	PORT=$(free_port)
	./iotmon serve -q -c "$1" --db "$W/db" --listen "127.0.0.1:$PORT" 2>"$W/serve.err" &
	PIDS="$PIDS $!"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics" && return 0
		sleep 0.2
	done
	echo "serve did not start"; cat "$W/serve.err"; exit 1
}

printf '[web]\nthreads = 2\ncache_seconds = 60\nrate_per_minute = 1000000\nburst = 1000000\nuncached_per_minute = 1000000\nuncached_burst = 1000000\n[enrich]\nfocus_countries = AL,BL\n' >"$W/cached.conf"
printf '[web]\nthreads = 2\ncache_seconds = 0\nrate_per_minute = 1000000\nburst = 1000000\nuncached_per_minute = 1000000\nuncached_burst = 1000000\n[enrich]\nfocus_countries = AL,BL\n' >"$W/nocache.conf"

echo "== wrk -t2 -c32 -d${DUR}s on loopback (2 server threads)"
serve "$W/cached.conf"
B="http://127.0.0.1:$PORT"
curl -s -o "$W/overview.html" "$B/"
echo "overview page: $(wc -c <"$W/overview.html") bytes"
run_wrk "iotmon: /robots.txt (constant: the limit)" "$B/robots.txt"
run_wrk "iotmon: overview (page cache)" "$B/"
# Each page: the first request computes (timed with curl), then wrk on the
# copy in the page cache (cache_seconds = 60). Without the first request,
# wrk's 32 connections would each start the same computation.
for u in "/countries" "/countries?period=all" "/manufacturers?period=all" "/networks?period=all" \
	"/families?period=all" "/?period=all" "/networks?cc=AL&period=90d" "/sensors"; do
	t=$(curl -s -o /dev/null -w '%{time_total}' "$B$u")
	printf '%-44s %10s s   first request (computes)\n' "iotmon: $u" "$t"
	run_wrk "iotmon: $u (then cached)" "$B$u"
done
run_wrk "iotmon: /api/v1/infections?limit=100" "$B/api/v1/infections?limit=100" -H "Authorization: Bearer $TOKEN"
run_wrk "iotmon: /api/v1/infections?limit=1000" "$B/api/v1/infections?limit=1000" -H "Authorization: Bearer $TOKEN"
DAY=2025-02-15
echo "feed of AS64500 on $DAY: $(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/feed?date=$DAY" | wc -l) JSON lines"
run_wrk "iotmon: /api/v1/feed?date=$DAY&format=json" "$B/api/v1/feed?date=$DAY&format=json" -H "Authorization: Bearer $TOKEN"
run_wrk "iotmon: /api/v1/feed?date=$DAY&format=csv" "$B/api/v1/feed?date=$DAY&format=csv" -H "Authorization: Bearer $TOKEN"
start=$(date +%s.%N)
for _ in 1 2 3 4 5 6 7 8 9 10; do ./iotmon feed -q --db "$W/db" --date "$DAY" --network 64500 --format json >/dev/null; done
end=$(date +%s.%N)
echo "$start $end" | awk '{printf "%-44s %10.2f runs/s\n", "iotmon feed (a process per request), 10 runs", 10/($2-$1)}'
serve "$W/nocache.conf"
run_wrk "iotmon: overview recomputed per request" "http://127.0.0.1:$PORT/"
SPORT=$(free_port)
mkdir -p "$W/www"
cp "$W/overview.html" "$W/www/index.html"
busybox httpd -f -p "127.0.0.1:$SPORT" -h "$W/www" &
PIDS="$PIDS $!"
sleep 0.5
run_wrk "busybox httpd: the same page as a static file" "http://127.0.0.1:$SPORT/index.html"
