# make install honours PREFIX and DESTDIR, and the installed binary runs.
. "$(dirname "$0")/../lib.sh"

check_cmd "make install into DESTDIR" make -s -C "$ROOT" install DESTDIR="$T/root" PREFIX=/usr
for f in usr/bin/iotmon usr/share/man/man1/iotmon.1 usr/etc/iotmon/iotmon.conf.example usr/share/iotmon/sample/README.md; do
	[ -f "$T/root/$f" ] && ok "installed $f" || not_ok "installed $f" "missing under $T/root"
done
"$T/root/usr/bin/iotmon" --version >"$T/v"
check_grep "installed binary runs" "^iotmon 0" "$T/v"
check_eq "everything went under DESTDIR/PREFIX" "usr" "$(ls "$T/root")"
