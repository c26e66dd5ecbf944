# The README's run command on a terminal: the monitor starts on the embedded
# default with the sample data, says ready, serves the honeypot and the
# dashboard on localhost, and Ctrl-C stops it with exit status 0.
. "$(dirname "$0")/../lib.sh"

chmod 755 "$T"
session="iotmon-run-$$"
at_exit "tmux kill-session -t $session 2>/dev/null"
tmux new-session -d -s "$session" -x 200 -y 50 \
	"cd '$ROOT' && IOTMON_VAR='$T/var' ./scripts/run-default.sh 2>'$T/run.err'; echo \$? >'$T/status'"
if wait_for_line "$T/run.err" "ready" 30; then ok "run prints ready"; else not_ok "run prints ready" "$(cat "$T/run.err")"; fi
check_grep "the honeypot runs" "service honeypot running" "$T/run.err"
check_grep "the dashboard runs" "service web running" "$T/run.err"
check_eq "sample data loaded" 1 "$(sqlite3 "$T/var/iotmon.db" 'SELECT count(*) > 1000 FROM observations')"
curl -s -o "$T/page.html" -w '%{http_code}' http://127.0.0.1:8080/ >"$T/code"
check_eq "the dashboard answers on localhost" 200 "$(cat "$T/code")"
curl -s -o "$T/manufacturers.html" http://127.0.0.1:8080/manufacturers
check_eq "the manufacturers page has rows from the sample devices" 1 \
	"$(grep -o '<tr data-key=' "$T/manufacturers.html" | wc -l | awk '{print ($1 > 3)}')"
printf 'root\r\nxc3511\r\n' | timeout 3 nc 127.0.0.1 2323 >"$T/telnet.out" 2>/dev/null
check_grep "the honeypot answers on localhost" "login" "$T/telnet.out"
tmux send-keys -t "$session" C-c
i=0
while [ ! -s "$T/status" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "Ctrl-C stops it with exit status 0" 0 "$(cat "$T/status" 2>/dev/null)"
check_grep "it says it stopped" "stopped:" "$T/run.err"
