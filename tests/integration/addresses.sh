#!/bin/sh
# Addresses that are not devices (docs/addresses.md): loopback, private,
# CGNAT, documentation ... sources keep their events but are never counted
# as infected devices, unless [store] lab_prefixes allows them.
IOTMON_LAB_PREFIXES= # the rule itself, not the suite's lab allowance
. "$(dirname "$0")/../lib.sh"

cat >"$T/events.jsonl" <<EOF2
{"time":"2025-03-01T10:00:00Z","sensor":"hp","kind":"login","src_ip":"127.0.0.1","src_port":40000,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
{"time":"2025-03-01T10:00:01Z","sensor":"hp","kind":"login","src_ip":"10.1.2.3","src_port":40001,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
{"time":"2025-03-01T10:00:02Z","sensor":"hp","kind":"login","src_ip":"100.64.7.7","src_port":40002,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
{"time":"2025-03-01T10:00:03Z","sensor":"hp","kind":"login","src_ip":"198.51.100.23","src_port":40003,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
{"time":"2025-03-01T10:00:04Z","sensor":"hp","kind":"login","src_ip":"fd00::5","src_port":40004,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
{"time":"2025-03-01T10:00:05Z","sensor":"hp","kind":"login","src_ip":"1.0.4.9","src_port":40005,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
{"time":"2025-03-01T10:00:06Z","sensor":"hp","kind":"login","src_ip":"2a00:1450::1","src_port":40006,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","username":"root","password":"xc3511"}
EOF2
printf '[enrich]\nasn_csv =\ncountry_mmdb =\n' >"$T/plain.conf"
"$IOTMON" import events -q -c "$T/plain.conf" --db "$T/a.db" "$T/events.jsonl"
check_eq "every event is kept" 7 "$(sqlite3 "$T/a.db" 'SELECT count(*) FROM events')"
check_eq "only the two global sources are devices" "1.0.4.9 2a00:1450::1" \
	"$(sqlite3 "$T/a.db" 'SELECT ip FROM observations ORDER BY ip' | tr '\n' ' ' | sed 's/ $//')"

printf '[store]\nlab_prefixes = 198.51.100.0/24, 10.0.0.0/8\n[enrich]\nasn_csv =\ncountry_mmdb =\n' >"$T/lab.conf"
"$IOTMON" import events -q -c "$T/lab.conf" --db "$T/b.db" "$T/events.jsonl"
check_eq "a lab's prefixes count as devices" "1.0.4.9 10.1.2.3 198.51.100.23 2a00:1450::1" \
	"$(sqlite3 "$T/b.db" 'SELECT ip FROM observations ORDER BY ip' | tr '\n' ' ' | sed 's/ $//')"

printf 'ip,date\n127.0.0.1,2025-03-01\n192.168.1.1,2025-03-01\n1.0.4.9,2025-03-02\n' >"$T/obs.csv"
"$IOTMON" import observations -c "$T/plain.conf" --db "$T/c.db" "$T/obs.csv" 2>"$T/obs.err"
check_eq "an observations CSV: special addresses skipped" "1.0.4.9" "$(sqlite3 "$T/c.db" 'SELECT ip FROM observations')"
check_grep "an observations CSV: the skip is reported" "2 rows skipped: special-purpose addresses" "$T/obs.err"

printf '[store]\nlab_prefixes = 10.0.0.0/33\n' >"$T/bad.conf"
check_exit "a bad lab prefix is a configuration error" 1 "$IOTMON" config -c "$T/bad.conf"
check_exit "the default setup allows the sample's documentation ranges" 0 \
	sh -c "'$IOTMON' config -c '$ROOT/etc/iotmon.conf' | grep -q '^lab_prefixes = 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32'"
