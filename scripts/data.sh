#!/bin/sh
# Obtains the default enrichment data into data/ipdb/ (idempotent):
# the public ip-location-db packages from the npm registry,
#   @ip-location-db/asn                          ASN ranges (CSV; licences inside)
#   @ip-location-db/geo-whois-asn-country-mmdb   country MMDB (licences inside)
# and the dashboard's world map into data/map/ (world.tsv, from Natural
# Earth's 1:110m countries in the npm package world-atlas, converted by
# scripts/world-map.py; licences beside it).
# Every command finds them there without configuration. Without npm or the
# registry, this warns and leaves the folder as it is: the project still
# builds and its tests that need the real data say they were skipped (the
# countries page then says the map is not installed).
set -u
cd "$(dirname "$0")/.."

# --- the world map -----------------------------------------------------------
MAP=data/map
ISO=/usr/share/iso-codes/json/iso_3166-1.json
if [ -f "$MAP/world.tsv" ]; then
	echo "data: $MAP present ($(cat "$MAP/VERSION" 2>/dev/null || echo unknown version))"
elif ! command -v npm >/dev/null 2>&1 || [ ! -f "$ISO" ]; then
	echo "data: npm or $ISO (Debian package iso-codes) missing; world map not installed" >&2
else
	mwork=$(mktemp -d)
	if (cd "$mwork" && npm pack --silent world-atlas@2 >/dev/null) && tar xzf "$mwork"/world-atlas-*.tgz -C "$mwork" &&
		mkdir -p "$MAP" && ./scripts/world-map.py "$mwork/package/countries-110m.json" "$ISO" >"$mwork/world.tsv"; then
		cp "$mwork/package/LICENSE" "$MAP/LICENSE-world-atlas"
		printf '%s\n' "Map data: Natural Earth (naturalearthdata.com), public domain; TopoJSON by world-atlas (ISC)." \
			>"$MAP/README"
		basename "$mwork"/world-atlas-*.tgz .tgz >"$MAP/VERSION"
		mv "$mwork/world.tsv" "$MAP/world.tsv"
		echo "data: installed the world map into $MAP ($(cat "$MAP/VERSION"))"
	else
		echo "data: world-atlas could not be fetched or converted; world map not installed" >&2
	fi
	rm -rf "$mwork"
fi

# --- enrichment ---------------------------------------------------------------
DEST=data/ipdb
mkdir -p "$DEST"
if [ -f "$DEST/asn-ipv4.csv" ] && [ -f "$DEST/geo-whois-asn-country.mmdb" ]; then
	echo "data: $DEST present ($(cat "$DEST/VERSION" 2>/dev/null || echo unknown version))"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "data: npm not found; run scripts/setup.sh first (enrichment data not installed)" >&2
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "data: fetching @ip-location-db/asn and @ip-location-db/geo-whois-asn-country-mmdb with npm pack"
if ! (cd "$work" && npm pack --silent @ip-location-db/asn @ip-location-db/geo-whois-asn-country-mmdb >/dev/null); then
	echo "data: npm pack failed; enrichment data not installed" >&2
	exit 0
fi
for tgz in "$work"/*.tgz; do
	mkdir -p "$work/x"
	tar xzf "$tgz" -C "$work/x"
	pkg=$(basename "$tgz" .tgz)
	for f in "$work"/x/package/*; do
		case "$(basename "$f")" in
		asn-ipv4.csv | asn-ipv6.csv | geo-whois-asn-country.mmdb) mv "$f" "$DEST/" ;;
		*LICENSE* | MODIFICATIONS | README.md) mv "$f" "$DEST/$pkg-$(basename "$f")" ;;
		esac
	done
	echo "$pkg" >>"$work/versions"
	rm -rf "$work/x"
done
sort "$work/versions" >"$DEST/VERSION"
echo "data: installed into $DEST: $(tr '\n' ' ' <"$DEST/VERSION")"
