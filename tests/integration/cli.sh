# The command-line contract: help, version, exit codes, config and store errors.
. "$(dirname "$0")/../lib.sh"

check_exit "no command is a usage error" 2 "$IOTMON"
check_exit "--help exits 0" 0 "$IOTMON" --help
check_grep "--help lists the commands" "events" "$T/.out"
check_exit "--version exits 0" 0 "$IOTMON" --version
check_grep "--version prints the version" "^iotmon [0-9]" "$T/.out"
check_exit "unknown command exits 2" 2 "$IOTMON" frobnicate
check_grep "unknown command is named on stderr" "frobnicate" "$T/.err"
for cmd in run events import config report; do
	check_exit "$cmd --help exits 0" 0 "$IOTMON" $cmd --help
	check_grep "$cmd --help prints usage on stdout" "Usage: iotmon $cmd" "$T/.out"
done
check_exit "unknown option exits 2" 2 "$IOTMON" events --bogus
check_grep "unknown option prints usage on stderr" "Usage: iotmon events" "$T/.err"
check_exit "bad option value exits 2" 2 "$IOTMON" events --db "$T/x.db" --kind hack

# Config: the example is valid and documents every key iotmon knows.
check_exit "etc/iotmon.conf is valid" 0 "$IOTMON" config -c "$ROOT/etc/iotmon.conf"
"$IOTMON" config | sed -n 's/^\([a-z_]*\) = .*/\1/p' | sort -u >"$T/keys"
missing=$(while read -r k; do grep -q "^$k *=" "$ROOT/etc/iotmon.conf" || echo "$k"; done <"$T/keys")
check_eq "etc/iotmon.conf mentions every key" "" "$missing"
printf '[general]\nsensor_name = a\n\nbogus_key = 1\n' >"$T/bad.conf"
check_exit "unknown key is an error" 1 "$IOTMON" events -c "$T/bad.conf" --db "$T/x.db"
check_grep "unknown key names file:line" "bad.conf:4: unknown key \"bogus_key\"" "$T/.err"
printf '[store]\nbatch_size = -3\n' >"$T/bad2.conf"
check_exit "bad value is an error" 1 "$IOTMON" config -c "$T/bad2.conf"
check_grep "bad value names file:line and the key" "bad2.conf:2: store.batch_size" "$T/.err"
check_exit "unreadable config is an error" 1 "$IOTMON" config -c "$T/none.conf"
check_grep "unreadable config is named" "none.conf: cannot open" "$T/.err"
check_eq "errors are one line" 1 "$(wc -l <"$T/.err")"
# Validated whole, by `config` and every command alike (issue #16).
printf '[enrich]\nasn_csv = ipdb/asn-ipv4.cvs\n' >"$T/typo.conf"
check_exit "a configured file that does not exist fails config" 1 "$IOTMON" config -c "$T/typo.conf"
check_grep "the missing file is named with its key" "enrich.asn_csv: .*asn-ipv4.cvs: No such file" "$T/.err"
check_exit "the same file fails a command" 1 "$IOTMON" events -c "$T/typo.conf" --db "$T/none.db"
check_grep "the command names it the same way" "enrich.asn_csv: .*asn-ipv4.cvs: No such file" "$T/.err"
for bad in 'listen = 127.0.0.1:80800' 'focus_countries = Netherlands' 'profile = busybx'; do
	key=${bad%% *}
	case $key in listen) sec=web ;; profile) sec=honeypot ;; *) sec=enrich ;; esac
	printf '[%s]\n%s\n' "$sec" "$bad" >"$T/v.conf"
	check_exit "config rejects $bad" 1 "$IOTMON" config -c "$T/v.conf"
	check_grep "the rejection names $sec.$key" "$sec.$key" "$T/.err"
done
printf '[general]\nsensor_name = x\n[store\npath = y.db\n' >"$T/bracket.conf"
check_exit "a section header without ] is an error" 1 "$IOTMON" config -c "$T/bracket.conf"
check_grep "it is a syntax error on line 3" "bracket.conf:3: syntax error: section header without" "$T/.err"
check_eq "config --db prints the effective store path" "path = $T/x.db" \
	"$("$IOTMON" config --db "$T/x.db" | grep '^path = ')"

# Store: missing, corrupt and newer databases are refused and left alone.
check_exit "missing database is an error" 1 "$IOTMON" events --db "$T/missing.db"
check_grep "missing database is named" "missing.db" "$T/.err"
[ ! -e "$T/missing.db" ] && ok "reading does not create a database" || not_ok "reading does not create a database"
head -c 8192 /dev/urandom >"$T/corrupt.db"
cp "$T/corrupt.db" "$T/corrupt.orig"
check_exit "corrupt database is an error" 1 "$IOTMON" events --db "$T/corrupt.db"
check_grep "corrupt database is named" "corrupt.db" "$T/.err"
check_exit "importing into a corrupt database is an error" 1 "$IOTMON" import events --db "$T/corrupt.db" /dev/null
check_cmd "corrupt database is not overwritten" cmp "$T/corrupt.db" "$T/corrupt.orig"
"$IOTMON" import events --db "$T/new.db" /dev/null 2>/dev/null
sqlite3 "$T/new.db" "INSERT INTO schema_version VALUES (99, 0)"
cp "$T/new.db" "$T/new.orig"
check_exit "newer schema is an error" 1 "$IOTMON" events --db "$T/new.db"
check_grep "newer schema is explained" "newer iotmon (schema 99" "$T/.err"
check_cmd "newer database is not changed" cmp "$T/new.db" "$T/new.orig"

# The man page: every command entry and every file is its own tagged
# paragraph (.TP), not run into the paragraph before (issue #16).
cmds=$("$IOTMON" --help 2>&1 | sed -n 's/^  \([a-z]*\) .*/\1/p' | tr '\n' '|' | sed 's/|$//')
untagged=$(awk -v cmds="^(${cmds}) " '
	/^\.SH/ { sec = $0 }
	sec == ".SH COMMANDS" && /^\.B / && substr($0, 4) ~ cmds && prev != ".TP" { print NR": "$0 }
	sec == ".SH FILES" && /^\.I / && prev != ".TP" { print NR": "$0 }
	{ prev = $0 }' "$ROOT/docs/iotmon.1")
check_eq "man page: command and file entries start with .TP" "" "$untagged"
