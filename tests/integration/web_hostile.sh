# Hostile clients against `iotmon serve`, on the release build and on the
# ASan/UBSan build when present: an empty store (every page, no sanitizer
# report).
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

done
