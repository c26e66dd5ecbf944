# Hostile clients against `iotmon serve`, on the release build and on the
# ASan/UBSan build when present: an empty store (every page, no sanitizer
# report), slowloris from 20 addresses of one /24 and from 20 /24s while a
# normal client keeps loading the dashboard, a token guesser, cache bypass
# by respelling page parameters, and raw request heads with NUL and control
# bytes. Clients come from 127.x.y.z source addresses (loopback only).
. "$(dirname "$0")/../lib.sh"

ATT="$PY $ROOT/tests/integration/web_attack.py"
FIX="$ROOT/tests/integration/web_fixture.py"
BINS=$IOTMON
[ -x "$ROOT/build/asan/iotmon" ] && BINS="$BINS $ROOT/build/asan/iotmon"

# The fixture store (tokens, pages with data) and an empty store.
$PY "$FIX" events >"$T/events.jsonl"
"$IOTMON" import events -q --db "$T/full.db" "$T/events.jsonl"
$PY "$FIX" enrich "$T/full.db"
: >"$T/none.jsonl"
"$IOTMON" import events -q --db "$T/empty.db" "$T/none.jsonl"
"$IOTMON" token add --db "$T/full.db" --network 64500 --name isp >"$T/tok.out"
TOKEN=$(tail -n 1 "$T/tok.out")

# start NAME BIN DB CONF-LINES...: serves DB with a [web] section made of
# the lines; sets PORT and SPID.
start() {
	name=$1 bin=$2 db=$3
	shift 3
	{
		printf '[web]\nthreads = 2\n'
		for l in "$@"; do echo "$l"; done
	} >"$T/$name.conf"
	PORT=$(free_port)
	"$bin" serve -c "$T/$name.conf" --db "$db" --listen "127.0.0.1:$PORT" 2>"$T/$name.err" &
	SPID=$!
	at_exit "kill $SPID 2>/dev/null"
	if ! wait_for_line "$T/$name.err" "serving" 20; then
		not_ok "$name: serve starts" "$(cat "$T/$name.err")"
	fi
}

# stop NAME: SIGTERM, then the server must be gone within 10 s without a
# sanitizer report.
stop() {
	kill "$SPID"
	i=0
	while kill -0 "$SPID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check_eq "$1: stops on SIGTERM" 1 "$(kill -0 "$SPID" 2>/dev/null && echo 0 || echo 1)"
	check_eq "$1: no sanitizer report" 0 "$(grep -c 'ERROR: AddressSanitizer\|runtime error' "$T/$1.err")"
}

# summary FILE EXPR: a field of the JSON summary an attack printed.
summary() { json_get "$1" "$2"; }

