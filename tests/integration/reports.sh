#!/bin/sh
# Reports: countries (per million against a hand computation and the
# fixture's own arithmetic) and manufacturers, in text, CSV, JSON and SVG;
# no IP address in any of them.
. "$(dirname "$0")/../lib.sh"
DB=$T/iotmon.db
$PY "$ROOT/tests/integration/reports_fixture.py" "$T" "$ROOT/data/population.csv"
$IOTMON import events -q --db "$DB" "$T/events.jsonl"
sqlite3 "$DB" <"$T/enrich.sql"
R="--db $DB --from 2025-03-03 --to 2025-03-12"
POP="--population $ROOT/data/population.csv"

$IOTMON report countries $R $POP --format json >"$T/c.json"
$IOTMON report manufacturers $R --format json >"$T/m.json"
$PY - "$T/c.json" "$T/m.json" "$T/expect.json" <<'PY'
import json, sys
c, m, e = (json.load(open(p)) for p in sys.argv[1:4])
def check(name, cond, detail=""):
    print(("ok" if cond else "not ok") + " - " + name)
    if not cond and detail: print("#   " + str(detail))
close = lambda a, b: (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9 * max(1, abs(b)))
# Hand computation: NL has 3+1+1+1+... device-days: day0 2, day1 2, day2 1, day8 1, day9 1 = 7
# over 10 days -> 0.7 a day; Eurostat 1 Jan 2024: 17 942 900 -> 0.7e6 / 17942900 = 0.039012645...
nl = [x for x in c["countries"] if x["cc"] == "NL"][0]
check("NL per million by hand (0.7 / 17 942 900 * 1e6)", abs(nl["per_million"] - 0.0390126456) < 1e-9, nl["per_million"])
check("NL mean per day by hand", nl["mean_per_day"] == 0.7 and nl["device_days"] == 7 and nl["peak"] == 2)
check("range is 10 days", c["days"] == 10 and c["from"] == "2025-03-03" and c["to"] == "2025-03-12")
check("host without a country counted apart", c["unknown_country_device_days"] == 1)
for x in c["countries"]:
    want = e["countries"][x["cc"]]
    check("country %s figures" % x["cc"], x["device_days"] == want["device_days"] and close(x["mean_per_day"], want["mean_per_day"])
          and x["peak"] == want["peak"] and close(x["per_million"], want["per_million"]), (x, want))
    check("country %s daily" % x["cc"], {d["day"]: d["infected"] for d in x["daily"]} == want["daily"])
check("ranking by per million", [x["cc"] for x in c["countries"] if x["rank"]] == e["ranking"] and
      [x["rank"] for x in c["countries"] if x["rank"]] == list(range(1, len(e["ranking"]) + 1)), [x["cc"] for x in c["countries"]])
check("country without population listed unranked, last", c["countries"][-1]["cc"] == "ZZ" and c["countries"][-1]["rank"] is None
      and c["countries"][-1]["per_million"] is None)
check("population source and year named", all(x["population_source"] and x["population_year"] for x in c["countries"] if x["rank"]))
check("manufacturers: characterized devices", m["characterized_infected_devices"] == e["total"])
got = {"|".join((x["vendor"], x["model"], x["firmware"])): x for x in m["models"]}
check("manufacturers: same models", sorted(got) == sorted(e["models"]), sorted(got))
for k, want in e["models"].items():
    x = got.get(k)
    if not x: continue
    check("model %s devices/share/vectors" % k, x["devices"] == want["devices"] and close(x["share"], want["share"]) and
          x["via_credentials"] == want["via_credentials"] and x["via_exploit"] == want["via_exploit"], (x, want))
    check("model %s families and CVEs" % k, {f["family"]: f["devices"] for f in x["families"]} == want["families"] and
          {f["cve"]: f["devices"] for f in x["cves"]} == want["cves"])
    check("model %s weekly trend" % k, {w["week"]: w["devices"] for w in x["weeks"]} == want["weeks"], x["weeks"])
check("models sorted by devices", [x["devices"] for x in m["models"]] == sorted([x["devices"] for x in m["models"]], reverse=True))
PY

for kind in countries manufacturers; do
	for f in text csv json svg; do
		$IOTMON report $kind $R $POP --format $f >"$T/$kind.$f" 2>"$T/err" || true
		[ $kind = manufacturers ] && $IOTMON report $kind $R --format $f >"$T/$kind.$f"
		check_eq "$kind $f: no IP address" 0 "$(grep -Ec '([0-9]{1,3}\.){3}[0-9]{1,3}' "$T/$kind.$f")"
	done
	check_cmd "$kind svg is well-formed SVG" $PY -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith('svg') else 1)" "$T/$kind.svg"
	check_cmd "$kind csv parses with a header" $PY -c "import csv, sys; rows = list(csv.DictReader(open(sys.argv[1], newline=''))); sys.exit(0 if rows else 1)" "$T/$kind.csv"
done
check_grep "countries text: ranking header" "^rank  cc  country" "$T/countries.text"
check_grep "countries text: NL first" "^   1  NL  Netherlands" "$T/countries.text"
check_grep "countries svg labels the leader" "NL Netherlands" "$T/countries.svg"
check_grep "manufacturers csv: Hikvision row" '^"Hikvision","DS-2CD2032","V5.4.0",2,' "$T/manufacturers.csv"
# NL on 5 days, DE on 3, FR and ZZ on 1 each
check_eq "countries --daily csv rows (one per day and country)" 10 "$($IOTMON report countries $R $POP --daily --format csv | tail -n +2 | wc -l)"
check_exit "bad format is a usage error" 2 $IOTMON report countries --db "$DB" --format pdf
check_exit "--from after --to is a usage error" 2 $IOTMON report manufacturers --db "$DB" --from 2025-03-05 --to 2025-03-01
printf 'cc,country,population,year,source\nNL,Netherlands,abc,2024,x\n' >"$T/badpop.csv"
check_exit "bad population table is an error" 1 $IOTMON report countries --db "$DB" --population "$T/badpop.csv"
check_grep "error names file:line" "badpop.csv:2: not a population" "$T/.err"

# --- PostgreSQL: the same imported data gives the same bytes in every report
. "$ROOT/tests/pg.sh"
if pg_test_db PG reports; then
	$IOTMON import events -q --db "$PG" "$T/events.jsonl"
	store_sql "$PG" <"$T/enrich.sql"
	P="--db $PG --from 2025-03-03 --to 2025-03-12"
	for kind in countries manufacturers; do
		for f in text csv json svg; do
			# shellcheck disable=SC2086
			$IOTMON report $kind $P $POP --format $f >"$T/pg.$kind.$f" 2>/dev/null || true
			# shellcheck disable=SC2086
			[ $kind = manufacturers ] && $IOTMON report $kind $P --format $f >"$T/pg.$kind.$f"
			check_cmd "report $kind $f: PostgreSQL = SQLite, byte for byte" cmp "$T/$kind.$f" "$T/pg.$kind.$f"
		done
	done
	# shellcheck disable=SC2086
	$IOTMON report countries $R $POP --daily --format csv >"$T/sq.daily"
	# shellcheck disable=SC2086
	$IOTMON report countries $P $POP --daily --format csv >"$T/pg.daily"
	check_cmd "report countries --daily: PostgreSQL = SQLite" cmp "$T/sq.daily" "$T/pg.daily"
fi
