#!/bin/sh
# bench/audit/run.sh - `iotmon audit` beside the tools a lab uses today, on
# the same lab (tests/audit_lab.sh: eight devices in network namespaces).
#
#   sudo bench/audit/run.sh            # prints times, findings and misses
#
# 1. Whole-lab time: `iotmon audit --lab` against
#    `nmap -sV --script telnet-brute,http-default-accounts,ftp-anon,
#    ssl-enum-ciphers,mqtt-subscribe` on the same ports, all eight hosts at
#    once in both (iotmon: [audit] max_parallel 16; nmap: --min-hostgroup 8),
#    the brute-force scripts given iotmon's first 20 credentials.
# 2. Findings: every finding of nmap, testssl.sh, sslscan and ssh-audit for
#    the audit's provisions must be a failed test in iotmon's report
#    (compare.py); misses are listed and make the exit status 1.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/audit_lab.sh"
audit_lab_up
OUT=${AUDIT_BENCH_OUT:-$ROOT/build/bench-audit}
mkdir -p "$OUT"
PORTS=21,22,23,80,81,443,554,1883,2323,5555,7547,8080,8443,8883,37215,52869
HOSTS="10.77.1.2 10.77.2.2 10.77.3.2 10.77.4.2 10.77.5.2 10.77.6.2 10.77.7.2 10.77.8.2"
grep -v '^#' "$ROOT/data/audit-credentials.tsv" | head -20 | awk -F'\t' '{print $1 "/" $2}' >"$T/creds.nmap"
inaud() { ip netns exec "$AUD" "$@"; }
now() { date +%s.%N; }

echo "# load before: $(uptime)"
t0=$(now)
inaud "$IOTMON" audit -c "$T/iotmon.conf" --format json --lab "$T/lab.csv" >"$OUT/iotmon.json" 2>"$OUT/iotmon.err"
t1=$(now)
# AUDIT_BENCH_KEEP_NMAP=1 reuses the last nmap run's output (minutes) to
# recheck only the other tools.
[ -n "${AUDIT_BENCH_KEEP_NMAP:-}" ] && [ -s "$OUT/nmap.xml" ] || inaud nmap -n -Pn -sV --min-hostgroup 8 -p "$PORTS" \
	--script telnet-brute,http-default-accounts,ftp-anon,ssl-enum-ciphers,mqtt-subscribe \
	--script-args "brute.mode=creds,brute.credfile=$T/creds.nmap,brute.firstonly=true" \
	-oX "$OUT/nmap.xml" $HOSTS >"$OUT/nmap.txt" 2>&1
t2=$(now)
iotmon_s=$(echo "$t1 - $t0" | bc)
nmap_s=$(echo "$t2 - $t1" | bc)
echo "# load after: $(uptime)"
[ -n "${AUDIT_BENCH_KEEP_NMAP:-}" ] && nmap_s=0 && echo "# nmap not run again: no ratio"
[ "$nmap_s" = 0 ] || printf 'iotmon audit (whole lab): %.1f s\nnmap -sV --script ... (same lab, same ports): %.1f s\nratio: %.2f\n' \
	"$iotmon_s" "$nmap_s" "$(echo "$iotmon_s / $nmap_s" | bc -l)"

# TLS and SSH tools on their devices (not timed: one service each).
printf 'openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nMinProtocol = TLSv1\nCipherString = DEFAULT@SECLEVEL=0\n' \
	>"$T/openssl-legacy.cnf"
# testssl.sh empties OPENSSL_CONF itself: a wrapper binary carries it.
printf '#!/bin/sh\nOPENSSL_CONF=%s exec /usr/bin/openssl "$@"\n' "$T/openssl-legacy.cnf" >"$T/openssl-legacy"
chmod +x "$T/openssl-legacy"
for h in 10.77.6.2 10.77.8.2; do
	inaud sslscan --no-colour "$h:443" >"$OUT/sslscan-$h.txt" 2>&1
	# Debian's openssl refuses TLS 1.0 by default: testssl needs it to see the old device.
	rm -f "$OUT/testssl-$h.json"
	# The lab's CA is trusted by both tools (iotmon: [audit] ca_file).
	inaud testssl --openssl "$T/openssl-legacy" --quiet --color 0 -p -S -s --add-ca "$T/ca.crt" \
		--jsonfile "$OUT/testssl-$h.json" \
		"$h:443" >/dev/null 2>&1
done
{ echo "# target 10.77.2.2"; inaud ssh-audit -n -l warn 10.77.2.2; } >"$OUT/ssh-audit.txt" 2>&1
$PY "$ROOT/bench/audit/compare.py" "$OUT"
