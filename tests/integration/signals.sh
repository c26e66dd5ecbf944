#!/bin/sh
# Signals during long work (issue #16): SIGINT while the telescope stores its
# scan events stops it promptly with exit status 130, and what it says it
# stored is what the store holds; a progress line is shown while storing
# on a terminal only; `serve` stops on SIGINT.
. "$(dirname "$0")/../lib.sh"

cc -O2 -o "$T/gen" "$ROOT/bench/telescope/bench_telescope_gen.c" || exit 1
"$T/gen" "$T/cap.pcap" 200000 40000 >/dev/null
# One event a transaction (a disk sync each): storing takes seconds.
printf '[store]\nbatch_size = 1\nbatch_interval_ms = 10\n[enrich]\nasn_csv =\ncountry_mmdb =\n' >"$T/slow.conf"

"$IOTMON" telescope -c "$T/slow.conf" --db "$T/int.db" "$T/cap.pcap" 2>"$T/int.err" &
pid=$!
i=0
while [ "$(sqlite3 "$T/int.db" 'SELECT count(*) FROM events' 2>/dev/null || echo 0)" -lt 50 ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$pid"
start=$(date +%s)
wait "$pid"
rc=$?
took=$(($(date +%s) - start))
check_eq "SIGINT while storing scan events: exit status 130" 130 "$rc"
if [ "$took" -le 3 ]; then ok "it stopped within 3 s ($took s)"; else not_ok "it stopped within 3 s" "took $took s"; fi
said=$(sed -n 's/.*interrupted: \([0-9]*\) scan events stored.*/\1/p' "$T/int.err")
stored=$(sqlite3 "$T/int.db" 'SELECT count(*) FROM events')
check_eq "what it says it stored is what the store holds" "$said" "$stored"
all=$("$IOTMON" telescope -q -c "$T/slow.conf" --no-store --summary "$T/cap.pcap" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["sources"])')
if [ "$stored" -gt 0 ] && [ "$stored" -lt "$all" ]; then
	ok "an interrupted run stored part of the events ($stored)"
else
	not_ok "an interrupted run stored part of the events" "stored $stored of at most $all"
fi

# Progress while storing: on a terminal only.
printf '[store]\nbatch_size = 20\nbatch_interval_ms = 10\n[enrich]\nasn_csv =\ncountry_mmdb =\n' >"$T/p.conf"
$PY - "$IOTMON" "$T/p.conf" "$T/tty.db" "$T/cap.pcap" >"$T/tty.out" <<'PYEOF'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "telescope", "-c", sys.argv[2], "--db", sys.argv[3], sys.argv[4]])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
PYEOF
check_grep "a terminal shows progress while scan events are stored" "storing scan events: .*% .* of .* sources" "$T/tty.out"
"$IOTMON" telescope -c "$T/p.conf" --db "$T/notty.db" "$T/cap.pcap" 2>"$T/notty.err"
check_eq "a script gets no progress line" 0 "$(grep -c 'storing scan events' "$T/notty.err")"

# serve stops on SIGINT.
"$IOTMON" import events -q --db "$T/web.db" "$ROOT/tests/fixtures/feeds_events.jsonl"
port=$(free_port)
"$IOTMON" serve --db "$T/web.db" --listen "127.0.0.1:$port" 2>"$T/serve.err" &
spid=$!
at_exit "kill $spid 2>/dev/null"
wait_for_line "$T/serve.err" "serving" 10
curl -s -o /dev/null "http://127.0.0.1:$port/"
kill -INT "$spid"
i=0
while kill -0 "$spid" 2>/dev/null && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$spid" 2>/dev/null; then
	not_ok "serve stops within 5 s of SIGINT" "$(cat "$T/serve.err")"
else
	wait "$spid"
	check_eq "serve stops on SIGINT with exit status 0" 0 "$?"
fi
check_grep "serve says it stopped" "stopped" "$T/serve.err"
