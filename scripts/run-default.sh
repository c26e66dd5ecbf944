#!/bin/sh
# `make run`: the monitor on its embedded default. SQLite under ./var/,
# honeypot and dashboard on localhost (as etc/iotmon.conf enables them), and
# the project's own sample data loaded once. Ctrl-C stops it cleanly.
# IOTMON_VAR (default var) is where the store goes: tests use their own.
set -eu
cd "$(dirname "$0")/.."
VAR=${IOTMON_VAR:-var}
mkdir -p "$VAR"
if [ ! -f "$VAR/.sample-loaded" ]; then
	./scripts/sample-data.py >"$VAR/sample-events.jsonl"
	./iotmon import events -c etc/iotmon.conf --db "$VAR/iotmon.db" "$VAR/sample-events.jsonl"
	./scripts/sample-data.py devices "$VAR/iotmon.db"
	touch "$VAR/.sample-loaded"
fi
# As root, the daemon drops to etc/iotmon.conf's [general] user after binding,
# and its sensor child opens the Cowrie log there only after the drop: the
# var folder belongs to that user, and nobody else may read the evidence.
if [ "$(id -u)" = 0 ]; then
	user=$(sed -n 's/^user *= *//p' etc/iotmon.conf | head -n 1)
	if [ -n "$user" ]; then
		chown -R "$user" "$VAR"
		chmod 750 "$VAR"
	fi
fi
# On a terminal, run iotmon as its own foreground job (job control), so
# Ctrl-C reaches iotmon alone: it stops cleanly and exits 0, and so do this
# script and make, instead of make dying of the same SIGINT.
if [ -t 0 ]; then
	set -m
fi
set +e
./iotmon run -c etc/iotmon.conf --db "$VAR/iotmon.db"
exit $?
