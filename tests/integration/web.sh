# Dashboard and per-network API: `iotmon token`, `iotmon serve`, every page
# fetched with curl and rendered in headless Chromium (screenshots in
# build/test-artifacts/web/), figures checked against the store, no IP
# address on public pages, the isolation table, malformed queries, the rate
# limit, and the web service of `iotmon run`.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/web_helpers.sh"

ART="$ROOT/build/test-artifacts/web"
mkdir -p "$ART"
TO=2025-03-20

web_fixture population

# --- tokens ------------------------------------------------------------------
"$IOTMON" token add --db "$DB" --network 64500,AS64503 --name "NL ISP" >"$T/ta.out"
TA=$(tail -n 1 "$T/ta.out")
"$IOTMON" token add --db "$DB" --network 64501 --name "DE ISP" >"$T/tb.out"
TB=$(tail -n 1 "$T/tb.out")
"$IOTMON" token add --db "$DB" --network 64500 --name "old" >"$T/tc.out"
TC=$(tail -n 1 "$T/tc.out")
check_eq "token add prints the token alone on the last line" 1 "$(echo "$TA" | grep -c '^iotm_[0-9a-f]\{64\}$')"
check_cmd "token revoke" "$IOTMON" token revoke --db "$DB" 3
"$IOTMON" token list --db "$DB" >"$T/list.out"
check_eq "token list shows three tokens" 3 "$(wc -l <"$T/list.out")"
check_eq "token list shows the networks" "64500,64503" "$(awk -F'\t' '$1==1 {print $3}' "$T/list.out")"
check_eq "token list marks only the revoked one" "1" "$(awk -F'\t' '$5 != "-"' "$T/list.out" | wc -l)"
check_eq "the store keeps no token, only its SHA-256" "0 1" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM api_tokens WHERE hash='$TA' OR name LIKE '%${TA#iotm_}%'") $(sqlite3 "$DB" "SELECT count(*) FROM api_tokens WHERE hash='$(printf %s "$TA" | sha256sum | cut -d' ' -f1)'")"
check_exit "token add without --network is a usage error" 2 "$IOTMON" token add --db "$DB" --name x
check_exit "token add with AS 0 is a usage error" 2 "$IOTMON" token add --db "$DB" --network 0 --name x
check_exit "revoking an unknown token fails" 1 "$IOTMON" token revoke --db "$DB" 99

# --- serve -------------------------------------------------------------------
cat >"$T/web.conf" <<CONF
[enrich]
focus_countries = NL,DE
[web]
population_file = $T/population.csv
cache_seconds = 5
threads = 2
rate_per_minute = 100000
burst = 100000
CONF
web_serve "$T/web.conf" "$DB" "$T/serve.err" "serve starts"
PORT=$WEB_PORT
SPID=$WEB_PID
BASE="http://127.0.0.1:$PORT"

# fetch NAME PATH: saves the body to $ART/NAME, prints the status.
fetch() { curl -s --path-as-is -o "$ART/$1" -w '%{http_code} %{content_type}' "$BASE$2"; }
F90=2024-12-21
F30=2025-02-19
for p in "overview.html /?from=$F90&to=$TO" "countries.html /countries?from=$F30&to=$TO" \
	"networks.html /networks?from=$F30&to=$TO" "manufacturers.html /manufacturers?from=$F30&to=$TO" \
	"families.html /families?from=$F30&to=$TO" \
	"remediation.html /remediation" "sensors.html /sensors" "metrics.txt /metrics"; do
	set -- $p
	got=$(fetch "$1" "$2")
	case "$1" in
	*.html) check_eq "GET $2 is an HTML page" "200 text/html; charset=utf-8" "$got" ;;
	*) check_eq "GET $2 is Prometheus text" "200 text/plain; version=0.0.4; charset=utf-8" "$got" ;;
	esac
