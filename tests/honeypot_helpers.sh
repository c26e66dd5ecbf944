# honeypot_helpers.sh - start/stop the honeypot for integration tests.
# Source after tests/lib.sh. hp_start NAME [CONFIG-LINES...] starts
# `iotmon honeypot` with its own store $T/NAME.db, telnet port $TPORT, HTTP
# port $HPORT and Cowrie log $T/NAME.cowrie.json; hp_stop sends SIGTERM and
# sets $HP_EXIT.

# The binary under test: the ASan/UBSan build when present, so hostile
# input that corrupts memory fails the test.
HP_BIN=$IOTMON
[ -x "$ROOT/build/asan/iotmon" ] && [ "${HP_NO_ASAN:-}" = "" ] && HP_BIN=$ROOT/build/asan/iotmon

hp_start() {
	HP_NAME=$1
	shift
	TPORT=$(free_port)
	HPORT=$(free_port)
	{
		echo "[general]"
		echo "data_dir = $ROOT/data"
		# root must drop privileges after binding
		[ "$(id -u)" = 0 ] && echo "user = nobody"
		echo "[honeypot]"
		for line in "$@"; do echo "$line"; done
	} >"$T/$HP_NAME.conf"
	# The Cowrie log is opened after the privilege drop: as root, the test
	# hands it to nobody (a deployment's var folder belongs to the user).
	if [ "$(id -u)" = 0 ]; then
		chmod 711 "$T"
		: >>"$T/$HP_NAME.cowrie.json"
		chown nobody "$T/$HP_NAME.cowrie.json"
	fi
	"$HP_BIN" honeypot -c "$T/$HP_NAME.conf" --db "$T/$HP_NAME.db" --telnet "127.0.0.1:$TPORT" \
		--http "127.0.0.1:$HPORT" --cowrie-log "$T/$HP_NAME.cowrie.json" 2>"$T/$HP_NAME.err" &
	HP_PID=$!
	at_exit "kill $HP_PID 2>/dev/null"
	if ! wait_for_line "$T/$HP_NAME.err" ready 20; then
		not_ok "$HP_NAME: honeypot ready" "$(cat "$T/$HP_NAME.err")"
		exit 1
	fi
}

hp_stop() {
	kill -TERM "$HP_PID"
	wait "$HP_PID"
	HP_EXIT=$?
}

# hp_events NAME ARGS...: `iotmon events` on the honeypot's store.
hp_events() {
	n=$1
	shift
	"$IOTMON" events --db "$T/$n.db" "$@"
}
