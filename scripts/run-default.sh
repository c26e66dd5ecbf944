#!/bin/sh
# `make run`: the monitor on its embedded default. SQLite under ./var/,
# honeypot and dashboard on localhost (as etc/iotmon.conf enables them), and
# the project's own sample data loaded once. Ctrl-C stops it cleanly.
set -eu
cd "$(dirname "$0")/.."
mkdir -p var
if [ ! -f var/.sample-loaded ]; then
	./scripts/sample-data.py >var/sample-events.jsonl
	./iotmon import events -c etc/iotmon.conf var/sample-events.jsonl
	touch var/.sample-loaded
fi
exec ./iotmon run -c etc/iotmon.conf
