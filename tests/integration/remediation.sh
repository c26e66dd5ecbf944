# Clean-up measurement end to end: observations CSV import (idempotent,
# bad lines as file:line), the remediation report in every format checked
# against an independent Python computation of episodes, Kaplan-Meier,
# Greenwood log-log bounds and the log-rank test, treatment assignment and
# notifications.
. "$(dirname "$0")/../lib.sh"
REF="$ROOT/tests/integration/remediation_ref.py"

$PY "$REF" gen 7 "$T/obs.csv"
rows=$(($(wc -l <"$T/obs.csv") - 1))
# one malformed line in the middle: reported with its number, the rest imported
{
	head -n 100 "$T/obs.csv"
	echo 'mirai,10.0.0.999,email,2025-01-05,AS64500,NL'
	tail -n +101 "$T/obs.csv"
} >"$T/bad.csv"
check_exit "a bad line makes the import exit 1" 1 "$IOTMON" import observations --db "$T/r.db" "$T/bad.csv"
check_grep "the bad line is named as file:line" "bad.csv:101: not an IP address: \"10.0.0.999\"" "$T/.err"
check_eq "every good line is imported" "$rows" "$(sqlite3 "$T/r.db" 'SELECT count(*) FROM observations')"
check_eq "imported rows are marked as imports" "$rows" "$(sqlite3 "$T/r.db" "SELECT count(*) FROM observations WHERE source = 'import' AND events = 1")"

"$IOTMON" report remediation --db "$T/r.db" --by treatment --gap 5 --horizon 14 --format json >"$T/r1.json"
check_eq "JSON matches the independent computation" "same" "$($PY "$REF" check "$T/obs.csv" 5 14 "$T/r1.json")"
check_exit "re-import of the same file" 0 "$IOTMON" import observations --db "$T/r.db" "$T/obs.csv"
check_grep "re-import adds nothing" "0 new observations" "$T/.err"
check_eq "re-import doubles no counts" "$rows|$rows" "$(sqlite3 "$T/r.db" 'SELECT count(*), sum(events) FROM observations')"
gzip -c "$T/obs.csv" >"$T/obs.csv.gz"
"$IOTMON" import observations --db "$T/r.db" "$T/obs.csv.gz" 2>"$T/gz.err"
check_grep "a gzip copy adds nothing either" "0 new observations" "$T/gz.err"
"$IOTMON" report remediation --db "$T/r.db" --by treatment --gap 5 --horizon 14 --format json >"$T/r2.json"
check_cmd "the report is unchanged after re-import" cmp "$T/r1.json" "$T/r2.json"
# --from/--to (the man page promises them for every report): the whole span
# changes nothing; a shorter one counts only its days and ends the data there.
span=$(sqlite3 "$T/r.db" 'SELECT min(day) || " " || max(day) FROM observations')
"$IOTMON" report remediation --db "$T/r.db" --by treatment --gap 5 --horizon 14 --format json \
	--from "${span% *}" --to "${span#* }" >"$T/span.json"
check_cmd "--from/--to over the whole span: the same report" cmp "$T/r1.json" "$T/span.json"
mid=$(sqlite3 "$T/r.db" "SELECT date(min(day), '+20 days') FROM observations")
"$IOTMON" report remediation --db "$T/r.db" --format json --to "$mid" >"$T/to.json"
check_eq "--to: only the observations up to that day, the data ends there" \
	"$(sqlite3 "$T/r.db" "SELECT count(*) FROM observations WHERE day <= '$mid'") $mid" \
	"$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["observations"], d["data_end"])' "$T/to.json")"
