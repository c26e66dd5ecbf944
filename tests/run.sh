#!/bin/sh
# Runs every test and ends with "N passed, N failed"; exits non-zero on any
# failure. Assumes `make all unit asan fuzz` has been run (make test does).
#
#   tests/run.sh                 everything
#   tests/run.sh integration/x   only scripts whose path contains the word
#
# Each unit test binary (cmocka, TAP output) and each integration script
# (tests/integration/*.sh, TAP "ok"/"not ok" lines via tests/lib.sh) runs in
# its own process with a time limit, so one hang cannot hide the rest.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
export ROOT
filter=${1:-}
passed=0
failed=0
skipped=0
failures=""
LOGDIR=${TEST_LOGDIR:-build/test-logs}
mkdir -p "$LOGDIR"

# run_tap NAME TIMEOUT CMD...: runs CMD, counts its TAP lines.
run_tap() {
	name=$1
	limit=$2
	shift 2
	log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
	timeout -k 10 "$limit" "$@" >"$log" 2>&1
	rc=$?
	# A test that skips itself (TAP "# SKIP", e.g. real data not present)
	# is counted apart, neither passed nor failed.
	skip=$(grep -E -c '^(not )?ok .*# *SKIP' "$log")
	ok=$(grep -E '^ok ' "$log" | grep -E -v -c '# *SKIP')
	nok=$(grep -E '^not ok ' "$log" | grep -E -v -c '# *SKIP')
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		# A crash, a timeout or an error outside any test is a failure too.
		nok=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	passed=$((passed + ok))
	failed=$((failed + nok))
	skipped=$((skipped + skip))
	if [ "$nok" -gt 0 ]; then
		failures="$failures $name"
		echo "FAIL $name ($ok passed, $nok failed; log: $log)"
		grep '^not ok ' "$log" | grep -v 'SKIP' | head -20 | sed 's/^/     /'
		tail -n 15 "$log" | sed 's/^/     | /'
	else
		note=""
		[ "$skip" -gt 0 ] && note=", $skip skipped"
		echo "ok   $name ($ok passed$note)"
	fi
}

# One private PostgreSQL cluster for the whole run (tests/pg.sh), when its
# binaries are installed and IOTMON_TEST_PG is not given already: the store
# conformance suite and the integration scripts then also run on PostgreSQL.
# IOTMON_TEST_PG= (empty) turns that off.
# Only when a selected test uses it (the cluster costs seconds to start).
wants_pg=""
for p in build/release/test/store_conformance_test build/asan/test/store_conformance_test \
	build/release/test/store_experiments_test build/asan/test/store_experiments_test tests/integration/events.sh \
	tests/integration/feeds.sh tests/integration/reports.sh tests/integration/remediation.sh tests/integration/web.sh \
	tests/integration/audit.sh; do
	case "$p" in *"$filter"*) wants_pg=1 ;; esac
done
if [ -z "${IOTMON_TEST_PG+set}" ] && [ -n "$wants_pg" ]; then
	. tests/pg.sh
	if pg_available && pg_start >"$LOGDIR/pg-start.log" 2>&1; then
		trap 'pg_stop' EXIT
		trap 'pg_stop; exit 130' INT TERM
		echo "# PostgreSQL for this run: $IOTMON_TEST_PG (pid $PG_PID)"
	fi
fi

export CMOCKA_MESSAGE_OUTPUT=TAP
for build in release asan tsan; do
	for t in build/$build/test/*_test; do
		[ -x "$t" ] || continue
		case "$t" in *"$filter"*) ;; *) continue ;; esac
		run_tap "unit/$build/$(basename "$t")" 300 "$t"
	done
done
unset CMOCKA_MESSAGE_OUTPUT

# Fuzz smoke: every target runs its seed corpus plus a bounded number of new
# inputs under ASan/UBSan; longer runs are for `scripts/fuzz.sh`.
for f in build/fuzz/bin/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	case "fuzz/$name" in *"$filter"*) ;; *) continue ;; esac
	corpus="fuzz/corpus/${name#fuzz_}"
	work=$(mktemp -d)
	[ -d "$corpus" ] && cp -R "$corpus"/. "$work"/ 2>/dev/null
	run_tap "fuzz/$name" 300 sh -c "'$f' -runs=${FUZZ_RUNS:-20000} -max_len=65536 -timeout=10 '$work' && echo 'ok - $name ${FUZZ_RUNS:-20000} runs'"
	rm -rf "$work"
done

for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *"$filter"*) ;; *) continue ;; esac
	run_tap "$t" 900 sh "$t"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
