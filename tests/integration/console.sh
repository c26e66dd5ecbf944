# The dashboard as a console: periods that start at the data, drill-down
# filters, CSV/JSON of every table, and every figure equal to `iotmon
# report`'s for the same store and period (console_figures.py).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/web_helpers.sh"

web_fixture population

cat >"$T/web.conf" <<CONF
[enrich]
focus_countries = NL,DE
[web]
population_file = $T/population.csv
cache_seconds = 5
threads = 2
rate_per_minute = 100000
burst = 100000
uncached_per_minute = 100000
uncached_burst = 100000
CONF
web_serve "$T/web.conf" "$DB" "$T/serve.err" "serve starts"
PORT=$WEB_PORT
# Eight visitors at once on a page nobody asked for yet: one computation,
# eight identical answers (the page cache's single flight).
computations() {
	curl -s "http://127.0.0.1:$PORT/metrics" | awk '$1 == "iotmon_web_page_computations_total" {v = $2} END {print v + 0}'
}
BEFORE=$(computations)
BURST=""
for i in 1 2 3 4 5 6 7 8; do
	curl -s -o "$T/burst.$i" -w '%{http_code}\n' "http://127.0.0.1:$PORT/networks?period=all&cc=DE" >"$T/burst.$i.code" &
	BURST="$BURST $!"
done
for p in $BURST; do wait "$p"; done
check_eq "a burst on one uncached page: eight 200s" 8 "$(cat "$T"/burst.*.code | grep -c '^200$')"
check_eq "and eight identical pages" 1 "$(md5sum "$T"/burst.[1-8] | cut -d' ' -f1 | sort -u | wc -l)"
sleep 5.2 # /metrics is cached for cache_seconds too
check_eq "computed once (plus the first /metrics)" $((BEFORE + 2)) "$(computations)"
$PY "$ROOT/tests/integration/console_figures.py" "http://127.0.0.1:$PORT" "$DB" "$IOTMON" "$T/population.csv"

# Every public page in headless Chromium at 390 and 1280 px: screenshots in
# build/test-artifacts/console/, no overflow, axis titles, no addresses,
# figures as the report's.
ART="$ROOT/build/test-artifacts/console"
mkdir -p "$ART"
"$IOTMON" report countries --db "$DB" --from 2025-03-02 --to 2025-03-20 --population "$T/population.csv" \
	--format json >"$T/countries.json"
timeout 120 $PY "$ROOT/tests/integration/browser_check.py" "http://127.0.0.1:$PORT" "$ART" "$T/countries.json" \
	2025-03-02 2025-03-20
