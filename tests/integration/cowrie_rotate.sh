#!/bin/sh
# Cowrie log rotation and retention (issue #15): at UTC midnight the parent
# renames cowrie.json to cowrie.json.YYYY-MM-DD (Cowrie's own naming),
# creates the new file and passes it to the seccomp'd child, which switches
# between two records; rotated files older than [store] retention_days go.
# The midnight is a test clock's (IOTMON_TEST_NOW), crossed under load.
. "$(dirname "$0")/../lib.sh"

V=$T/var
mkdir -p "$V"
if [ "$(id -u)" = 0 ]; then
	chmod 711 "$T"
	chown nobody "$V"
fi
# The live log, last written two (test) days ago: rotated at start.
echo '{"eventid":"cowrie.session.connect","session":"stale"}' >"$V/cowrie.json"
touch -d '2026-03-08 12:00:00Z' "$V/cowrie.json"
# Planted: older than 7 days (goes), newer (stays), a symlink with a
# matching name (neither it nor its target goes), other patterns (stay).
for d in 2026-03-01 2026-03-05; do echo "{\"day\":\"$d\"}" >"$V/cowrie.json.$d"; done
echo precious >"$T/target.txt"
ln -s "$T/target.txt" "$V/cowrie.json.2026-02-01"
echo gz >"$V/cowrie.json.2026-02-02.gz"
echo other >"$V/other.json.2026-02-02"
echo bad >"$V/cowrie.json.2026-02-30"

PORT=$(free_port)
{
	echo "[general]"
	echo "data_dir = $ROOT/data"
	[ "$(id -u)" = 0 ] && echo "user = nobody"
	echo "[store]"
	echo "retention_days = 7"
	echo "[honeypot]"
	echo "http ="
} >"$T/hp.conf"
# 10 s before midnight between 2026-03-10 and 2026-03-11 (UTC).
t0=$(date +%s)
IOTMON_TEST_NOW=$(($(date -u -d '2026-03-10 23:59:50Z' +%s))) \
	"$IOTMON" honeypot -c "$T/hp.conf" --db "$T/hp.db" --telnet "127.0.0.1:$PORT" --http "" \
	--cowrie-log "$V/cowrie.json" 2>"$T/hp.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
wait_for_line "$T/hp.err" ready 20 || not_ok "honeypot ready" "$(cat "$T/hp.err")"

check_grep "start: the stale log is rotated under its last day" "earlier day rotated: .*cowrie.json.2026-03-08" "$T/hp.err"
check_eq "start: it keeps its line" '{"eventid":"cowrie.session.connect","session":"stale"}' \
	"$(cat "$V/cowrie.json.2026-03-08" 2>&1)"
check_cmd "retention: the file of 2026-03-01 (9 days old) is deleted" test ! -e "$V/cowrie.json.2026-03-01"
check_eq "retention: one log line per deletion" 1 "$(grep -c 'cowrie log retention: .* deleted' "$T/hp.err")"
check_cmd "retention: 2026-03-05 (5 days) is kept" test -f "$V/cowrie.json.2026-03-05"
check_cmd "retention: a symlink with a matching name is not removed" test -L "$V/cowrie.json.2026-02-01"
check_eq "retention: nor its target" precious "$(cat "$T/target.txt")"
for f in cowrie.json.2026-02-02.gz other.json.2026-02-02 cowrie.json.2026-02-30; do
	check_cmd "retention: $f (another pattern) is kept" test -f "$V/$f"
done
# Planted while running: the sweep after the rotation deletes it.
echo late >"$V/cowrie.json.2026-03-03"

# Logins at 25/s from about 4 s before the midnight (t0 + 10 s) to 4 s after.
while [ "$(date +%s)" -lt $((t0 + 6)) ]; do sleep 0.2; done
$PY "$ROOT/tests/hp_load.py" 8 25 "127.0.0.1:$PORT" >"$T/load.out" 2>&1
wait_for_line "$T/hp.err" "cowrie log rotated" 15 || not_ok "rotated" "$(cat "$T/hp.err")"
sleep 1
kill -TERM $pid
wait $pid
check_eq "SIGTERM: exit status 0" 0 "$?"
tries=$(sed -n 's/.* tries \([0-9]*\) failures.*/\1/p' "$T/load.out")
fails=$(sed -n 's/.* failures \([0-9]*\).*/\1/p' "$T/load.out")
check_cmd "load: logins were made ($tries tries, $fails failed)" test "${tries:-0}" -gt 100

old=$V/cowrie.json.2026-03-10
new=$V/cowrie.json
check_grep "the day's file is named as Cowrie names it" "cowrie log rotated: .*cowrie.json.2026-03-10\$" "$T/hp.err"
check_grep "the child switched" "Cowrie log switched to the new day's file" "$T/hp.err"
a=$(grep -c '"eventid":"cowrie.login' "$old")
b=$(grep -c '"eventid":"cowrie.login' "$new")
check_cmd "logins before midnight in the rotated file ($a)" test "$a" -gt 20
check_cmd "logins after midnight in the new file ($b)" test "$b" -gt 20
stored=$("$IOTMON" events --db "$T/hp.db" --kind login | wc -l | tr -d ' ')
check_eq "every login exactly once across the two files (store: $stored)" "$stored" "$((a + b))"
for kind in connect closed; do
	n=$(cat "$old" "$new" | grep -c "\"eventid\":\"cowrie.session.$kind\"")
	check_eq "every session's $kind line once across the two files" \
		"$("$IOTMON" events --db "$T/hp.db" --kind session | wc -l | tr -d ' ')" "$n"
done
check_eq "no line in both files" "" "$(cat "$old" "$new" | sort | uniq -d | head -3)"
check_cmd "no record split: every line of both files is one JSON object" $PY -c '
import json, sys
for p in sys.argv[1:]:
    data = open(p).read()
    assert data.endswith("\n"), p + ": does not end with a newline"
    for i, line in enumerate(data.splitlines()):
        json.loads(line)' "$old" "$new"
mode() { stat -c %a "$1"; }
check_eq "the new file is 0640" 640 "$(mode "$new")"
if [ "$(id -u)" = 0 ]; then
	check_eq "and owned by the service user" nobody "$(stat -c %U "$new")"
fi
check_cmd "the sweep after the rotation deletes a file older than 7 days" test ! -e "$V/cowrie.json.2026-03-03"
check_cmd "and keeps 2026-03-05" test -f "$V/cowrie.json.2026-03-05"