done
check_eq "pages use no script" 0 "$(cat "$ART"/*.html | grep -ci '<script')"
check_eq "every page credits the IP data (DB-IP link, CC BY 4.0)" "7 7" \
	"$(cat "$ART"/*.html | grep -c 'href="https://db-ip.com"') $(cat "$ART"/*.html | grep -c 'CC BY 4.0</a>')"
"$IOTMON" report remediation --db "$DB" --by network --horizon 14 --format json >"$T/remed-net.json"
"$IOTMON" report remediation --db "$DB" --horizon 14 --format json >"$T/remed-all.json"
"$IOTMON" report countries --db "$DB" --from 2025-02-19 --to "$TO" --population "$T/population.csv" --format json >"$T/countries.json"
$PY "$ROOT/tests/integration/web_pages.py" "$DB" "$ART" "$TO" "$T/population.csv" "$T/remed-net.json" "$T/remed-all.json" "$T/countries.json"

# Every page rendered by Chromium; a blank or failed render is a small file.
for p in "overview /?to=$TO" "countries /countries?to=$TO" "networks /networks?to=$TO" \
	"manufacturers /manufacturers?to=$TO" "families /families?to=$TO" "remediation /remediation" \
	"sensors /sensors"; do
	set -- $p
	rm -f "$ART/$1.png"
	timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$T/chromium.XXXXXX")" --window-size=1200,1400 \
		--screenshot="$ART/$1.png" "$BASE$2" >/dev/null 2>&1
	size=$(stat -c %s "$ART/$1.png" 2>/dev/null || echo 0)
	if [ "$size" -gt 20000 ]; then ok "Chromium renders $2 ($size bytes)"; else not_ok "Chromium renders $2" "screenshot of $size bytes"; fi
done
timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$(mktemp -d "$T/chromium.XXXXXX")" --dump-dom "$BASE/?to=$TO" >"$T/dom.html" 2>/dev/null
check_grep "Chromium's DOM has the chart and the figure" 'id="focus-last-day"' "$T/dom.html"
check_grep "Chromium's DOM has the SVG chart" '<svg' "$T/dom.html"

# --- malformed queries: 400 with a JSON message ---------------------------------
for u in "/?days=0" "/?days=abc" "/?to=2025-02-30" "/?to=2025-03-20&to=2025-03-21" "/countries?x=1" \
	"/sensors?minutes=99999" "/?days=%" "/?days=1%00" "/networks?to=2025-03-20&" "/?=1" \
	"/api/v1/infections?limit=0" "/api/v1/infections?date=yesterday"; do
	code=$(curl -s --path-as-is -o "$T/bad.json" -w '%{http_code}' -H "Authorization: Bearer $TA" "$BASE$u")
	msg=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["error"]["status"], bool(d["error"]["message"]))' "$T/bad.json" 2>&1)
	check_eq "malformed query $u gives 400 with a message" "400 400 True" "$code $msg"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 "$BASE/")
check_eq "POST is 405" 405 "$code"

# --- the API and the isolation table -------------------------------------------
sqlite3 "$DB" "SELECT DISTINCT ip FROM observations WHERE asn NOT IN (64500, 64503) OR asn IS NULL" >"$T/foreign.txt"
sqlite3 "$DB" "SELECT DISTINCT ip FROM observations" >"$T/all-ips.txt"
check_eq "the fixture has other networks' addresses to leak" 1 "$([ "$(wc -l <"$T/foreign.txt")" -gt 10 ] && echo 1)"

