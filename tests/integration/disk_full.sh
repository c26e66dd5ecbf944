#!/bin/sh
# The store's disk fills up under the honeypot (a 20 MiB tmpfs this test
# mounts): logins keep being answered, the failing commits are logged at
# most once per 10 s, SIGTERM exits within 5 s, and every accepted event is
# either committed or counted as dropped.
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ]; then
	echo "ok - disk full # SKIP needs root to mount a tmpfs"
	exit 0
fi
mkdir "$T/disk"
mount -t tmpfs -o size=20m,mode=0750 tmpfs "$T/disk" || {
	echo "ok - disk full # SKIP cannot mount a tmpfs"
	exit 0
}
at_exit "umount -l '$T/disk'"
chown nobody "$T/disk"
chmod 711 "$T"
TPORT=$(free_port)
printf '[general]\ndata_dir = %s/data\nuser = nobody\n[store]\nmin_free_mb = 0\n[honeypot]\nhttp =\n' "$ROOT" >"$T/hp.conf"
"$IOTMON" honeypot -c "$T/hp.conf" --db "$T/disk/iotmon.db" --telnet "127.0.0.1:$TPORT" 2>"$T/hp.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
wait_for_line "$T/hp.err" ready 20 || {
	not_ok "honeypot ready" "$(cat "$T/hp.err")"
	exit 1
}
CL="$PY $ROOT/tests/hp_client.py"
$CL login 127.0.0.1 "$TPORT" root xc3511 "echo before" >/dev/null
sleep 1.5
t_fill=$(date +%s)
dd if=/dev/zero of="$T/disk/fill" bs=1M count=40 2>/dev/null
ok=0
i=0
while [ $i -lt 40 ]; do
	$CL login 127.0.0.1 "$TPORT" root xc3511 "echo $(head -c 3000 /dev/zero | tr '\0' x)" >/dev/null 2>&1 && ok=$((ok + 1))
	i=$((i + 1))
done
check_eq "disk full: every login still answered" 40 "$ok"
sleep 3
n=$(grep -c 'not committed yet' "$T/hp.err")
secs=$(($(date +%s) - t_fill))
check_cmd "disk full: failing commits logged at most once per 10 s ($n lines in $secs s)" test "$n" -le $((secs / 10 + 1))
t0=$(date +%s%N)
kill -TERM $pid
wait $pid
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check_cmd "disk full: SIGTERM exits within 5 s ($ms ms)" test "$ms" -lt 5000
check_eq "disk full: exit status 1 (events could not be stored)" 1 "$rc"
line=$(grep 'stopped:' "$T/hp.err")
accepted=$(echo "$line" | sed -n 's/.*stopped: \([0-9]*\) events accepted.*/\1/p')
new=$(echo "$line" | sed -n 's/.*(\([0-9]*\) new).*/\1/p')
dropped=$(echo "$line" | sed -n 's/.*, \([0-9]*\) dropped.*/\1/p')
echo "# $line"
check_cmd "disk full: the stop line counts dropped events ($dropped)" test "${dropped:-0}" -ge 1
check_eq "disk full: accepted = committed + dropped" "$accepted" "$((new + ${dropped:-0}))"
rm -f "$T/disk/fill"
rows=$("$IOTMON" events --db "$T/disk/iotmon.db" | wc -l | tr -d ' ')
check_eq "disk full: the store holds exactly the committed events" "$new" "$rows"
