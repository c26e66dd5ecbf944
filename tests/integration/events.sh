# Events round-trip through the store: every field, IPv4 and IPv6, filters,
# idempotent re-import, gzip input, bad lines reported as file:line.
. "$(dirname "$0")/../lib.sh"

cat >"$T/in.jsonl" <<'JSON'
{"time":"2025-03-01T10:15:02.123456Z","sensor":"hp-ams-01","kind":"session","src_ip":"198.51.100.23","src_port":40112,"dst_ip":"192.0.2.5","dst_port":2323,"transport":"tcp","family":"unknown","session":"a1b2c3d4e5f6","state":"open"}
{"time":"2025-03-01T10:15:04.002311Z","sensor":"hp-ams-01","kind":"login","src_ip":"198.51.100.23","src_port":40112,"dst_ip":"192.0.2.5","dst_port":2323,"transport":"tcp","family":"mirai","session":"a1b2c3d4e5f6","seq":1,"username":"root","password":"vizxv","success":true}
{"time":"2025-03-01T10:15:07.882310Z","sensor":"hp-ams-01","kind":"command","src_ip":"198.51.100.23","src_port":40112,"dst_ip":"192.0.2.5","dst_port":2323,"transport":"tcp","family":"mirai","session":"a1b2c3d4e5f6","seq":2,"input":"/bin/busybox ECCHI"}
{"time":"2025-03-01T10:15:08.000001Z","sensor":"hp-ams-01","kind":"download","src_ip":"198.51.100.23","src_port":40112,"dst_ip":"192.0.2.5","dst_port":2323,"transport":"tcp","family":"mirai","session":"a1b2c3d4e5f6","seq":3,"url":"http://203.0.113.50/b.sh","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
{"time":"2025-03-02T01:00:00.000000Z","sensor":"hp-fra-02","kind":"exploit","src_ip":"2001:db8:1::7","src_port":51000,"dst_ip":"2001:db8::80","dst_port":37215,"transport":"tcp","family":"unknown","session":null,"cve":"CVE-2017-17215","url":"http://203.0.113.9/mips","method":"POST"}
{"time":"2025-03-02T02:00:00.000000Z","sensor":"telescope","kind":"scan","src_ip":"203.0.113.77","src_port":null,"dst_ip":null,"dst_port":23,"transport":"tcp","family":"mirai","session":null,"packets":4312,"destinations":4100}
JSON
check_exit "import exits 0" 0 "$IOTMON" import events --db "$T/s.db" "$T/in.jsonl"
"$IOTMON" events --db "$T/s.db" >"$T/out.jsonl"
# Same objects, same order (key order may differ from the input).
same=$($PY - "$T/in.jsonl" "$T/out.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
print("same" if a == b else "differ: %r\n%r" % (a, b))
PY
)
check_eq "every field survives the round trip (IPv6 too)" "same" "$same"
check_eq "events --kind login" 1 "$("$IOTMON" events --db "$T/s.db" --kind login | wc -l)"
check_eq "events --src (IPv6, non-canonical text)" 1 "$("$IOTMON" events --db "$T/s.db" --src 2001:DB8:1:0::7 | wc -l)"
check_eq "events --family mirai" 4 "$("$IOTMON" events --db "$T/s.db" --family mirai | wc -l)"
check_eq "events --family unknown" 2 "$("$IOTMON" events --db "$T/s.db" --family unknown | wc -l)"
check_eq "events --since/--until (a day)" 4 "$("$IOTMON" events --db "$T/s.db" --since 2025-03-01 --until 2025-03-02 | wc -l)"
check_eq "events --session" 4 "$("$IOTMON" events --db "$T/s.db" --session a1b2c3d4e5f6 | wc -l)"
check_eq "events --limit" 2 "$("$IOTMON" events --db "$T/s.db" --limit 2 | wc -l)"
check_exit "bad --since is a usage error" 2 "$IOTMON" events --db "$T/s.db" --since yesterday

# Observations: a session alone or a command alone lists nobody; the login,
# download, exploit and scan sources are listed.
# kinds is a bit set: scan 1, login 2, download 8, exploit 16.
check_eq "observations per (ip, day)" "198.51.100.23|2025-03-01|2|10
2001:db8:1::7|2025-03-02|1|16
203.0.113.77|2025-03-02|1|1" "$(sqlite3 "$T/s.db" 'SELECT ip, day, events, kinds FROM observations ORDER BY day, ip')"

# Re-import and gzip: nothing new.
gzip -c "$T/in.jsonl" >"$T/in.jsonl.gz"
check_exit "re-import of the gzip copy exits 0" 0 "$IOTMON" import events --db "$T/s.db" "$T/in.jsonl.gz"
check_grep "re-import reports 0 new events" "6 records, 0 new events" "$T/.err"
check_eq "re-import adds nothing" 6 "$("$IOTMON" events --db "$T/s.db" | wc -l)"

# A bad line is reported with file:line and skipped; the rest is imported.
{
	sed -n 1p "$T/in.jsonl" | sed 's/hp-ams-01/other/'
	echo '{"time":"not a time","kind":"login","src_ip":"192.0.2.1"}'
	echo 'garbage'
	sed -n 2p "$T/in.jsonl" | sed 's/hp-ams-01/other/'
} >"$T/bad.jsonl"
check_exit "a file with bad lines exits 1" 1 "$IOTMON" import events --db "$T/s.db" "$T/bad.jsonl"
check_grep "bad line 2 is named" "bad.jsonl:2: \"time\"" "$T/.err"
check_grep "bad line 3 is named" "bad.jsonl:3:" "$T/.err"
check_eq "the good lines around them are imported" 8 "$("$IOTMON" events --db "$T/s.db" | wc -l)"
check_exit "an unreadable file exits 1" 1 "$IOTMON" import events --db "$T/s.db" "$T/nonexistent.jsonl"
check_grep "the unreadable file is named" "nonexistent.jsonl: No such file" "$T/.err"
check_exit "stdin (-) works" 0 sh -c "sed -n 3p '$T/bad.jsonl' >/dev/null; sed 's/hp-ams-01/stdin/' '$T/in.jsonl' | '$IOTMON' import events --db '$T/s.db' -"
# Only the 4 lines whose sensor changed are new evidence.
check_eq "stdin events stored" 12 "$("$IOTMON" events --db "$T/s.db" | wc -l)"

# Issue 16: commands that only read open the store read-only and never make
# one: an empty file stays 0 bytes, one error line names it.
: >"$T/empty.db"
check_exit "feed on an empty file exits 1" 1 "$IOTMON" feed --date 2025-03-01 --db "$T/empty.db"
check_eq "the empty file stays 0 bytes" 0 "$(stat -c %s "$T/empty.db")"
check_eq "one error line" 1 "$(wc -l <"$T/.err")"
check_grep "the error names the file" "empty.db: empty file, not an iotmon store" "$T/.err"
for cmd in "events" "report countries" "token list"; do
	# shellcheck disable=SC2086
	check_exit "$cmd on a missing store exits 1" 1 "$IOTMON" $cmd --db "$T/none.db"
done
check_eq "no store was created" "" "$(ls "$T" | grep none || true)"
check_eq "events reads through --db sqlite:PATH" 12 "$("$IOTMON" events --db "sqlite:$T/s.db" | wc -l)"

# [store] retention_days: writers drop the events of older days and keep the
# observations (the figures).
NOW=$($PY -c 'import datetime; print(datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000000Z"))')
{ cat "$T/in.jsonl"; sed -n 2p "$T/in.jsonl" | sed "s/2025-03-01T10:15:04.002311Z/$NOW/"; } >"$T/recent.jsonl"
printf '[store]\nretention_days = 30\n' >"$T/retention.conf"
check_retention() { # TARGET
	"$IOTMON" import events -q -c "$T/retention.conf" --db "$1" "$T/recent.jsonl"
	check_eq "retention on ${1%%:*}: only the recent event is kept" 1 "$("$IOTMON" events --db "$1" | wc -l)"
	check_eq "retention on ${1%%:*}: the observations stay" 4 "$("$IOTMON" report remediation --db "$1" --format json | $PY -c 'import json,sys; print(sum(g["episodes"] for g in json.load(sys.stdin)["groups"]))')"
}
check_retention "sqlite:$T/retention.db"

# The same imports on PostgreSQL give byte-identical `iotmon events` output.
. "$ROOT/tests/pg.sh"
if pg_test_db PG events; then
	"$IOTMON" import events -q --db "$PG" "$T/in.jsonl"
	check_exit "re-import on PostgreSQL adds nothing" 0 "$IOTMON" import events --db "$PG" "$T/in.jsonl.gz"
	check_grep "re-import on PostgreSQL reports 0 new events" "6 records, 0 new events" "$T/.err"
	"$IOTMON" import events -q --db "$PG" "$T/bad.jsonl" 2>/dev/null
	sed 's/hp-ams-01/stdin/' "$T/in.jsonl" | "$IOTMON" import events -q --db "$PG" -
	for args in "" "--kind login" "--src 2001:DB8:1:0::7" "--family mirai" "--family unknown" \
		"--since 2025-03-01 --until 2025-03-02" "--session a1b2c3d4e5f6" "--limit 2"; do
		# shellcheck disable=SC2086
		"$IOTMON" events --db "$T/s.db" $args >"$T/sq.out"
		# shellcheck disable=SC2086
		"$IOTMON" events --db "$PG" $args >"$T/pg.out"
		check_cmd "events $args: PostgreSQL = SQLite, byte for byte ($(wc -l <"$T/sq.out") lines)" cmp "$T/sq.out" "$T/pg.out"
	done
	check_eq "observations on PostgreSQL = SQLite" \
		"$(sqlite3 "$T/s.db" 'SELECT ip, day, first_us, last_us, events, kinds, family FROM observations ORDER BY day, ip')" \
		"$(echo "SELECT host(ip), day, first_us, last_us, events, kinds, family FROM observations ORDER BY day, host(ip) COLLATE \"C\"" |
		"$PG_BIN/psql" -X -At -F'|' "$PG")"
	check_eq "event partitions by UTC day" "events_p20250301 events_p20250302 events_p20250303" \
		"$(echo "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass AND c.relname <> 'events_default' ORDER BY 1" |
			"$PG_BIN/psql" -X -At "$PG" | tr '\n' ' ' | sed 's/ $//')"
	pg_test_db PGR retention && check_retention "$PGR"
	check_eq "retention dropped whole day partitions" "$(date -u +events_p%Y%m%d)" \
		"$(echo "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass AND c.relname <> 'events_default' ORDER BY 1 LIMIT 1" | "$PG_BIN/psql" -X -At "$PGR")"
	check_exit "a read-only command on a database without a store exits 1" 1 "$IOTMON" events --db "$(pg_url postgres)"
	check_grep "and says so" "not an iotmon store" "$T/.err"
	port=$(free_port)
	check_exit "a store that refuses connections: exit 1" 1 "$IOTMON" events --db "postgresql://iotmon@127.0.0.1:$port/x"
	check_eq "one error line" 1 "$(wc -l <"$T/.err")"
	check_grep "naming the store and the cause" "127.0.0.1:$port/x: cannot connect: .*Connection refused" "$T/.err"
	check_exit "the wrong password: exit 1" 1 "$IOTMON" import events --db "$(echo "$PG" | sed 's/iotmon:iotmon@/iotmon:wrong@/')" "$T/in.jsonl"
	check_eq "one error line" 1 "$(wc -l <"$T/.err")"
	check_grep "saying so, without the password" "password authentication failed" "$T/.err"
	check_eq "the password is never printed" "" "$(grep -e wrong -e iotmon:iotmon "$T/.err")"
fi
