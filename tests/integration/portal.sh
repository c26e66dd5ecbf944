# The network-owner portal: sign-in with an API token, session cookie,
# CSRF-safe sign-out, revocation, and isolation between networks
# (portal_check.py). Session expiry is in src/web/session_test.c.
. "$(dirname "$0")/../lib.sh"

FIX="$ROOT/tests/integration/web_fixture.py"
DB="$T/iotmon.db"
$PY "$FIX" events >"$T/events.jsonl"
check_cmd "import the fixture evidence" "$IOTMON" import events -q --db "$DB" "$T/events.jsonl"
$PY "$FIX" enrich "$DB"
TA=$("$IOTMON" token add --db "$DB" --network 64500,AS64503 --name "NL ISP" | tail -n 1)
TB=$("$IOTMON" token add --db "$DB" --network 64501 --name "DE ISP" | tail -n 1)

PORT=$(free_port)
cat >"$T/web.conf" <<CONF
[web]
cache_seconds = 5
threads = 2
CONF
"$IOTMON" serve -c "$T/web.conf" --db "$DB" --listen "127.0.0.1:$PORT" 2>"$T/serve.err" &
SPID=$!
at_exit "kill $SPID 2>/dev/null"
if wait_for_line "$T/serve.err" "serving" 10; then ok "serve starts"; else not_ok "serve starts" "$(cat "$T/serve.err")"; fi
$PY "$ROOT/tests/integration/portal_check.py" "$PORT" "$DB" "$IOTMON" "$TA" "$TB"