# api NAME STATUS AUTH PATH: the status must match and the body must not hold
# an address outside the token's networks (none at all unless 200).
api() {
	name=$1 want=$2 auth=$3 path=$4
	if [ -n "$auth" ]; then
		code=$(curl -s --path-as-is -o "$T/api.out" -w '%{http_code}' -H "Authorization: $auth" "$BASE$path")
	else
		code=$(curl -s --path-as-is -o "$T/api.out" -w '%{http_code}' "$BASE$path")
	fi
	leak=$(grep -F -o -f "$T/foreign.txt" "$T/api.out" | head -3 | tr '\n' ' ')
	[ "$want" = 200 ] || leak="$leak$(grep -F -o -f "$T/all-ips.txt" "$T/api.out" | head -3 | tr '\n' ' ')"
	if [ "$code" = "$want" ] && [ -z "$leak" ]; then ok "isolation: $name ($code)"; else not_ok "isolation: $name" "status $code (wanted $want), leaked: $leak" "$(head -c 300 "$T/api.out")"; fi
}
FORGED="iotm_$(printf '%064d' 0)"
UPPER=$(echo "$TA" | tr a-f A-F)
I=/api/v1/infections
api "no token" 401 "" "$I"
api "empty bearer" 401 "Bearer " "$I"
api "forged token of the right shape" 401 "Bearer $FORGED" "$I"
api "the token's hash instead of the token" 401 "Bearer $(printf %s "$TA" | sha256sum | cut -d' ' -f1)" "$I"
api "token in upper case" 401 "Bearer $UPPER" "$I"
api "token with a trailing byte" 401 "Bearer ${TA}0" "$I"
api "two tokens in one header" 401 "Bearer $TA, Bearer $TB" "$I"
api "Basic scheme" 401 "Basic $TA" "$I"
api "revoked token" 401 "Bearer $TC" "$I"
api "scheme in lower case (RFC 7235)" 200 "bearer $TA" "$I?limit=1000"
api "own networks" 200 "Bearer $TA" "$I?limit=1000"
api "own network named" 200 "Bearer $TA" "$I?network=64500&limit=1000"
api "other network named" 403 "Bearer $TA" "$I?network=64501"
api "other network as AS64501" 403 "Bearer $TA" "$I?network=AS64501"
api "other network as as64501" 403 "Bearer $TA" "$I?network=as64501"
api "other network percent-encoded" 403 "Bearer $TA" "$I?network=%36%34%35%30%31"
api "two networks in one value" 400 "Bearer $TA" "$I?network=64500%2C64501"
api "network given twice" 400 "Bearer $TA" "$I?network=64500&network=64501"
api "network key in upper case" 400 "Bearer $TA" "$I?Network=64501"
api "encoded '=' in the key" 400 "Bearer $TA" "$I?network%3D64501"
api "unknown parameter asn" 400 "Bearer $TA" "$I?asn=64501"
api "cursor pointing into another network" 200 "Bearer $TA" "$I?cursor=64501.2025-03-01.198.51.100.11&limit=1000"
api "the other token on our network" 403 "Bearer $TB" "$I?network=64500"
api "dot segment" 404 "Bearer $TA" "/api/v1/x/..$I"
api "dot segment after" 404 "Bearer $TA" "$I/../infections"
api "double slash" 404 "Bearer $TA" "/api/v1//infections"
api "trailing slash" 404 "Bearer $TA" "$I/"
api "path in upper case" 404 "Bearer $TA" "/API/V1/INFECTIONS"
api "percent-encoded path" 404 "Bearer $TA" "/api/v1/%69nfections"
api "encoded query in the path" 404 "Bearer $TA" "$I%3Fnetwork=64501"
api "matrix parameter" 404 "Bearer $TA" "$I;network=64501"
api "backslash" 404 "Bearer $TA" '/api\v1\infections'
api "networks of the token" 200 "Bearer $TA" "/api/v1/networks"