for BIN in $BINS; do
	B=release
	case "$BIN" in */asan/*) B=asan ;; esac

	# --- an empty store: every page answers (qsort(NULL, 0) under UBSan) ----
	start "empty-$B" "$BIN" "$T/empty.db"
	codes=""
	for p in / /countries /networks /manufacturers /families /remediation /sensors /metrics; do
		codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$p")"
	done
	check_eq "$B: every page of an empty store answers 200" " 200 200 200 200 200 200 200 200" "$codes"
	stop "empty-$B"

	# --- slowloris ------------------------------------------------------------
	# 300 connections that each send one byte of an endless header every
	# 0.5 s (the idle timeout never fires) and reconnect when closed; a
	# normal client from another /24 loads / every 0.2 s meanwhile.
	start "slow-$B" "$BIN" "$T/full.db" "request_timeout_s = 3" "timeout_s = 30" "cache_seconds = 2"
	srcs=$($PY -c 'import json; print(json.dumps(["127.0.0.%d" % i for i in range(2, 22)]))')
	$ATT slowloris "$PORT" "{\"sources\": $srcs, \"per_source\": 15, \"seconds\": 10, \"legit\": \"127.1.0.1\"}" \
		>"$T/slow1.json"
	echo "# $B, 20 addresses of one /24: $(cat "$T/slow1.json") (load $(cut -d' ' -f1 /proc/loadavg))"
	check_eq "$B slowloris from one /24: the dashboard never failed" 0 "$(summary "$T/slow1.json" 'd["legit_fail"]')"
	check_cmd "$B slowloris from one /24: dashboard p99 under 3 s ($(summary "$T/slow1.json" 'd["legit_p99"]') s)" \
		$PY -c "import sys; sys.exit(0 if '$(summary "$T/slow1.json" 'd["legit_p99"]')' != 'None' and float('$(summary "$T/slow1.json" 'd["legit_p99"]')') < 3 else 1)"
	check_cmd "$B slowloris from one /24: the prefix cap refused connections at once" \
		test "$(summary "$T/slow1.json" 'd["refused_at_once"]')" -gt 100
	check_cmd "$B slowloris from one /24: slow connections were closed by the deadline" \
		test "$(summary "$T/slow1.json" 'd["closed_later"]')" -ge 64
	check_cmd "$B slowloris: no connection lived past the 3 s deadline + 3 s ($(summary "$T/slow1.json" 'd["max_lifetime"]') s)" \
		$PY -c "import sys; sys.exit(0 if float('$(summary "$T/slow1.json" 'd["max_lifetime"]')') < 6 else 1)"

	# The same from 20 different /24s: 300 > max_connections (256), so
	# only the fair share under load keeps room for the normal client.
	srcs=$($PY -c 'import json; print(json.dumps(["127.2.%d.2" % i for i in range(1, 21)]))')
	$ATT slowloris "$PORT" "{\"sources\": $srcs, \"per_source\": 15, \"seconds\": 8, \"legit\": \"127.1.0.1\"}" \
		>"$T/slow2.json"
	echo "# $B, 20 /24s: $(cat "$T/slow2.json") (load $(cut -d' ' -f1 /proc/loadavg))"
	check_eq "$B slowloris from 20 /24s: the dashboard never failed" 0 "$(summary "$T/slow2.json" 'd["legit_fail"]')"
	check_cmd "$B slowloris from 20 /24s: dashboard p99 under 3 s ($(summary "$T/slow2.json" 'd["legit_p99"]') s)" \
		$PY -c "import sys; sys.exit(0 if '$(summary "$T/slow2.json" 'd["legit_p99"]')' != 'None' and float('$(summary "$T/slow2.json" 'd["legit_p99"]')') < 3 else 1)"
	curl -s "http://127.0.0.1:$PORT/metrics" >"$T/slow.metrics"
	check_grep "$B slowloris: /metrics counts the connections the deadline closed" \
		'^iotmon_web_refused_total{reason="deadline"} [1-9]' "$T/slow.metrics"
	check_grep "$B slowloris: /metrics counts the connections refused at once" \
		'^iotmon_web_refused_total{reason="connections"} [1-9]' "$T/slow.metrics"
	stop "slow-$B"

	# --- token guessing, cache bypass, raw heads ------------------------------
	start "guess-$B" "$BIN" "$T/full.db" "auth_failures = 5" "auth_window_s = 60" "uncached_burst = 4" \
		"uncached_per_minute = 1" "cache_seconds = 60" "cache_max_kb = 64"
	$ATT guess "$PORT" 127.0.0.5 200 /api/v1/networks >"$T/guess.json"
	echo "# $B guesser: $(cat "$T/guess.json")"
	check_eq "$B guesser: 5 failures answered 401, the other 195 guesses 429" "5 195" \
		"$(summary "$T/guess.json" 'd["codes"].get("401", 0)') $(summary "$T/guess.json" 'd["codes"].get("429", 0)')"
	check_cmd "$B guesser: 429 says when to retry ($(summary "$T/guess.json" 'd["retry_after"]') s)" \
		test "$(summary "$T/guess.json" 'd["retry_after"] or 0')" -ge 1
	check_eq "$B guesser: even a valid token is refused from that address" 429 \
		"$($ATT get "$PORT" 127.0.0.5 /api/v1/networks "$TOKEN" | cut -d' ' -f1)"
	check_eq "$B guesser: a valid token from another address works" 200 \
		"$($ATT get "$PORT" 127.0.0.6 /api/v1/networks "$TOKEN")"
	check_eq "$B guesser: a valid token from another /24 works" 200 \
		"$($ATT get "$PORT" 127.3.0.1 /api/v1/networks "$TOKEN")"

	# Cache: one page in many spellings is one computation; a budget of 4
	# uncached pages per address, then 429. (/networks: with the world map
	# installed /countries is over a quarter of cache_max_kb, never kept.)
	codes=""
	for q in "days=30&to=2025-03-20" "to=2025-03-20&days=30" "days=030&to=2025-03-20" \
		"days=%33%30&to=2025-03-20" "to=%32025-03-20&days=0030" "days=31" "days=32" "days=33" "days=34"; do
		codes="$codes $($ATT get "$PORT" 127.0.0.7 "/networks?$q" | cut -d' ' -f1)"
	done
	check_eq "$B cache: five spellings of one page cost one computation; the budget of 4 then gives 429" \
		" 200 200 200 200 200 200 200 200 429" "$codes"
	check_eq "$B cache: another address has its own budget" 200 "$($ATT get "$PORT" 127.0.0.8 "/countries?days=35")"
	codes=""
	for i in 1 2 3 4 5 6; do codes="$codes $($ATT get "$PORT" 127.0.0.7 /families | cut -d' ' -f1)"; done
	check_eq "$B cache: a page without parameters costs no budget (6 loads from an address with none left)" \
		" 200 200 200 200 200 200" "$codes"
	for i in $(seq 10 49); do $ATT get "$PORT" "127.0.4.$i" "/countries?days=$i" >/dev/null; done
	held=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^iotmon_web_cache_bytes \([0-9]*\)$/\1/p')
	check_cmd "$B cache: 40 distinct pages, the cache holds at most cache_max_kb = 64 KiB (${held:-?} bytes)" \
		test "${held:-999999}" -le 65536

	# Raw request heads: NUL and control bytes are refused with 400; plain
	# variants a tolerant client may send still work.
	R='\r\nHost: x\r\n'
	for c in "NUL in the path|GET /\x00x HTTP/1.1$R\r\n" \
		"NUL in the query|GET /?days=1\x00 HTTP/1.1$R\r\n" \
		"NUL in a header value|GET / HTTP/1.1${R}X-A: a\x00b c\r\n\r\n" \
		"NUL at the end of a header value|GET / HTTP/1.1\r\nHost: x\x00\r\n\r\n" \
		"NUL in a header name|GET / HTTP/1.1${R}X\x00A: b\r\n\r\n" \
		"NUL in the Authorization header|GET /api/v1/networks HTTP/1.1${R}Authorization: Bearer $TOKEN\x00x\r\n\r\n" \
		"control byte 0x01 in the path|GET /a\x01 HTTP/1.1$R\r\n" \
		"control byte 0x01 in a header value|GET / HTTP/1.1${R}X-A: a\x01b\r\n\r\n" \
		"DEL in a header value|GET / HTTP/1.1${R}X-A: a\x7f\r\n\r\n" \
		"a byte over 0x7e in the path|GET /\xe9 HTTP/1.1$R\r\n" \
		"a folded header line|GET / HTTP/1.1${R}X-A: a\r\n b\r\n\r\n"; do
		name=${c%%|*} req=${c#*|}
		got=$($ATT raw "$PORT" "$req")
		case "$got" in 400) ok "$B raw: $name is refused with 400" ;; *) not_ok "$B raw: $name is refused with 400" "status $got" ;; esac
	done
	for c in "bare LF line ends|GET / HTTP/1.1\nHost: x\n\n" \
		"HTTP/1.0 without Host|GET / HTTP/1.0\r\n\r\n" \
		"spaces around a header value|GET / HTTP/1.1\r\nHost:   x  \r\n\r\n" \
		"a Cookie header|GET / HTTP/1.1${R}Cookie: a=1; b=2\r\n\r\n" \
		"a valid token in raw bytes|GET /api/v1/networks HTTP/1.1${R}Authorization: Bearer $TOKEN\r\n\r\n"; do
		name=${c%%|*} req=${c#*|}
		got=$($ATT raw "$PORT" "$req")
		check_eq "$B raw: $name is served" 200 "$got"
	done
	curl -s -D "$T/405.hdr" -o /dev/null -X DELETE "http://127.0.0.1:$PORT/"
	check_grep "$B: 405 names the allowed methods" "^Allow: GET, HEAD" "$T/405.hdr"
	check_grep "$B: OPTIONS is a 405 too" "^HTTP/1.1 405" \
		"$(curl -s -D "$T/opt.hdr" -o /dev/null -X OPTIONS "http://127.0.0.1:$PORT/"; echo "$T/opt.hdr")"
	stop "guess-$B"
done
