# enrich.sh - `iotmon enrich` and enrichment of observations as they are
# made, on fixture range files the test writes, and on the real
# ip-location-db data when `make data` has installed it.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/data/ipdb"
cat >"$T/data/ipdb/asn-ipv4.csv" <<'CSV'
192.0.2.0,192.0.2.255,64500,"Example Net, B.V."
3325256704,3325256959,64501,Numeric Range Ltd
CSV
cat >"$T/data/ipdb/asn-ipv6.csv" <<'CSV'
2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64502,Doc Six
CSV
cat >"$T/data/ipdb/cc.csv" <<'CSV'
192.0.2.0,192.0.2.127,NL
198.51.100.0,198.51.100.255,BE
2001:db8::,2001:db8::ffff,DE
CSV
echo "ip-location-db-asn-2.3.2026061719" >"$T/data/ipdb/VERSION"
# A local range file without a VERSION: its date is its mtime.
mkdir -p "$T/data/local"
echo "100.64.0.0,100.64.0.255,64499,Local Corrections" >"$T/data/local/asn.csv"
touch -d 2020-01-02T00:00:00Z "$T/data/local/asn.csv"
cat >"$T/iotmon.conf" <<CONF
[general]
data_dir = $T/data
[store]
path = $T/iotmon.db
[enrich]
asn_csv = ipdb/asn-ipv4.csv, ipdb/asn-ipv6.csv, local/asn.csv
country_mmdb =
country_csv = ipdb/cc.csv
CONF

"$IOTMON" enrich -c "$T/iotmon.conf" --ip 192.0.2.7 --ip 198.51.100.9 --ip 2001:db8::1 --ip 203.0.113.1 \
	--format json >"$T/out.json" 2>"$T/err"
check_eq "enrich --format json: exit 0" 0 $?
check_eq "enrich: IPv4 with AS and country" \
	'{"ip":"192.0.2.7","asn":64500,"as_name":"Example Net, B.V.","cc":"NL","data_date":"2026-06-17"}' \
	"$(sed -n 1p "$T/out.json")"
check_eq "enrich: numeric range, country only from the country file" \
	'{"ip":"198.51.100.9","asn":64501,"as_name":"Numeric Range Ltd","cc":"BE","data_date":"2026-06-17"}' \
	"$(sed -n 2p "$T/out.json")"
check_eq "enrich: IPv6" '{"ip":"2001:db8::1","asn":64502,"as_name":"Doc Six","cc":"DE","data_date":"2026-06-17"}' \
	"$(sed -n 3p "$T/out.json")"
check_eq "enrich: unknown address" '{"ip":"203.0.113.1","asn":null,"as_name":null,"cc":null,"data_date":null}' \
	"$(sed -n 4p "$T/out.json")"
check_eq "enrich: each file's answer carries that file's date" \
	'{"ip":"100.64.0.1","asn":64499,"as_name":"Local Corrections","cc":null,"data_date":"2020-01-02"}' \
	"$("$IOTMON" enrich -c "$T/iotmon.conf" --ip 100.64.0.1 --format json)"
check_eq "enrich text" "192.0.2.7	AS64500	NL	2026-06-17	Example Net, B.V." \
	"$("$IOTMON" enrich -c "$T/iotmon.conf" --ip 192.0.2.7)"

check_exit "enrich: no address is a usage error" 2 "$IOTMON" enrich -c "$T/iotmon.conf"
check_exit "enrich: bad address is a usage error" 2 "$IOTMON" enrich -c "$T/iotmon.conf" --ip 300.1.1.1
check_exit "enrich: bad format is a usage error" 2 "$IOTMON" enrich -c "$T/iotmon.conf" --ip 1.1.1.1 --format xml
mkdir -p "$T/empty"
sed -e "s|^data_dir = .*|data_dir = $T/empty|" "$T/iotmon.conf" >"$T/nodata.conf"
check_exit "enrich without data: exit 1" 1 "$IOTMON" enrich -c "$T/nodata.conf" --ip 192.0.2.7
check_grep "enrich without data: names the configured file it misses" "enrich.asn_csv: $T/empty/ipdb/asn-ipv4.csv: No such file" "$T/.err"

# Observations are enriched as the import makes them.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for ip in 192.0.2.7 198.51.100.9 2001:db8::1 203.0.113.1; do
	echo "{\"time\":\"$now\",\"kind\":\"login\",\"src_ip\":\"$ip\",\"username\":\"root\",\"password\":\"vizxv\"}"
done >"$T/events.jsonl"
check_cmd "import events" "$IOTMON" import events -c "$T/iotmon.conf" "$T/events.jsonl"
obs() { sqlite3 "$T/iotmon.db" "SELECT ip, coalesce(asn,''), coalesce(cc,'') FROM observations ORDER BY ip"; }
check_eq "import: observations enriched when made" "192.0.2.7|64500|NL
198.51.100.9|64501|BE
2001:db8::1|64502|DE
203.0.113.1||" "$(obs)"

# A data update, then --all.
sed -i -e 's/64500,"Example Net, B.V."/64510,Renamed Net/' "$T/data/ipdb/asn-ipv4.csv"
echo "203.0.113.0,203.0.113.255,FR" >>"$T/data/ipdb/cc.csv"
check_cmd "enrich --all" "$IOTMON" enrich -c "$T/iotmon.conf" --all
check_eq "enrich --all: stored observations re-enriched" "192.0.2.7|64510|NL
198.51.100.9|64501|BE
2001:db8::1|64502|DE
203.0.113.1||FR" "$(obs)"
check_eq "enrich --all: the data date is recorded" "$(($(date -u -d 2026-06-17T19:00:00Z +%s) * 1000000))" \
	"$(sqlite3 "$T/iotmon.db" "SELECT DISTINCT enriched_us FROM observations WHERE ip = '192.0.2.7'")"

# make run's configuration: the sample's documentation ranges override the
# real country MMDB (which places 2001:db8::/32 elsewhere).
check_eq "etc/iotmon.conf: sample ranges answer for documentation addresses" \
	"2001:db8:4::1	AS64502	DE" "$(cd "$ROOT" && "$IOTMON" enrich -c etc/iotmon.conf --ip 2001:db8:4::1 | cut -f1-3)"

# The real data, found without configuration from the source root.
if [ -f "$ROOT/data/ipdb/asn-ipv4.csv" ] && [ -f "$ROOT/data/ipdb/geo-whois-asn-country.mmdb" ]; then
	out=$(cd "$ROOT" && "$IOTMON" enrich --ip 8.8.8.8 --ip 2001:4860:4860::8888 --format json)
	check_grep "real data: 8.8.8.8 is Google, US" '"ip":"8.8.8.8","asn":15169,"as_name":"Google LLC","cc":"US"' \
		"$(printf '%s\n' "$out" >"$T/real.json"; echo "$T/real.json")"
	check_grep "real data: IPv6 too" '"ip":"2001:4860:4860::8888","asn":15169' "$T/real.json"
else
	echo "ok - real data # SKIP data/ipdb not installed (make data)"
fi
