# tests/pg.sh - a private PostgreSQL 15 cluster for tests and benchmarks.
#
# Source it, then:
#   pg_start [POSTGRES -c OPTIONS...]   initdb + pg_ctl start on a free loopback
#                                        port; exports IOTMON_TEST_PG (a libpq URL
#                                        of the cluster's "postgres" database),
#                                        PG_PID, PG_PORT, PG_DIR; 0, or 1 when the
#                                        binaries are missing or start fails
#   pg_stop                              stops the cluster by its PID, removes it
#   pg_url DB                            the URL of another database there
#   pg_psql SQL                          runs SQL in the "postgres" database
# and, for integration scripts (after tests/lib.sh) on the cluster that
# IOTMON_TEST_PG names (tests/run.sh starts one per run):
#   pg_test_db VAR NAME                  creates database NAME_<pid>, sets VAR
#                                        to its URL, drops it at exit; prints a
#                                        TAP skip and returns 1 when no cluster
#   store_sql TARGET <FILE               runs SQL on a store, SQLite or PostgreSQL
# Run directly (sh tests/pg.sh), it starts a cluster, prints the URL and
# stops the cluster when interrupted.
#
# As root the cluster runs as `nobody` (postgres refuses root). The superuser
# is "iotmon" with a password (scram over TCP), so a test can also try a
# wrong one. Settings favour speed over durability: this is scratch data.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PID=""
PG_DIR=""

pg_available() { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

# _pg_as_owner CMD...: runs CMD as the cluster's (unprivileged) owner.
_pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	pg_available || return 1
	PG_DIR=$(mktemp -d /tmp/iotmon-pg.XXXXXX) || return 1
	echo iotmon >"$PG_DIR/pw"
	if [ "$(id -u)" -eq 0 ]; then
		chown nobody:nogroup "$PG_DIR" "$PG_DIR/pw"
	fi
	chmod 0700 "$PG_DIR"
	if ! _pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U iotmon --pwfile="$PG_DIR/pw" \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
		cat "$PG_DIR/initdb.log" >&2
		return 1
	fi
	PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start -o \
		"-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off \
		 -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 $*" >/dev/null; then
		cat "$PG_DIR/server.log" >&2
		return 1
	fi
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	IOTMON_TEST_PG="postgresql://iotmon:iotmon@127.0.0.1:$PG_PORT/postgres"
	export IOTMON_TEST_PG PG_PID PG_PORT PG_DIR
	return 0
}

pg_url() { echo "${IOTMON_TEST_PG%/*}/$1"; }

pg_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$IOTMON_TEST_PG" -c "$1"; }

pg_test_db() {
	if [ -z "${IOTMON_TEST_PG:-}" ]; then
		echo "ok - $2 on PostgreSQL # SKIP IOTMON_TEST_PG not set (tests/run.sh sets it)"
		return 1
	fi
	_db="$2_$$"
	pg_psql "CREATE DATABASE $_db" || return 1
	at_exit "pg_psql 'DROP DATABASE IF EXISTS $_db WITH (FORCE)' >/dev/null 2>&1"
	eval "$1=\$(pg_url $_db)"
}

# sqlite_fixture_sql DB: SQL giving a PostgreSQL store what a test wrote into
# the SQLite store DB by hand or at random (enrichment, devices, networks,
# tokens with their hashes), so both hold the same data.
sqlite_fixture_sql() {
	sqlite3 "$1" <<'SQL'
SELECT 'UPDATE observations SET asn = ' || quote(asn) || ', as_name = ' || quote(as_name) || ', cc = ' || quote(cc)
 || ', enriched_us = ' || quote(enriched_us) || ' WHERE ip = ' || quote(ip) || ' AND day = ' || quote(day) || ';'
 FROM observations WHERE asn IS NOT NULL OR cc IS NOT NULL OR as_name IS NOT NULL;
SELECT 'INSERT INTO devices (ip, vendor, type, model, firmware, rule, evidence, probed_us, expires_us) VALUES ('
 || quote(ip) || ', ' || quote(vendor) || ', ' || quote(type) || ', ' || quote(model) || ', ' || quote(firmware) || ', '
 || quote(rule) || ', ' || quote(evidence) || ', ' || probed_us || ', ' || expires_us || ');' FROM devices;
SELECT 'INSERT INTO networks (asn, name, cc, abuse_contact) VALUES (' || asn || ', ' || quote(name) || ', '
 || quote(cc) || ', ' || quote(abuse_contact) || ');' FROM networks;
SELECT 'INSERT INTO api_tokens (id, name, hash, asns, created_us, revoked_us) VALUES (' || id || ', ' || quote(name)
 || ', ' || quote(hash) || ', ' || quote(asns) || ', ' || created_us || ', ' || quote(revoked_us) || ');' FROM api_tokens;
SELECT 'SELECT setval(''api_tokens_id_seq'', ' || max(id) || ');' FROM api_tokens HAVING count(*) > 0;
SQL
}

store_sql() {
	case "$1" in
	postgres://* | postgresql://*) "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$1" >/dev/null ;;
	*) sqlite3 "${1#sqlite:}" ;;
	esac
}

pg_stop() {
	if [ -n "$PG_PID" ]; then
		# Immediate shutdown: the data is scratch, a shutdown checkpoint
		# of gigabytes (benchmarks) would only cost time.
		kill -QUIT "$PG_PID" 2>/dev/null || true
		i=0
		while kill -0 "$PG_PID" 2>/dev/null && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$PG_PID" 2>/dev/null || true # (callers may run under set -e)
		PG_PID=""
	fi
	if [ -n "$PG_DIR" ]; then
		rm -rf "$PG_DIR"
	fi
	PG_DIR=""
}

case "$0" in
*pg.sh)
	pg_start || exit 1
	echo "$IOTMON_TEST_PG"
	trap 'pg_stop; exit 0' INT TERM
	while kill -0 "$PG_PID" 2>/dev/null; do sleep 1; done
	;;
esac