# The feed API: the same bytes as `iotmon feed` for the token's networks.
F=/api/v1/feed
api "feed of own networks" 200 "Bearer $TA" "$F?date=2025-03-10&format=json"
api "feed of own networks as CSV" 200 "Bearer $TA" "$F?date=2025-03-10&format=csv"
api "feed with another network named" 403 "Bearer $TA" "$F?date=2025-03-10&network=64501"
api "feed without a token" 401 "" "$F?date=2025-03-10"
api "feed with a revoked token" 401 "Bearer $TC" "$F?date=2025-03-10"
api "feed without a date" 400 "Bearer $TA" "$F?format=json"
api "feed with a bad date" 400 "Bearer $TA" "$F?date=2025-3-10"
api "feed in xarf-mail (not offered)" 400 "Bearer $TA" "$F?date=2025-03-10&format=xarf-mail"
api "feed with an asn parameter" 400 "Bearer $TA" "$F?date=2025-03-10&asn=64501"
for fmt in json csv; do
	for d in 2025-03-05 2025-03-10 2025-03-20; do
		curl -s -o "$T/api.$fmt" -H "Authorization: Bearer $TA" "$BASE$F?date=$d&format=$fmt"
		"$IOTMON" feed --db "$DB" --date "$d" --network 64500 --network 64503 --format "$fmt" >"$T/cli.$fmt"
		if cmp -s "$T/api.$fmt" "$T/cli.$fmt" && [ -s "$T/cli.$fmt" ]; then
			ok "feed API = iotmon feed --format $fmt for $d ($(wc -l <"$T/cli.$fmt") lines)"
		else
			not_ok "feed API = iotmon feed --format $fmt for $d" "$(diff "$T/api.$fmt" "$T/cli.$fmt" | head -5)"
		fi
	done
done
curl -s -o "$T/api.json" -H "Authorization: Bearer $TA" "$BASE$F?date=2025-03-10&network=AS64503"
"$IOTMON" feed --db "$DB" --date 2025-03-10 --network 64503 --format json >"$T/cli.json"
check_eq "network narrows the feed to one of the token's networks" "$(cksum <"$T/cli.json")" "$(cksum <"$T/api.json")"
curl -s -o "$T/api.json" -H "Authorization: Bearer $TA" "$BASE$F?date=2025-03-10"
check_eq "the feed lists only the token's networks" "64500 64503" \
	"$($PY -c 'import json,sys; print(" ".join(sorted({str(json.loads(l)["source.asn"]) for l in open(sys.argv[1])})))' "$T/api.json" 2>&1 | head -1)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TB" "$BASE$F?date=2025-03-10&network=64501")
check_eq "the other token gets its own feed" 200 "$code"

# Paging through everything with the cursor gives exactly the token's rows.
$PY - "$BASE" "$TA" "$DB" <<'PYEOF'
import json, sqlite3, subprocess, sys
base, token, db = sys.argv[1:4]
rows, cursor, pages = [], None, 0
while True:
    url = base + "/api/v1/infections?limit=7" + ("&cursor=" + cursor if cursor else "")
    out = subprocess.run(["curl", "-s", "-H", "Authorization: Bearer " + token, url], capture_output=True, text=True).stdout
    d = json.loads(out)
    rows += [(r["ip"], r["date"], r["asn"]) for r in d["items"]]
    pages += 1
    cursor = d["next_cursor"]
    if not cursor or pages > 1000:
        break
want = sorted(sqlite3.connect(db).execute("SELECT ip, day, asn FROM observations WHERE asn IN (64500, 64503)").fetchall())
print(("ok" if sorted(rows) == want else "not ok") + " - paging with limit=7 returns each of the token's %d rows once (%d rows, %d pages)" % (len(want), len(rows), pages))
print(("ok" if len(set(rows)) == len(rows) else "not ok") + " - no row twice across pages")
one = json.loads(subprocess.run(["curl", "-s", "-H", "Authorization: Bearer " + token,
    base + "/api/v1/infections?date=2025-03-10&network=AS64500&limit=1000"], capture_output=True, text=True).stdout)
want = sqlite3.connect(db).execute("SELECT count(*) FROM observations WHERE asn=64500 AND day='2025-03-10'").fetchone()[0]
print(("ok" if one["count"] == want and all(r["asn"] == 64500 and r["date"] == "2025-03-10" for r in one["items"]) else "not ok")
      + " - date and network narrow the answer (%d rows, store has %d)" % (one["count"], want))
