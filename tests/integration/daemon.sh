# `iotmon run`: ready line, clean stop on SIGTERM and SIGINT, privilege drop,
# refusal to stay root.
. "$(dirname "$0")/../lib.sh"

printf '[general]\nuser = nobody\n[store]\npath = %s/var/iotmon.db\n' "$T" >"$T/run.conf"
chmod 755 "$T"

for sig in TERM INT; do
	rm -f "$T/run.err" # the previous round's "ready" must not count
	"$IOTMON" run -c "$T/run.conf" 2>"$T/run.err" &
	pid=$!
	if wait_for_line "$T/run.err" "ready" 10; then ok "run prints ready (SIG$sig case)"; else not_ok "run prints ready" "$(cat "$T/run.err")"; fi
	if [ "$(id -u)" = 0 ]; then
		uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$pid/status")
		nobody=$(id -u nobody)
		check_eq "run no longer runs as root after start-up" "$nobody$nobody$nobody$nobody" "$uid"
	fi
	kill -"$sig" "$pid"
	wait "$pid"
	check_eq "run exits 0 on SIG$sig" 0 "$?"
	check_grep "run says it stopped" "stopped:" "$T/run.err"
done
check_eq "run created and migrated the store" 1 "$(sqlite3 "$T/var/iotmon.db" 'SELECT max(version) >= 1 FROM schema_version')"

if [ "$(id -u)" = 0 ]; then
	printf '[general]\nuser =\n[store]\npath = %s/var/iotmon.db\n' "$T" >"$T/root.conf"
	check_exit "run refuses to stay root without [general] user" 1 "$IOTMON" run -c "$T/root.conf"
	check_grep "the refusal says what to set" "set \[general\] user" "$T/.err"
fi
check_exit "run on a corrupt store exits 1" 1 sh -c "head -c 4096 /dev/urandom > '$T/bad.db'; '$IOTMON' run --db '$T/bad.db' -c '$T/run.conf'"
