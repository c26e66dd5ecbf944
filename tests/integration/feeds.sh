#!/bin/sh
# Feeds: every format checked field by field against a fixture store, the
# outbox (same bytes on re-run, bundle manifest), and SMTP delivery to a
# real server on loopback (a failed delivery retried, never doubled).
. "$(dirname "$0")/../lib.sh"
FIX=$ROOT/tests/fixtures
CHECK="$PY $ROOT/tests/integration/feeds_check.py"
DB=$T/iotmon.db

$IOTMON import events -q --db "$DB" "$FIX/feeds_events.jsonl"
sqlite3 "$DB" <"$FIX/feeds_enrich.sql"
D=2025-03-01

# --- the four formats
$IOTMON feed -q --db "$DB" --date $D --format csv >"$T/all.csv"
$CHECK csv "$T/all.csv" 198.51.100.23,198.51.100.7,203.0.113.9
$IOTMON feed -q --db "$DB" --date $D --format shadowserver >"$T/all.shadowserver.csv"
$CHECK shadowserver "$T/all.shadowserver.csv" "$FIX/shadowserver_honeypot_brute_force.columns"
$IOTMON feed -q --db "$DB" --date $D --format json >"$T/all.json"
$CHECK json "$T/all.json"
$IOTMON feed -q --db "$DB" --date $D --format xarf >"$T/all.xarf"
$CHECK xarf "$T/all.xarf"
$IOTMON feed -q --db "$DB" --date $D --network AS64500 --format csv >"$T/64500.csv"
$CHECK csv "$T/64500.csv" 198.51.100.23,198.51.100.7
$IOTMON feed -q --db "$DB" --date $D --network 64500 --format xarf-mail >"$T/64500.mbox"
$CHECK mail "$T/64500.mbox" "$T/64500.csv" abuse@example.net 198.51.100.23,198.51.100.7
$IOTMON feed -q --db "$DB" --date $D --network all --format xarf-mail >"$T/all.mbox"
$CHECK mbox "$T/all.mbox" 3

# --- who is listed: a bare connection is not; unenriched hosts under ASN 0
check_eq "bare connection not listed" 0 "$(grep -c 198.51.100.99 "$T/all.csv")"
check_eq "network 0 lists the unenriched host" "192.0.2.1" \
	"$($IOTMON feed -q --db "$DB" --date $D --network 0 | tail -n +2 | cut -d, -f3 | tr -d '"')"
check_eq "a day without hosts: the CSV header only" "timestamp,protocol,src_ip" \
	"$($IOTMON feed -q --db "$DB" --date 2025-04-01 | cut -d, -f1-3)"
# One row per (address, family): a Mirai telnet login and a Mozi exploit
# from one address are two rows, each with its own evidence.
cat >"$T/fam.jsonl" <<'EOF'
{"time":"2025-03-01T10:00:00Z","sensor":"hp","kind":"login","src_ip":"198.51.100.40","src_port":40000,"dst_ip":"192.0.2.1","dst_port":23,"transport":"tcp","family":"mirai","session":"a1","seq":0,"username":"root","password":"xc3511"}
{"time":"2025-03-01T11:00:00Z","sensor":"hp","kind":"exploit","src_ip":"198.51.100.40","src_port":40001,"dst_ip":"192.0.2.1","dst_port":8080,"transport":"tcp","family":"mozi","session":"a2","seq":0,"cve":"CVE-2018-10561","url":"http://203.0.113.7/Mozi.m"}
EOF
$IOTMON import events -q --db "$T/fam.db" "$T/fam.jsonl"
check_eq "one row per (address, family)" "198.51.100.40 mirai 23 login 1|198.51.100.40 mozi 8080 exploit 1|" \
	"$($IOTMON feed -q --db "$T/fam.db" --date $D --network 0 | $PY -c '
import csv, sys
print("".join("%s %s %s %s %s|" % (r["src_ip"], r["family"], r["dst_port"], r["evidence"], r["count"]) for r in csv.DictReader(sys.stdin)))')"
check_exit "a day without hosts exits 0" 0 $IOTMON feed --db "$DB" --date 2025-04-01
check_grep "a day without hosts says so on stderr" "no observations for any enriched network on 2025-04-01" "$T/.err"
check_exit "a network without hosts exits 0" 0 $IOTMON feed --db "$DB" --date $D --network AS64999 --format json
check_grep "a network without hosts says so on stderr" "no observations for AS64999 on $D" "$T/.err"
check_eq "a network with hosts prints no such warning" "" "$($IOTMON feed --db "$DB" --date $D --network AS64500 2>&1 >/dev/null)"
check_eq "other day: one host" 1 "$($IOTMON feed -q --db "$DB" --date 2025-03-02 | tail -n +2 | wc -l)"
$IOTMON feed -q --db "$DB" --date $D --format csv --output "$T/out.csv"
check_cmd "--output writes the same bytes" cmp "$T/all.csv" "$T/out.csv"
check_exit "bad date is a usage error" 2 $IOTMON feed --db "$DB" --date 2025-13-01
check_exit "bad format is a usage error" 2 $IOTMON feed --db "$DB" --date $D --format pdf
check_exit "missing store is an error" 1 $IOTMON feed --db "$T/none.db" --date $D