check_exit "--from after --to is a usage error" 2 "$IOTMON" report remediation --db "$T/r.db" --from 2025-02-01 --to 2025-01-01
"$IOTMON" report remediation --db "$T/r.db" --by treatment --gap 2 --horizon 30 --format json >"$T/r3.json"
check_eq "another gap and horizon also match" "same" "$($PY "$REF" check "$T/obs.csv" 2 30 "$T/r3.json")"
check_eq "the JSON has the contract's keys and types" "ok" "$($PY - "$T/r1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
I, F = int, (int, float)
ok = isinstance(d["gap_days"], I) and isinstance(d["horizon_days"], I) and isinstance(d["groups"], list)
for g in d["groups"]:
    ok &= isinstance(g["group"], str) and all(isinstance(g[k], I) for k in ("episodes", "cleaned", "censored"))
    ok &= isinstance(g["cleaned_within_horizon"], F) and (g["median_days"] is None or isinstance(g["median_days"], I))
    for r in g["survival"]:
        ok &= sorted(r) == ["at_risk", "day", "events", "lower", "survival", "upper"]
        ok &= r["lower"] <= r["survival"] <= r["upper"]
lr = d["logrank"]
ok &= sorted(lr) == ["chi2", "df", "p"] and isinstance(lr["df"], I) and 0 <= lr["p"] <= 1
print("ok" if ok else "bad")
PY
)"
check_eq "the JSON carries the caveats" "True" "$(json_get "$T/r1.json" "any('Dynamic IP' in c for c in d['caveats']) and any('coverage' in c for c in d['caveats'])")"
check_eq "groups differ: log-rank p < 0.001" "True" "$(json_get "$T/r1.json" "d['logrank']['p'] < 0.001 and d['logrank']['df'] == 2")"

"$IOTMON" report remediation --db "$T/r.db" --by treatment --gap 5 >"$T/r.txt"
check_grep "text: one line per group" "^walled " "$T/r.txt"
check_grep "text: the log-rank line" "^Log-rank test: chi2 = " "$T/r.txt"
check_grep "text: caveats" "Dynamic IP addresses" "$T/r.txt"
"$IOTMON" report remediation --db "$T/r.db" --by network --gap 5 --format csv >"$T/r.csv"
check_eq "csv: header and four networks" "5" "$(wc -l <"$T/r.csv")"
check_eq "csv: episodes add up to the JSON's" \
	"$(json_get "$T/r1.json" "sum(g['episodes'] for g in d['groups'])")" \
	"$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$T/r.csv")"
"$IOTMON" report remediation --db "$T/r.db" --by treatment --format svg >"$T/r.svg"
check_eq "svg: a well-formed document with three curves" "3" \
	"$($PY -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(len([p for p in d.getElementsByTagName("polyline") if p.getAttribute("stroke-width") == "2"]))' "$T/r.svg")"
check_exit "unknown --by is a usage error" 2 "$IOTMON" report remediation --db "$T/r.db" --by colour

# Edge cases: an empty store, one observation, everything censored.
printf 'ip,date\n' >"$T/empty.csv"
"$IOTMON" import observations -q --db "$T/e.db" "$T/empty.csv"
"$IOTMON" report remediation --db "$T/e.db" --format json >"$T/e.json"
check_eq "empty data: no groups, no test" "[] None" "$(json_get "$T/e.json" "str(d['groups']) + ' ' + str(d['logrank'])")"
printf 'ip,date\n192.0.2.1,2025-01-01\n' >"$T/one.csv"
"$IOTMON" import observations -q --db "$T/o.db" "$T/one.csv"
"$IOTMON" report remediation --db "$T/o.db" --format json >"$T/o.json"
check_eq "one observation: censored, no median" "1 0 1 None 0.0" \
	"$(json_get "$T/o.json" "' '.join(str(x) for x in (d['groups'][0]['episodes'], d['groups'][0]['cleaned'], d['groups'][0]['censored'], d['groups'][0]['median_days'], d['groups'][0]['cleaned_within_horizon']))")"

