#!/bin/sh
# iotmon import cowrie: exact counts on real Cowrie logs (../shared/data/cowrie)
# and on a current-schema fixture, computed independently by
# tests/cowrie_oracle.py; late events, +HHMM times, bad lines, gzip, and
# idempotent re-import.
. "$(dirname "$0")/../lib.sh"

# count DB KIND [FAMILY]
count() {
	if [ $# -eq 3 ]; then
		"$IOTMON" events --db "$1" --kind "$2" --family "$3" | wc -l | tr -d ' '
	else
		"$IOTMON" events --db "$1" --kind "$2" | wc -l | tr -d ' '
	fi
}

# check_counts NAME DB ORACLE_LINE
check_counts() {
	set -- "$1" "$2" $3
	check_eq "$1: logins" "$3" "$(count "$2" login)"
	check_eq "$1: commands" "$4" "$(count "$2" command)"
	check_eq "$1: downloads" "$5" "$(count "$2" download)"
	check_eq "$1: sessions" "$6" "$(count "$2" session)"
	check_eq "$1: mirai sessions" "$7" "$(count "$2" session mirai)"
	check_eq "$1: gafgyt sessions" "$8" "$(count "$2" session gafgyt)"
}

FIX=$ROOT/tests/fixtures/cowrie/current-schema.json

# --- fixture built from formats.md (current schema) ---
expect=$($PY "$ROOT/tests/cowrie_oracle.py" "$FIX")
check_exit "fixture: a bad line makes the exit status 1" 1 "$IOTMON" import cowrie --db "$T/fix.db" "$FIX"
check_grep "fixture: the bad line is named file:line" "current-schema.json:17:" "$T/.err"
check_counts fixture "$T/fix.db" "$expect"
"$IOTMON" events --db "$T/fix.db" --kind download >"$T/dl.json"
check_grep "fixture: late download keeps its URL, hash and the session's family" \
	'"family":"mirai".*"url":"http://203.0.113.50/bins/owari.arm7","sha256":"5b2c0f8f3e9cb6a6c5bd8b4e0e3f2a5a9a1bb5a3b2e6d1f5f6a6c3d2e1f0a9b8"' "$T/dl.json"
"$IOTMON" events --db "$T/fix.db" --kind login --src 192.0.2.77 >"$T/l.json"
check_grep "fixture: +0200 converted to UTC, ::ffff: mapped address normalised" \
	'"time":"2025-03-01T10:00:01.000000Z".*"src_ip":"192.0.2.77","src_port":51000' "$T/l.json"
"$IOTMON" events --db "$T/fix.db" --kind session --family mirai >"$T/s.json"
check_grep "fixture: session event has duration_ms and busybox token" '"duration_ms":48211,"busybox_token":"OWARI"' "$T/s.json"
"$IOTMON" events --db "$T/fix.db" --kind session --family gafgyt >"$T/g.json"
check_grep "fixture: string duration in seconds read as ms" '"duration_ms":4500' "$T/g.json"
"$IOTMON" import cowrie --db "$T/fix.db" "$FIX" 2>"$T/again.err"
check_grep "fixture: re-import adds nothing" " 0 new events" "$T/again.err"
check_counts "fixture re-imported" "$T/fix.db" "$expect"
gzip -c "$FIX" >"$T/fix.json.gz"
"$IOTMON" import cowrie --db "$T/gz.db" "$T/fix.json.gz" 2>/dev/null
check_counts "fixture gzip" "$T/gz.db" "$expect"
"$IOTMON" import cowrie --db "$T/fix.db" "$T/fix.json.gz" 2>"$T/gzagain.err"
check_grep "fixture: the gzip copy of an imported file adds nothing" " 0 new events" "$T/gzagain.err"

# --- real logs ---
# CI checks the project out beside shared/; IOTMON_SHARED points elsewhere.
SHARED=${IOTMON_SHARED:-$ROOT/../shared}/data/cowrie
if [ ! -d "$SHARED" ]; then
	echo "ok # SKIP real Cowrie logs: $SHARED not found"
	exit 0
fi
set -- "$SHARED"/*.json
expect=$($PY "$ROOT/tests/cowrie_oracle.py" "$@")
check_exit "real logs import cleanly" 0 "$IOTMON" import cowrie --db "$T/real.db" "$@"
check_counts "real logs" "$T/real.db" "$expect"
check_exit "real logs re-import" 0 "$IOTMON" import cowrie --db "$T/real.db" "$@"
check_grep "real logs: re-import adds nothing" " 0 new events" "$T/.err"
check_counts "real logs re-imported" "$T/real.db" "$expect"
# The 2020 telnet log has endpoint fields only on session.connect: every
# login must still carry the sensor's port 2223.
n=$("$IOTMON" events --db "$T/real.db" --kind login | grep -c '"dst_port":2223')
want_logins=$($PY -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["eventid"].startswith("cowrie.login.")))' "$SHARED/realworld-ghostwalkr-telnet-2020-05-20.json")
check_eq "real logs: dst_port joined from session.connect" "$want_logins" "$n"

# A file of another type is one error line and exit 1, not a line per "line"
# (issue #16: a pcap gave 360 583 lines, a binary 11 450).
$PY -c '
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(2000):
        pkt = bytes(14) + b"\x45" + bytes(19) + b"\n{}\n" * 3
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(pkt), len(pkt)) + pkt)
' "$T/capture.pcap"
for kind in cowrie events observations; do
	for file in "$T/capture.pcap" "$IOTMON"; do
		check_exit "import $kind of $(basename "$file") exits 1" 1 "$IOTMON" import "$kind" -q --db "$T/types.db" "$file"
		check_eq "import $kind of $(basename "$file"): one error line" 1 "$(grep -c 'error' "$T/.err")"
	done
done
check_exit "import cowrie of a pcap" 1 "$IOTMON" import cowrie -q --db "$T/types.db" "$T/capture.pcap"
check_grep "the line names the type and the file" "not a Cowrie JSON log: $T/capture.pcap: binary data" "$T/.err"
printf 'time,ip\nnot json\n' >"$T/text.csv"
check_exit "import cowrie of a CSV exits 1" 1 "$IOTMON" import cowrie -q --db "$T/types.db" "$T/text.csv"
check_grep "a text file of another type is named so" "not a Cowrie JSON log: .*text.csv: line 1 does not start with a JSON object" "$T/.err"