# --- outbox: files, bundle, idempotence
SMTP_PORT=$(free_port)
printf 'asn,email\nAS64501,abuse@beispiel.example\n' >"$T/contacts.csv"
cat >"$T/iotmon.conf" <<CONF
[enrich]
focus_countries = nl
[feeds]
outbox_dir = $T/outbox
contacts_file = $T/contacts.csv
smtp_url = smtp://127.0.0.1:$SMTP_PORT
reporter_email = reports@monitor.example
CONF
$IOTMON feed -q -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox"
O=$T/outbox/$D
check_eq "outbox files" "64500.csv 64500.json 64500.mbox 64500.xarf.json 64501.csv 64501.json 64501.mbox 64501.xarf.json clearinghouse-$D.tar.gz" \
	"$(ls "$O" | tr '\n' ' ' | sed 's/ $//')"
check_cmd "outbox csv equals iotmon feed" cmp "$O/64500.csv" "$T/64500.csv"
(cd "$O" && sha256sum * >"$T/sums1")
sleep 1
$IOTMON feed -q -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox"
(cd "$O" && sha256sum * >"$T/sums2")
check_cmd "re-run gives the same bytes" cmp "$T/sums1" "$T/sums2"
rm -rf "$T/outbox"
$IOTMON feed -q -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox"
(cd "$O" && sha256sum * >"$T/sums3")
check_cmd "a fresh outbox gives the same bytes (bundle included)" cmp "$T/sums1" "$T/sums3"
$PY - "$O" $D <<'PY' | sed 's/^/ /;s/^ //'
import csv, hashlib, io, sys, tarfile, calendar, time
d, day = sys.argv[1], sys.argv[2]
t = tarfile.open("%s/clearinghouse-%s.tar.gz" % (d, day))
names = t.getnames()
ok = names == ["%s/MANIFEST.csv" % day] + ["%s/64500.%s" % (day, e) for e in ("csv", "json", "xarf.json", "mbox")]
print(("ok" if ok else "not ok") + " - bundle holds the focus network (NL) only, manifest first")
if not ok: print("#   %r" % names)
end = calendar.timegm(time.strptime("2025-03-02", "%Y-%m-%d"))
print(("ok" if all(m.mtime == end and m.uid == 0 and m.mode == 0o644 for m in t.getmembers()) else "not ok") + " - fixed mtime, owner and mode")
man = list(csv.DictReader(io.StringIO(t.extractfile(names[0]).read().decode(), newline="")))
good = len(man) == 4 and all(r["network"] == "64500" and r["rows"] == "2" and r["cc"] == "NL" and
        r["sha256"] == hashlib.sha256(open("%s/%s" % (d, r["file"]), "rb").read()).hexdigest() and
        r["sha256"] == hashlib.sha256(t.extractfile("%s/%s" % (day, r["file"])).read()).hexdigest() for r in man)
print(("ok" if good else "not ok") + " - manifest: network, rows, SHA-256 of each file")
if not good: print("#   %r" % man)
PY
$CHECK mail "$O/64501.mbox" "$O/64501.csv" abuse@beispiel.example 203.0.113.9

# --- delivery: server down -> failed and recorded; up -> sent; again -> nothing
check_exit "delivery with the server down fails" 1 $IOTMON feed -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox" --deliver
check_eq "failures recorded, one a message (one report a mail)" "failed:1 failed:1 failed:1" "$(sqlite3 "$DB" "select status||':'||attempts from deliveries order by asn" | tr '\n' ' ' | sed 's/ $//')"

$PY -m aiosmtpd -n -l 127.0.0.1:$SMTP_PORT -c aiosmtpd.handlers.Mailbox "$T/maildir" >"$T/smtpd.log" 2>&1 &
SMTPD=$!
at_exit "kill $SMTPD 2>/dev/null"
i=0; while ! $PY -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1)" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
# Another process holds AS64501's claim (fresh "sending"): this run leaves it alone.
sqlite3 "$DB" "update deliveries set status='sending', updated_us=$($PY -c 'import time; print(int(time.time()*1e6))') where asn=64501"
check_exit "delivery retried once the server is up" 0 $IOTMON feed -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox" --deliver
check_grep "a claimed mail is left to its sender" "2 sent, 0 already sent, 0 failed, 0 without contact, 1 being sent" "$T/.err"
# The other sender died: its claim is stale after an hour, and the mail goes.
sqlite3 "$DB" "update deliveries set updated_us=0 where asn=64501"
check_exit "a stale claim is taken over" 0 $IOTMON feed -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox" --deliver
check_grep "stale claim: one sent, two already sent" "1 sent, 2 already sent" "$T/.err"
check_exit "delivery again sends nothing" 0 $IOTMON feed -c "$T/iotmon.conf" --db "$DB" --date $D --outbox "$T/outbox" --deliver
check_grep "second run: already sent" "0 sent, 3 already sent" "$T/.err"
$CHECK maildir "$T/maildir" 3 abuse@example.net,abuse@example.net,abuse@beispiel.example
check_eq "deliveries sent after two attempts" "sent:2 sent:2 sent:2" "$(sqlite3 "$DB" "select status||':'||attempts from deliveries order by asn" | tr '\n' ' ' | sed 's/ $//')"