PYEOF

# --- rate limit ------------------------------------------------------------------
PORT2=$(free_port)
printf '[enrich]\nfocus_countries = *\n[web]\nrate_per_minute = 1\nburst = 3\ntimeout_s = 2\nmax_per_ip = 4\n' >"$T/rl.conf"
"$IOTMON" serve -c "$T/rl.conf" --db "$DB" --listen "127.0.0.1:$PORT2" 2>"$T/rl.err" &
RPID=$!
at_exit "kill $RPID 2>/dev/null"
wait_for_line "$T/rl.err" "serving" 10
codes=""
for i in 1 2 3 4; do
	codes="$codes $(curl -s -o "$T/rl.out" -D "$T/rl.hdr" -w '%{http_code}' -H "Authorization: Bearer $TB" "http://127.0.0.1:$PORT2/api/v1/networks")"
done
check_eq "a token gets its burst, then 429" " 200 200 200 429" "$codes"
check_grep "429 says when to retry" "^Retry-After: [0-9]" "$T/rl.hdr"
check_grep "429 has a JSON message" '"status":429' "$T/rl.out"
curl -s -o "$T/all.html" "http://127.0.0.1:$PORT2/?to=$TO"
check_eq "focus_countries = * charts all countries as one line" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM observations WHERE day = '$TO'") 1 1" \
	"$(sed -n 's/.*id="focus-last-day" data-value="\([0-9]*\)".*/\1/p' "$T/all.html") $(grep -o '<polyline' "$T/all.html" | wc -l) $(grep -c 'data-key="\*"' "$T/all.html")"
check_eq "another token is not slowed down" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TA" "http://127.0.0.1:$PORT2/api/v1/networks")"
# Connection limits: a client that stops mid-request is dropped after
# timeout_s; connections beyond max_per_ip from one address are closed.
$PY - "$PORT2" <<'PYEOF'
import socket, sys, time
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
t = time.time(); s.settimeout(20)
try:
    d = s.recv(100)
except OSError:
    d = b""
t = time.time() - t
print(("ok" if d == b"" and 1.5 < t < 6 else "not ok") + " - a half-sent request is dropped after timeout_s (%.1f s)" % t)
s.close()
time.sleep(0.5)  # let the server finish the timed-out connection
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
time.sleep(0.5)
closed = 0
for c in conns:
    c.settimeout(0.3)
    try:
        if c.recv(1) == b"":
            closed += 1
    except socket.timeout:
        pass
    except OSError:
        closed += 1
print(("ok" if closed == 6 else "not ok") + " - of 10 connections from one address, 6 beyond max_per_ip=4 are closed (%d)" % closed)
PYEOF
kill -TERM "$RPID"
wait "$RPID"

# --- PostgreSQL: the same data serves the same pages and API answers, byte for byte
. "$ROOT/tests/pg.sh"
if pg_test_db PG web; then
	"$IOTMON" import events -q --db "$PG" "$T/events.jsonl"
	sqlite_fixture_sql "$DB" | store_sql "$PG"
	web_serve "$T/web.conf" "$PG" "$T/pgserve.err" "serve starts on PostgreSQL"
	PGPORT=$WEB_PORT
	PGSPID=$WEB_PID
	for u in "/?to=$TO" "/countries?to=$TO" "/networks?to=$TO" "/manufacturers?to=$TO" "/families?to=$TO" \
		"/ports?to=$TO&asn=64500" "/ports?to=$TO&family=mirai&format=json" \
		"/remediation" "/sensors" "$I?limit=1000" "$I?limit=7" "$I?date=2025-03-10&network=AS64500&limit=1000" \
		"$I?cursor=64500.2025-03-05.198.51.100.11&limit=5" "/api/v1/networks" "$F?date=2025-03-10&format=json" \
		"$F?date=2025-03-10&format=csv" "$F?date=2025-03-20&format=json" "$F?date=2025-03-10&network=AS64503"; do
		curl -s --path-as-is -o "$T/web.sq" -H "Authorization: Bearer $TA" "$BASE$u"
		curl -s --path-as-is -o "$T/web.pg" -H "Authorization: Bearer $TA" "http://127.0.0.1:$PGPORT$u"
		if cmp -s "$T/web.sq" "$T/web.pg" && [ -s "$T/web.sq" ]; then
			ok "GET $u: PostgreSQL = SQLite, byte for byte ($(wc -c <"$T/web.sq") bytes)"
		else
			not_ok "GET $u: PostgreSQL = SQLite" "$(diff "$T/web.sq" "$T/web.pg" | head -6)"
		fi
	done
	check_eq "the revoked token is refused on PostgreSQL too" 401 \
		"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TC" "http://127.0.0.1:$PGPORT$I")"
	kill -TERM "$PGSPID"
	wait "$PGSPID"
	check_eq "serve on PostgreSQL exits 0 on SIGTERM" 0 "$?"
