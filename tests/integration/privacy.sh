#!/bin/sh
# Research exports with pseudonymised sources (issue #15, docs/privacy.md):
# no source address is left, one source is one pseudonym, another key gives
# other pseudonyms, and a key file others may read is refused.
. "$(dirname "$0")/../lib.sh"
cat >"$T/ev.jsonl" <<'J'
{"time":"2026-01-02T03:04:05Z","sensor":"s1","kind":"login","src_ip":"198.51.100.7","src_port":40000,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","session":"aaaaaaaaaaaa","seq":1,"username":"root","password":"xc3511","success":true}
{"time":"2026-01-02T03:04:06Z","sensor":"s1","kind":"command","src_ip":"198.51.100.7","src_port":40000,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","session":"aaaaaaaaaaaa","seq":2,"input":"uname -a"}
{"time":"2026-01-02T03:05:00Z","sensor":"s1","kind":"login","src_ip":"2001:db8::42","src_port":40001,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","session":"bbbbbbbbbbbb","seq":1,"username":"admin","password":"admin","success":false}
J
"$IOTMON" import events --db "$T/p.db" "$T/ev.jsonl" 2>"$T/import.err"
check_eq "three events imported" 3 "$("$IOTMON" events --db "$T/p.db" | wc -l | tr -d ' ')"
head -c 32 /dev/urandom >"$T/k1"
head -c 32 /dev/urandom >"$T/k2"
chmod 600 "$T/k1" "$T/k2"
"$IOTMON" events --db "$T/p.db" --pseudonymise "$T/k1" >"$T/a.jsonl"
"$IOTMON" events --db "$T/p.db" --pseudonymise "$T/k1" >"$T/a2.jsonl"
"$IOTMON" events --db "$T/p.db" --pseudonymise "$T/k2" >"$T/b.jsonl"
check_eq "no source address left" 0 "$(grep -c '198\.51\.100\.7\|2001:db8::42' "$T/a.jsonl")"
srcs() { sed 's/.*"src_ip":"\([^"]*\)".*/\1/' "$1"; }
check_eq "the same source is one pseudonym, the other another" 2 "$(srcs "$T/a.jsonl" | sort -u | wc -l | tr -d ' ')"
check_eq "pseudonyms are in fd00::/8" 3 "$(srcs "$T/a.jsonl" | grep -c '^fd')"
check_cmd "the same key gives the same pseudonyms" cmp "$T/a.jsonl" "$T/a2.jsonl"
srcs "$T/a.jsonl" | sort -u >"$T/sa"
srcs "$T/b.jsonl" | sort -u >"$T/sb"
check_eq "another key gives other pseudonyms" 0 "$(comm -12 "$T/sa" "$T/sb" | wc -l | tr -d ' ')"
check_grep "everything but the address is kept" '"username":"root","password":"xc3511"' "$T/a.jsonl"
chmod 644 "$T/k1"
check_exit "a key file others may read is refused" 1 "$IOTMON" events --db "$T/p.db" --pseudonymise "$T/k1"
check_grep "the refusal says how to fix it" "chmod 600" "$T/.err"