# Treatment assignment: seeded, stratified, reproducible; notifications.
printf 'ip,date,asn\n' >"$T/plain.csv"
awk -F, 'NR > 1 { print $2 "," $4 "," $5 }' "$T/obs.csv" >>"$T/plain.csv"
"$IOTMON" import observations -q --db "$T/a.db" "$T/plain.csv"
cp "$T/a.db" "$T/b.db"
cp "$T/a.db" "$T/c.db"
check_exit "treatment assign" 0 "$IOTMON" treatment assign --db "$T/a.db" --seed 11 --groups walled,email,control --day 2025-01-01
"$IOTMON" treatment assign -q --db "$T/b.db" --seed 11 --groups walled,email,control --day 2025-01-01 >/dev/null
check_cmd "the same seed gives the same assignment" cmp "$("$IOTMON" treatment list --db "$T/a.db" >"$T/la"; echo "$T/la")" "$("$IOTMON" treatment list --db "$T/b.db" >"$T/lb"; echo "$T/lb")"
check_eq "every IP is assigned once" "$(awk -F, 'NR > 1 { print $1 }' "$T/plain.csv" | sort -u | wc -l)" "$(($(wc -l <"$T/la") - 1))"
check_eq "balanced within each network (sizes differ by at most 1)" "ok" "$($PY -c '
import csv, sys, collections
c = collections.Counter((r["stratum"], r["group"]) for r in csv.DictReader(open(sys.argv[1])))
s = collections.defaultdict(list)
for (st, g), n in c.items(): s[st].append(n)
print("ok" if all(len(v) == 3 and max(v) - min(v) <= 1 for v in s.values()) else s)' "$T/la")"
"$IOTMON" treatment assign --db "$T/a.db" --seed 99 --groups walled,email,control >"$T/again"
check_grep "a second assignment keeps the groups" "^(kept),$(($(wc -l <"$T/la") - 1))" "$T/again"
"$IOTMON" report remediation --db "$T/a.db" --by treatment --gap 5 --format json >"$T/a.json"
check_eq "report by assigned treatment" "['control', 'email', 'walled']" "$(json_get "$T/a.json" "[g['group'] for g in d['groups']]")"
ip=$(awk -F, 'NR == 2 { print $1 }' "$T/plain.csv")
day=$(awk -F, -v ip="$ip" 'NR > 1 && $1 == ip { print $2 }' "$T/plain.csv" | sort | head -1)
check_exit "treatment notify" 0 "$IOTMON" treatment notify --db "$T/a.db" "$ip" "$day" email
"$IOTMON" treatment notify --db "$T/a.db" "$ip" "$day" email 2>/dev/null
"$IOTMON" report remediation --db "$T/a.db" --by treatment --gap 5 --format json >"$T/n.json"
check_eq "one notified episode" "1" "$(json_get "$T/n.json" "sum(g['notified'] for g in d['groups'])")"
check_exit "notify with a bad day is a usage error" 2 "$IOTMON" treatment notify --db "$T/a.db" "$ip" 2025-02-30 email
check_exit "assign without --seed is a usage error" 2 "$IOTMON" treatment assign --db "$T/a.db" --groups a,b

# Units first seen after --since stay unassigned; so do episodes that ended
# before the assignment day. Shown, but left out of the log-rank test.
"$IOTMON" treatment assign -q --db "$T/c.db" --seed 5 --groups x,y --since 2025-03-01 --day 2025-03-15 >/dev/null
"$IOTMON" report remediation --db "$T/c.db" --by treatment --gap 5 --format json >"$T/c.json"
check_eq "unassigned episodes form their own group, outside the test" "['unassigned', 'x', 'y'] 1" \
	"$(json_get "$T/c.json" "str([g['group'] for g in d['groups']]) + ' ' + str(d['logrank']['df'])")"
check_eq "treated episodes all end on or after the assignment day" "True" "$($PY - "$T/plain.csv" "$T/c.json" <<'PY'
import csv, json, sys, datetime
# IPs seen since 2025-03-01 with an episode still running on 2025-03-15 (gap 5)
days = {}
for r in csv.DictReader(open(sys.argv[1])):
    days.setdefault(r["ip"], []).append(datetime.date.fromisoformat(r["date"]).toordinal())
since, day = datetime.date(2025, 3, 1).toordinal(), datetime.date(2025, 3, 15).toordinal()
treated = 0
for ip, ds in days.items():
    ds = sorted(set(ds))
    if ds[-1] < since:
        continue
    last = None
    for d in ds + [None]:
        if last is not None and (d is None or d - last - 1 > 5):
            treated += last >= day
        last = d
