#!/bin/sh
# Obtains the default enrichment data into data/ipdb/ (idempotent):
# the public ip-location-db packages from the npm registry,
#   @ip-location-db/asn                          ASN ranges (CSV; licences inside)
#   @ip-location-db/geo-whois-asn-country-mmdb   country MMDB (licences inside)
# Every command finds them there without configuration. Without npm or the
# registry, this warns and leaves the folder as it is: the project still
# builds and its tests that need the real data say they were skipped.
set -u
cd "$(dirname "$0")/.."
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
