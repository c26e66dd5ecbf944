#!/bin/sh
# Files the daemon writes (issue #15): modes 0640 at most (umask 027), a
# symlink planted at the Cowrie log is not followed, the log is opened
# after the privilege drop, and a shared (group/world-writable)
# configuration, store folder or data folder is refused with a clear error.
. "$(dirname "$0")/../lib.sh"
TPORT=$(free_port)
chmod 711 "$T"
mkdir -m 750 "$T/var"
[ "$(id -u)" = 0 ] && chown nobody "$T/var"
conf() {
	{
		echo "[general]"
		echo "data_dir = $ROOT/data"
		[ "$(id -u)" = 0 ] && echo "user = nobody"
		echo "[honeypot]"
		echo "telnet = 127.0.0.1:$TPORT"
		echo "http ="
		echo "cowrie_log = $1"
	} >"$T/hp.conf"
}
hp() { "$IOTMON" honeypot -c "$T/hp.conf" --db "$T/var/iotmon.db" "$@"; }

conf "$T/var/cowrie.json"
"$IOTMON" honeypot -c "$T/hp.conf" --db "$T/var/iotmon.db" 2>"$T/hp.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
wait_for_line "$T/hp.err" ready 20 || not_ok "honeypot ready" "$(cat "$T/hp.err")"
$PY "$ROOT/tests/hp_client.py" login 127.0.0.1 "$TPORT" root xc3511 "uname" >/dev/null
kill -TERM $pid
wait $pid
check_eq "honeypot exits 0" 0 "$?"
mode() { stat -c %a "$1"; }
check_eq "store is 0640" 640 "$(mode "$T/var/iotmon.db")"
check_eq "Cowrie log is 0640" 640 "$(mode "$T/var/cowrie.json")"
check_grep "Cowrie log has the login" '"eventid":"cowrie.login.success"' "$T/var/cowrie.json"
if [ "$(id -u)" = 0 ]; then
	check_eq "Cowrie log created by the service user (opened after the drop)" nobody "$(stat -c %U "$T/var/cowrie.json")"
fi

# A symlink planted at the log's path: refused, its target untouched.
echo "precious" >"$T/target"
ln -s "$T/target" "$T/var/planted.json"
conf "$T/var/planted.json"
check_exit "symlinked Cowrie log: refused" 1 hp
check_grep "symlinked Cowrie log: the error says why" "symlink: not followed" "$T/.err"
check_eq "symlinked Cowrie log: target untouched" precious "$(cat "$T/target")"

# Shared folders and files.
conf "$T/var/cowrie.json"
chmod 777 "$T/var"
check_exit "world-writable store folder: refused" 1 hp
check_grep "world-writable store folder: named with its mode" "store folder $T/var is writable by everyone (mode 0777)" "$T/.err"
chmod 770 "$T/var"
check_exit "group-writable store folder: refused" 1 hp
check_grep "group-writable store folder: says group" "writable by its group" "$T/.err"
chmod 750 "$T/var"
chmod 666 "$T/hp.conf"
check_exit "world-writable configuration: refused" 1 hp
check_grep "world-writable configuration: named" "configuration $T/hp.conf is writable by everyone" "$T/.err"
chmod 640 "$T/hp.conf"
mkdir -m 777 "$T/data"
cp -r "$ROOT/data/." "$T/data/"
chmod 777 "$T/data"
sed -i "s|^data_dir = .*|data_dir = $T/data|" "$T/hp.conf"
check_exit "world-writable data folder: refused" 1 hp
check_grep "world-writable data folder: named" "data folder $T/data is writable by everyone" "$T/.err"