fi

# --- stop -------------------------------------------------------------------------
kill -TERM "$SPID"
wait "$SPID"
check_eq "serve exits 0 on SIGTERM" 0 "$?"
check_exit "serve on a missing store fails" 1 "$IOTMON" serve --db "$T/none.db" --listen 127.0.0.1:0
check_exit "serve with a bad --listen is a usage error" 2 "$IOTMON" serve --db "$DB" --listen nowhere

# --- the web service of `iotmon run` ----------------------------------------------
PORT3=$(free_port)
HPPORT=$(free_port)
printf '[general]\nuser = nobody\n[store]\npath = %s\n[web]\nenabled = true\nlisten = 127.0.0.1:%s\nlanguage = nl\ncache_seconds = 0\n[honeypot]\nenabled = true\ntelnet = 127.0.0.1:%s\nhttp =\n' "$DB" "$PORT3" "$HPPORT" >"$T/run.conf"
chmod 755 "$T"
chmod 644 "$DB"
"$IOTMON" run -c "$T/run.conf" 2>"$T/run.err" &
RUNPID=$!
at_exit "kill $RUNPID 2>/dev/null"
if wait_for_line "$T/run.err" "ready" 10; then ok "run with [web] enabled starts"; else not_ok "run with [web] starts" "$(cat "$T/run.err")"; fi
check_eq "run serves the dashboard" 200 "$(curl -s -o "$T/nl.html" -w '%{http_code}' "http://127.0.0.1:$PORT3/families?to=$TO")"
check_grep "[web] language = nl gives the Dutch pages" '<html lang="nl">.*<h2>Malwarefamilies</h2>' "$T/nl.html"
# /metrics sees the honeypot's open sessions while two telnet clients wait.
$PY - "$HPPORT" "http://127.0.0.1:$PORT3/metrics" <<'PYEOF'
import socket, subprocess, sys, time
a = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
b = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(0.5)
m = subprocess.run(["curl", "-s", sys.argv[2]], capture_output=True, text=True).stdout
line = [l for l in m.splitlines() if l.startswith('iotmon_sessions_open{sensor="honeypot"}')]
print(("ok" if line == ['iotmon_sessions_open{sensor="honeypot"} 2'] else "not ok") + " - /metrics shows 2 honeypot sessions open: %s" % line)
a.close(); b.close()
time.sleep(0.5)
m = subprocess.run(["curl", "-s", sys.argv[2]], capture_output=True, text=True).stdout
line = [l for l in m.splitlines() if l.startswith('iotmon_sessions_open{sensor="honeypot"}')]
print(("ok" if line == ['iotmon_sessions_open{sensor="honeypot"} 0'] else "not ok") + " - and 0 once they left: %s" % line)
PYEOF
kill -TERM "$RUNPID"
wait "$RUNPID"
check_eq "run with web exits 0 on SIGTERM" 0 "$?"
