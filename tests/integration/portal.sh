# The network-owner portal: sign-in with an API token, session cookie,
# CSRF-safe sign-out, revocation, and isolation between networks
# (portal_check.py). Session expiry is in src/web/session_test.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/web_helpers.sh"

web_fixture
TA=$("$IOTMON" token add --db "$DB" --network 64500,AS64503 --name "NL ISP" | tail -n 1)
TB=$("$IOTMON" token add --db "$DB" --network 64501 --name "DE ISP" | tail -n 1)

cat >"$T/web.conf" <<CONF
[web]
cache_seconds = 5
threads = 2
CONF
web_serve "$T/web.conf" "$DB" "$T/serve.err" "serve starts"
PORT=$WEB_PORT
$PY "$ROOT/tests/integration/portal_check.py" "$PORT" "$DB" "$IOTMON" "$TA" "$TB"
