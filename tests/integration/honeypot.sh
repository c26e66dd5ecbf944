#!/bin/sh
# iotmon honeypot with real clients on loopback: telnet, busybox telnet,
# hydra, a Mirai-style dialogue; SIGTERM flushes; the Cowrie log imports
# back into a second store with the same logins and commands.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"

hp_start main

# --- netkit telnet: what was typed is what the events say ---
{
	sleep 1
	printf 'root\r\n'
	sleep 0.4
	printf 'xc3511\r\n'
	sleep 0.4
	printf 'uname -a\r\n'
	sleep 0.4
	printf "echo 'hello   world' && id\r\n"
	sleep 0.4
	printf 'exit\r\n'
	sleep 0.6
} | telnet 127.0.0.1 "$TPORT" >"$T/telnet.out" 2>&1
check_grep "telnet: uname -a answered from the profile" "Linux (none) 3.10.14" "$T/telnet.out"
check_grep "telnet: echo output" "hello   world" "$T/telnet.out"
check_grep "telnet: id output" "uid=0(root) gid=0(root)" "$T/telnet.out"

# --- busybox telnet ---
{
	sleep 1
	printf 'admin\r\n'
	sleep 0.4
	printf 'admin\r\n'
	sleep 0.4
	printf '/bin/busybox XYZZY\r\n'
	sleep 0.4
	printf 'cat /proc/mounts\r\n'
	sleep 0.4
	printf 'exit\r\n'
	sleep 0.6
} | busybox telnet 127.0.0.1 "$TPORT" >"$T/bb.out" 2>&1
check_grep "busybox telnet: applet-not-found line" "XYZZY: applet not found" "$T/bb.out"
check_grep "busybox telnet: /proc/mounts" "tmpfs /tmp tmpfs rw" "$T/bb.out"

# --- hydra: K pairs, exactly K login events (one task per pair: Debian's
# hydra 9.4 garbles the second pair it sends on a reused telnet connection)
K=16
i=1
while [ $i -le $K ]; do
	echo "hyuser$i:hypass$i"
	i=$((i + 1))
done >"$T/pairs.txt"
timeout 120 hydra -C "$T/pairs.txt" -t $K -I "telnet://127.0.0.1:$TPORT" >"$T/hydra.out" 2>&1
check_grep "hydra ran all pairs" "$K login tries" "$T/hydra.out"

# --- Mirai scanner dialogue ---
check_cmd "mirai dialogue completes (applet-not-found seen)" $PY "$ROOT/tests/hp_client.py" mirai 127.0.0.1 "$TPORT" root vizxv MIRAI

hp_stop
check_eq "SIGTERM: exit status 0" 0 "$HP_EXIT"

hp_events main --kind command --src 127.0.0.1 >"$T/cmds.json"
for typed in "uname -a" "echo 'hello   world' \&\& id" "/bin/busybox XYZZY" "cat /proc/mounts" "exit"; do
	check_grep "event says exactly what was typed: $typed" "\"input\":\"$typed\"" "$T/cmds.json"
done
n=$(hp_events main --kind login | grep -c '"username":"hyuser[0-9]*","password":"hypass[0-9]*"')
check_eq "hydra: exactly $K login events" "$K" "$n"
n=$(hp_events main --kind login | grep '"username":"hyuser' | sed 's/.*"username":"\([^"]*\)".*/\1/' | sort -u | wc -l | tr -d ' ')
check_eq "hydra: $K distinct pairs (none lost, none doubled)" "$K" "$n"

# The Mirai session: one session attributed mirai with its credentials,
# commands and token.
hp_events main --family mirai >"$T/mirai.json"
check_eq "mirai: one session" 1 "$(grep -c '"kind":"session"' "$T/mirai.json")"
check_grep "mirai: credentials" '"kind":"login".*"username":"root","password":"vizxv","success":true' "$T/mirai.json"
check_eq "mirai: five commands" 5 "$(grep -c '"kind":"command"' "$T/mirai.json")"
check_grep "mirai: busybox token in the session event" '"busybox_token":"MIRAI"' "$T/mirai.json"
check_grep "mirai: the token command" '"input":"/bin/busybox MIRAI"' "$T/mirai.json"
check_eq "telnet session of a person is not mirai" 0 "$(hp_events main --family mirai | grep -c 'hello')"

# --- Cowrie log round trip: a second store gets the same logins/commands ---
"$IOTMON" import cowrie --db "$T/rt.db" "$T/main.cowrie.json" 2>"$T/rt.err"
check_eq "cowrie log: imported without bad lines" "0" "$(grep -c ':[0-9]*: ' "$T/rt.err")"
for kind in login command session; do
	a=$(hp_events main --kind $kind | sed 's/.*"session":"\([^"]*\)".*"seq".*/\1/' | wc -l | tr -d ' ')
	b=$("$IOTMON" events --db "$T/rt.db" --kind $kind | wc -l | tr -d ' ')
	check_eq "cowrie round trip: same number of $kind events" "$a" "$b"
done
strip() { sed 's/.*"kind":"\([a-z]*\)".*"session":"\([^"]*\)".*"seq":\([0-9]*\).*"username":\("[^"]*"\),"password":\("[^"]*"\).*/\1 \2 \4 \5/; s/.*"kind":"command".*"session":"\([^"]*\)".*"input":\(".*"\)}$/command \1 \2/'; }
hp_events main --kind login | strip | sort >"$T/a.txt"
"$IOTMON" events --db "$T/rt.db" --kind login | strip | sort >"$T/b.txt"
check_cmd "cowrie round trip: identical login pairs per session" cmp "$T/a.txt" "$T/b.txt"
hp_events main --kind command | strip | sort >"$T/a.txt"
"$IOTMON" events --db "$T/rt.db" --kind command | strip | sort >"$T/b.txt"
check_cmd "cowrie round trip: identical commands per session" cmp "$T/a.txt" "$T/b.txt"
check_eq "cowrie round trip: mirai attribution survives" 1 \
	"$("$IOTMON" events --db "$T/rt.db" --kind session --family mirai | wc -l | tr -d ' ')"
