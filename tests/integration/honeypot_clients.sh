#!/bin/sh
# Real brute-forcers against the honeypot (profile busybox-1.35, BusyBox's
# 3 s login delay) and against the real BusyBox 1.35 telnetd side by side:
# hydra -t 1, 2, 4, medusa, ncrack, nmap telnet-brute, busybox telnet and a
# no-wait (type-ahead) client, all at once. hp_wire.py proxies read the
# pairs each client sent off the wire; the honeypot must store each exactly
# once as sent, accept what its policy says (data/credentials.txt; the real
# device has the accounts of it these clients find), and show the same
# attempted/exact/garbled/missing row as the real device (issue 14's table).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"
. "$ROOT/tests/bb_ref.sh"

bb_ref_skip_unless_ready
RPORT=$(free_port)
if ! bb_ref_start "$RPORT"; then
	not_ok "real BusyBox telnetd started" "$(cat "$T/bbref.$RPORT/err" 2>/dev/null)"
	exit 1
fi
printf 'admin\nsupport\nguest\n' >"$T/users"
printf 'xx1\nadmin\nxx2\nguest\n' >"$T/pws"

# client NAME COMMAND [racy]: COMMAND (with $PORT) against a honeypot of its own
# and the real device, through wire-reading proxies; then the table row.
client() {
	(
		_cleanups=""
		trap 'eval "$_cleanups"' EXIT
		name=$1
		hp_start "$name" "profile = busybox-1.35" "max_sessions_per_ip = 1000"
		ph=$(free_port)
		pr=$(free_port)
		$PY "$ROOT/tests/hp_wire.py" "$ph" "$TPORT" "$T/$name.wire_hp" >"$T/$name.proxy_hp" 2>&1 &
		at_exit "kill $!"
		$PY "$ROOT/tests/hp_wire.py" "$pr" "$RPORT" "$T/$name.wire_real" >"$T/$name.proxy_real" 2>&1 &
		at_exit "kill $!"
		for side in hp real; do
			if ! wait_for_line "$T/$name.proxy_$side" ready 10; then
				not_ok "$name: wire proxy ($side) ready" "$(cat "$T/$name.proxy_$side")" >"$T/$name.tap"
				exit 1
			fi
		done
		PORT=$ph
		eval "timeout 150 $2" >"$T/$name.out_hp" 2>&1 &
		a=$!
		PORT=$pr
		eval "timeout 150 $2" >"$T/$name.out_real" 2>&1 &
		b=$!
		wait $a $b
		sleep 0.5
		hp_stop
		hp_events "$name" --kind login >"$T/$name.events"
		$PY "$ROOT/tests/hp_pairs.py" "$name" "$T/users" "$T/pws" "$T/$name.wire_hp" "$T/$name.wire_real" \
			"$T/$name.events" "$ROOT/data/credentials.txt" "${3:-strict}" >"$T/$name.tap"
		# On a failure, what the honeypot, the proxy and the client said.
		if grep -q '^not ok' "$T/$name.tap"; then
			for f in err proxy_hp out_hp; do
				echo "# --- $name.$f (last 15 lines)"
				tail -n 15 "$T/$name.$f" | sed 's/^/#   /'
			done >>"$T/$name.tap"
		fi
	) &
	CLIENTS="${CLIENTS:-} $!"
}

# busybox telnet typing a wrong pair, waiting out the delay, then a good one
cat >"$T/bbtelnet.sh" <<'EOS'
{
	sleep 1
	printf 'admin\n'
	sleep 0.5
	printf 'xx1\n'
	sleep 4
	printf 'admin\n'
	sleep 0.5
	printf 'admin\n'
	sleep 1
	printf 'exit\n'
	sleep 0.5
} | busybox telnet 127.0.0.1 "$1"
EOS

client hydra1 'hydra -L "$T/users" -P "$T/pws" -t 1 -I "telnet://127.0.0.1:$PORT"'
client hydra2 'hydra -L "$T/users" -P "$T/pws" -t 2 -I "telnet://127.0.0.1:$PORT"' racy
client hydra4 'hydra -L "$T/users" -P "$T/pws" -t 4 -I "telnet://127.0.0.1:$PORT"' racy
client medusa 'medusa -h 127.0.0.1 -n "$PORT" -U "$T/users" -P "$T/pws" -M telnet'
client ncrack 'ncrack --user admin,support,guest --pass xx1,admin,xx2,guest "telnet://127.0.0.1:$PORT"'
client nmap 'nmap -n -Pn -sV --version-intensity 0 -p "$PORT" --script telnet-brute --script-args "userdb=$T/users,passdb=$T/pws" 127.0.0.1' racy
client bbtelnet 'sh "$T/bbtelnet.sh" "$PORT"'
client nowait '$PY "$ROOT/tests/hp_client.py" nowait 127.0.0.1 "$PORT" admin:xx1 support:xx2 admin:admin'
wait $CLIENTS
echo "# | client | honeypot: attempted / exact / garbled / missing | real device |"
for c in hydra1 hydra2 hydra4 medusa ncrack nmap bbtelnet nowait; do
	cat "$T/$c.tap" 2>/dev/null || not_ok "$c: ran" "$(tail -5 "$T/$c.out_hp")"
done
