# tests/lib.sh - shared helpers for integration tests (POSIX sh).
#
# Source it first; it creates $T (a scratch folder removed at exit) and
# provides TAP assertions. Every assertion prints "ok - NAME" or
# "not ok - NAME" with the evidence, which tests/run.sh counts.
set -u
: "${ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
IOTMON=${IOTMON:-$ROOT/iotmon}
PY=/usr/bin/python3 # Debian's, which has scapy and aiosmtpd
T=$(mktemp -d /tmp/iotmon-test.XXXXXX)
# Fixtures use documentation addresses (RFC 5737, RFC 3849; some 10/8 and
# 198.18/15) and tests talk over loopback: special-purpose ranges that are
# never devices unless a lab allows them (docs/addresses.md). The suite is
# such a lab; a test of the rule itself sets IOTMON_LAB_PREFIXES= (empty).
IOTMON_LAB_PREFIXES=${IOTMON_LAB_PREFIXES-192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32,198.18.0.0/15,10.0.0.0/8,127.0.0.0/8,::1/128}
export IOTMON_LAB_PREFIXES
_cleanups=""
at_exit() { _cleanups="$1; $_cleanups"; }
trap 'eval "$_cleanups"; rm -rf "$T"' EXIT INT TERM

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# check_cmd NAME CMD...: passes when CMD exits 0.
check_cmd() {
	name=$1
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "command failed: $*" "$out"; fi
}

# check_exit NAME CODE CMD...: passes when CMD exits with CODE.
check_exit() {
	name=$1
	want=$2
	shift 2
	"$@" >"$T/.out" 2>"$T/.err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else not_ok "$name" "exit $got, wanted $want: $*" "$(head -c 600 "$T/.err")"; fi
}

# check_grep NAME PATTERN FILE: passes when FILE has a line matching PATTERN.
check_grep() {
	if grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no line matching '$2' in $3" "$(head -c 600 "$3")"; fi
}

# wait_for_line FILE PATTERN SECONDS: waits until FILE has a matching line.
wait_for_line() {
	i=0
	while [ "$i" -lt $(($3 * 10)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# free_port: an unused TCP port on loopback.
# free_port: a loopback port no other test or outgoing connection will take
# before the caller binds it (see tests/free_port.py).
free_port() {
	$PY "$ROOT/tests/free_port.py"
}

# jq-free JSON field access for tests: json_get FILE EXPR (Python expression on `d`).
json_get() {
	$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
