# make install honours PREFIX and DESTDIR, and the installed binary runs;
# the configuration examples (etc/, docs/deploy.md) are installed with their
# modes, and make uninstall takes away what install put there.
. "$(dirname "$0")/../lib.sh"

check_cmd "make install into DESTDIR" make -s -C "$ROOT" install DESTDIR="$T/root" PREFIX=/usr
for f in usr/bin/iotmon usr/share/man/man1/iotmon.1 usr/etc/iotmon/iotmon.conf.example usr/share/iotmon/sample/README.md; do
	[ -f "$T/root/$f" ] && ok "installed $f" || not_ok "installed $f" "missing under $T/root"
done
# mode_of PATH: its permission bits in octal.
mode_of() { stat -c %a "$1" 2>/dev/null || echo missing; }
check_eq "binary mode 755" 755 "$(mode_of "$T/root/usr/bin/iotmon")"
check_eq "iotmon.conf.example mode 644" 644 "$(mode_of "$T/root/usr/etc/iotmon/iotmon.conf.example")"
ex=usr/etc/iotmon/examples
check_eq "examples folder mode 755" 755 "$(mode_of "$T/root/$ex")"
check_eq "examples/nats folder mode 755" 755 "$(mode_of "$T/root/$ex/nats")"
for f in sensor.conf collector.conf nats/hub.conf nats/hub-cluster.conf nats/leaf.conf; do
	check_eq "installed $ex/$f, mode 644" 644 "$(mode_of "$T/root/$ex/$f")"
	check_cmd "$ex/$f is etc/$f" cmp "$ROOT/etc/$f" "$T/root/$ex/$f"
done
check_eq "every etc/nats/*.conf is installed" "$(cd "$ROOT/etc/nats" && ls ./*.conf | wc -l)" \
	"$(ls "$T/root/$ex/nats/"*.conf | wc -l)"
"$T/root/usr/bin/iotmon" --version >"$T/v"
check_grep "installed binary runs" "^iotmon 0" "$T/v"
check_eq "everything went under DESTDIR/PREFIX" "usr" "$(ls "$T/root")"
check_cmd "make uninstall" make -s -C "$ROOT" uninstall DESTDIR="$T/root" PREFIX=/usr
check_cmd "uninstall removed the binary and the examples" \
	sh -c "! test -e '$T/root/usr/bin/iotmon' && ! test -e '$T/root/$ex'"
