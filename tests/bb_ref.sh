# bb_ref.sh - the real device beside the honeypot: BusyBox 1.35 telnetd +
# login from Debian's busybox-static, on loopback. Source after tests/lib.sh.
#
# bb_ref_fetch            unpacks the package into $BB_CACHE (once; no install)
# bb_ref_start PORT [ISSUE-FILE]
#                         runs `busybox telnetd -F -b 127.0.0.1:PORT` in a
#                         private mount + UTS namespace: host name "(none)",
#                         a copy of /etc from $T bind-mounted over /etc with
#                         its own passwd, shadow and issue.net (ISSUE-FILE or none; accounts root /
#                         xc3511, admin / admin, guest / guest, support / support: SHA-512 hashes by
#                         chpasswd), tmpfs on /root and /var/tmp; the host's
#                         accounts and files are untouched and nothing is
#                         left when the namespace's last process exits.
#                         Sets BB_PID.
# Skips (exit 0 with a TAP skip line) when the package cannot be had or the
# namespace cannot be made (not root).
BB_CACHE=${BB_CACHE:-$ROOT/build/bb-ref}

bb_ref_fetch() {
	[ -x "$BB_CACHE/root/bin/busybox" ] && return 0
	mkdir -p "$BB_CACHE/dl" || return 1
	(cd "$BB_CACHE/dl" && apt-get download busybox-static >/dev/null 2>&1) || return 1
	dpkg-deb -x "$BB_CACHE"/dl/busybox-static_*.deb "$BB_CACHE/root" || return 1
	[ -x "$BB_CACHE/root/bin/busybox" ]
}

bb_ref_skip_unless_ready() {
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! bb_ref_fetch; then
		echo "ok - # SKIP real BusyBox reference unavailable (needs root and busybox-static)"
		exit 0
	fi
}

bb_ref_start() {
	port=$1
	issue=${2:-}
	d=$T/bbref.$port
	mkdir -p "$d/bin"
	ln -sf "$BB_CACHE/root/bin/busybox" "$d/bin/login"
	ln -sf "$BB_CACHE/root/bin/busybox" "$d/bin/sh"
	ln -sf "$BB_CACHE/root/bin/busybox" "$d/bin/busybox"
	# A copy of /etc bind-mounted over /etc inside the namespace: chpasswd
	# replaces files by rename, which a single bind-mounted file would refuse.
	cp -a /etc "$d/etc" 2>/dev/null
	printf 'root:x:0:0:root:/root:%s\nadmin:x:0:0:admin:/root:%s\nguest:x:0:0:guest:/root:%s\nsupport:x:0:0:support:/root:%s\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		"$d/bin/sh" "$d/bin/sh" "$d/bin/sh" "$d/bin/sh" >"$d/etc/passwd"
	printf 'root:*:19000:0:99999:7:::\nadmin:*:19000:0:99999:7:::\nguest:*:19000:0:99999:7:::\nsupport:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$d/etc/shadow"
	chmod 600 "$d/etc/shadow"
	rm -f "$d/etc/motd"
	if [ -n "$issue" ]; then cp "$issue" "$d/etc/issue.net"; else rm -f "$d/etc/issue.net"; fi
	unshare -mu --propagation private sh -c '
		d=$1; port=$2
		"$d/bin/busybox" hostname "(none)" &&
		mount --bind "$d/etc" /etc &&
		printf "root:xc3511\nadmin:admin\nguest:guest\nsupport:support\n" | chpasswd -c SHA512 &&
		mount -t tmpfs none /root && mount -t tmpfs none /var/tmp || exit 1
		exec "$d/bin/busybox" telnetd -F -b "127.0.0.1:$port" -l "$d/bin/login"
	' bbref "$d" "$port" 2>"$d/err" &
	BB_PID=$!
	at_exit "kill $BB_PID 2>/dev/null"
	i=0
	while [ $i -lt 50 ]; do
		$PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