rep = json.load(open(sys.argv[2]))
print(sum(g["episodes"] for g in rep["groups"] if g["group"] != "unassigned") == treated)
PY
)"
"$IOTMON" report remediation --db "$T/c.db" --by treatment --gap 5 >"$T/c.txt"
check_grep "text marks the untested group" "^unassigned .*(not in the test)" "$T/c.txt"

# Networks as units, stratified by country.
awk -F, 'NR == 1 { print "ip,date,asn,cc"; next } { print $2 "," $4 "," $5 "," $6 }' "$T/obs.csv" >"$T/net.csv"
"$IOTMON" import observations -q --db "$T/n.db" "$T/net.csv"
"$IOTMON" treatment assign -q --db "$T/n.db" --by network --seed 3 --groups walled,control --day 2025-01-01 >/dev/null
"$IOTMON" treatment list --db "$T/n.db" >"$T/ln"
check_eq "by network: four networks, stratified by country" "AS64500,network,NL AS64501,network,NL AS64502,network,NL AS64503,network,NL" \
	"$(awk -F, 'NR > 1 { printf "%s%s,%s,%s", (NR > 2 ? " " : ""), $1, $2, $4 }' "$T/ln")"
check_eq "by network: two networks per group" "2 2" \
	"$(awk -F, 'NR > 1 { n[$3]++ } END { print n["walled"], n["control"] }' "$T/ln")"
"$IOTMON" report remediation --db "$T/n.db" --by treatment --gap 5 --format json >"$T/nj.json"
check_eq "every episode is treated through its network" "0 $(json_get "$T/r1.json" "sum(g['episodes'] for g in d['groups'])")" \
	"$(json_get "$T/nj.json" "str(sum(g['episodes'] for g in d['groups'] if g['group'] == 'unassigned')) + ' ' + str(sum(g['episodes'] for g in d['groups']))")"

# --- PostgreSQL: the same imports, assignments and notifications give the
# same bytes in every report and list.
. "$ROOT/tests/pg.sh"
if pg_test_db PG remediation && pg_test_db PGA remediation_a; then
	"$IOTMON" import observations -q --db "$PG" "$T/bad.csv" 2>/dev/null
	"$IOTMON" import observations -q --db "$PG" "$T/obs.csv"
	"$IOTMON" import observations -q --db "$PG" "$T/obs.csv.gz" 2>/dev/null
	for spec in "r3.json:--by treatment --gap 2 --horizon 30 --format json" "r.txt:--by treatment --gap 5" \
		"r.csv:--by network --gap 5 --format csv" "r.svg:--by treatment --format svg"; do
		f=${spec%%:*}
		# shellcheck disable=SC2086
		"$IOTMON" report remediation --db "$PG" ${spec#*:} >"$T/pg.$f"
		check_cmd "remediation $f: PostgreSQL = SQLite, byte for byte" cmp "$T/$f" "$T/pg.$f"
	done
	"$IOTMON" import observations -q --db "$PGA" "$T/plain.csv"
	"$IOTMON" treatment assign -q --db "$PGA" --seed 11 --groups walled,email,control --day 2025-01-01 >/dev/null
	"$IOTMON" treatment list --db "$PGA" >"$T/pg.la"
	check_cmd "treatment list: PostgreSQL = SQLite" cmp "$T/la" "$T/pg.la"
	"$IOTMON" treatment assign --db "$PGA" --seed 99 --groups walled,email,control >"$T/pg.again"
	check_cmd "a second assignment on PostgreSQL keeps the groups too" cmp "$T/again" "$T/pg.again"
	"$IOTMON" treatment notify --db "$PGA" "$ip" "$day" email 2>/dev/null
	"$IOTMON" treatment notify --db "$PGA" "$ip" "$day" email 2>/dev/null
	"$IOTMON" report remediation --db "$PGA" --by treatment --gap 5 --format json >"$T/pg.n.json"
	check_cmd "remediation with a notification: PostgreSQL = SQLite" cmp "$T/n.json" "$T/pg.n.json"
fi
