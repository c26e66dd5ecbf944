# web_helpers.sh - the dashboard tests' set-up: the fixture store and a
# running `iotmon serve`. Source after tests/lib.sh.
#
# web_fixture [population]: $DB ($T/iotmon.db) holds the fixture's events
#   ($T/events.jsonl, imported: one check) and its enrichment; with
#   "population", $T/population.csv is written too. $FIX is the fixture.
# web_serve CONF DB ERRFILE LABEL: `iotmon serve -c CONF --db DB` on a free
#   loopback port, stderr to ERRFILE, stopped at exit; checks LABEL (it says
#   "serving"); sets $WEB_PORT and $WEB_PID.

FIX="$ROOT/tests/integration/web_fixture.py"
DB="$T/iotmon.db"

web_fixture() {
	$PY "$FIX" events >"$T/events.jsonl"
	check_cmd "import the fixture evidence" "$IOTMON" import events -q --db "$DB" "$T/events.jsonl"
	$PY "$FIX" enrich "$DB"
	[ "${1:-}" = population ] && $PY "$FIX" population "$T/population.csv"
	return 0
}

web_serve() {
	WEB_PORT=$(free_port)
	"$IOTMON" serve -c "$1" --db "$2" --listen "127.0.0.1:$WEB_PORT" 2>"$3" &
	WEB_PID=$!
	at_exit "kill $WEB_PID 2>/dev/null"
	if wait_for_line "$3" "serving" 10; then ok "$4"; else not_ok "$4" "$(cat "$3")"; fi
}
