#!/bin/sh
# telescope_repeat: the same capture stored 20 times with 1, 2 and 4 threads
# gives byte-identical summaries, --sources rows and stored events
# (`iotmon events`). The capture (the benchmark's deterministic generator)
# spans several aggregation rounds; the store batches are small so the
# writer commits many times while sources are emitted. Every other run asks
# for --sources too (rows sorted), the others not: the stored events must
# not depend on it. No enrichment data: it is not under test here.
. "$(dirname "$0")/../lib.sh"

RUNS=${TELESCOPE_REPEAT_RUNS:-20}
cc -O2 -o "$T/gen" "$ROOT/bench/telescope/bench_telescope_gen.c" || exit 1
"$T/gen" "$T/cap.pcap" 140000 8000 >/dev/null
cat >"$T/iotmon.conf" <<EOF
[store]
batch_size = 300
batch_interval_ms = 10
queue_max = 1000
[enrich]
asn_csv =
country_mmdb =
EOF

first=""
for threads in 1 2 4; do
	differ=0
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		rm -f "$T/t.db"
		sources=""
		[ $((i % 2)) -eq 0 ] && sources="--sources csv"
		# shellcheck disable=SC2086 # $sources is two words or none
		"$IOTMON" telescope -q -c "$T/iotmon.conf" --db "$T/t.db" --summary $sources \
			--threads "$threads" "$T/cap.pcap" >"$T/out" 2>"$T/err" || differ=$((differ + 1000))
		"$IOTMON" events -q --db "$T/t.db" >"$T/events" 2>>"$T/err"
		# The summary is the last line; the rows (when asked for) come first.
		if [ -n "$sources" ]; then
			head -n -1 "$T/out" >"$T/rows"
			if [ -z "${first_rows:-}" ]; then
				first_rows=$(md5sum <"$T/rows")
				nrows=$(wc -l <"$T/rows")
			elif [ "$(md5sum <"$T/rows")" != "$first_rows" ]; then
				differ=$((differ + 1))
			fi
		fi
		tail -n 1 "$T/out" >"$T/this"
		cat "$T/events" >>"$T/this"
		sum=$(md5sum <"$T/this")
		if [ -z "$first" ]; then
			first=$sum
			cp "$T/this" "$T/first"
			nevents=$(grep -c '"kind":"scan"' "$T/events")
		elif [ "$sum" != "$first" ]; then
			differ=$((differ + 1))
			cp "$T/this" "$T/differs"
		fi
		i=$((i + 1))
	done
	if [ "$differ" -eq 0 ]; then
		ok "$RUNS stored runs with $threads threads: identical summary, sources and events"
	else
		not_ok "$RUNS stored runs with $threads threads: identical summary, sources and events" \
			"$differ runs differ from the first" "$(diff "$T/first" "$T/differs" 2>/dev/null | head -5)"
	fi
done
# The runs above would also agree if nothing were stored at all.
if [ "${nevents:-0}" -gt 2000 ] && [ "${nrows:-0}" -gt 5000 ]; then
	ok "the runs stored $nevents scan events (more than six store batches) and printed $nrows rows"
else
	not_ok "the runs stored many scan events" "scan events: ${nevents:-0}, rows: ${nrows:-0}"
fi