# --- iotmon run: the outbox job writes and mails yesterday's feeds
Y=$($PY -c 'import datetime; print((datetime.datetime.utcnow() - datetime.timedelta(days=1)).strftime("%Y-%m-%d"))')
sed "s/2025-03-01T/${Y}T/" "$FIX/feeds_events.jsonl" >"$T/yesterday.jsonl"
mkdir -p "$T/run"
DB2=$T/run/run.db
$IOTMON import events -q --db "$DB2" "$T/yesterday.jsonl"
sqlite3 "$DB2" <"$FIX/feeds_enrich.sql"
cat >>"$T/iotmon.conf" <<CONF
enabled = true
outbox_dir = $T/run/box
interval_s = 1
delay_minutes = 0
retry_days = 2
CONF
sed -i "0,/^outbox_dir = .*outbox$/{/^outbox_dir = .*outbox$/d}" "$T/iotmon.conf"
if [ "$(id -u)" = 0 ]; then
	# run refuses to keep root: the job then works as nobody.
	printf '[general]\nuser = nobody\n' >>"$T/iotmon.conf"
	chmod 755 "$T"
	chown -R nobody "$T/run"
fi
$IOTMON run -c "$T/iotmon.conf" --db "$DB2" >"$T/run.log" 2>&1 &
RUN=$!
at_exit "kill $RUN 2>/dev/null"
i=0; while [ ! -f "$T/run/box/$Y/clearinghouse-$Y.tar.gz" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i+1)); done
check_cmd "run wrote yesterday's bundle" test -f "$T/run/box/$Y/clearinghouse-$Y.tar.gz"
i=0; while [ "$(sqlite3 "$DB2" "select count(*) from deliveries where status='sent'" 2>/dev/null)" != 3 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i+1)); done
kill -TERM $RUN
wait $RUN; RC=$?; cat "$T/run.log" | sed "s/^/# /"
check_eq "run exits 0 on SIGTERM" 0 $RC
check_eq "run mailed every report of both networks" 3 "$(sqlite3 "$DB2" "select count(*) from deliveries where status='sent'")"
$CHECK maildir "$T/maildir" 6 abuse@example.net,abuse@example.net,abuse@beispiel.example,abuse@example.net,abuse@example.net,abuse@beispiel.example

# --- PostgreSQL: the same imported data gives the same bytes in every format
. "$ROOT/tests/pg.sh"
if pg_test_db PG feeds; then
	$IOTMON import events -q --db "$PG" "$FIX/feeds_events.jsonl"
	store_sql "$PG" <"$FIX/feeds_enrich.sql"
	for spec in "all.csv:--format csv" "all.json:--format json" "all.xarf:--format xarf" \
		"64500.csv:--network AS64500 --format csv" "64500.eml:--network 64500 --format xarf-mail" \
		"all.mbox:--network all --format xarf-mail"; do
		f=${spec%%:*}
		# shellcheck disable=SC2086
		$IOTMON feed -q --db "$PG" --date $D ${spec#*:} >"$T/pg.$f"
		# shellcheck disable=SC2086
		[ -f "$T/$f" ] || $IOTMON feed -q --db "$DB" --date $D ${spec#*:} >"$T/$f"
		check_cmd "feed $f: PostgreSQL = SQLite, byte for byte" cmp "$T/$f" "$T/pg.$f"
	done
	for args in "--network 0" "--date 2025-03-02" "--date 2025-04-01"; do
		# shellcheck disable=SC2086
		$IOTMON feed -q --db "$DB" --date $D $args >"$T/sq.x"
		# shellcheck disable=SC2086
		$IOTMON feed -q --db "$PG" --date $D $args >"$T/pg.x"
		check_cmd "feed $args: PostgreSQL = SQLite" cmp "$T/sq.x" "$T/pg.x"
	done
	$IOTMON feed -q -c "$T/iotmon.conf" --db "$PG" --date $D --outbox "$T/pgbox"
	(cd "$T/pgbox/$D" && sha256sum * >"$T/pgsums")
	check_cmd "outbox on PostgreSQL: the same files and bytes (bundle included)" cmp "$T/sums1" "$T/pgsums"
fi
