# audit_lab.sh - the device lab of `iotmon audit`'s test and benchmark
# (sourced after tests/lib.sh; `audit_lab_up` builds it or skips the caller).
#
# Each device is its own network namespace joined to the auditor's namespace
# ($AUD) by a veth pair, 10.77.N.1 <-> 10.77.N.2, IPv4 only, no route out:
#   .1 BusyBox telnetd + login, root/xc3511     .5 mosquitto, anonymous
#   .2 dropbear, root/root                      .6 openssl s_server, TLS 1.0 only, self-signed
#   .3 BusyBox httpd, Basic admin/admin         .7 miniupnpd answering SSDP
#   .4 vsftpd 3.0.3, anonymous login            .8 hardened: TLS 1.2+, lab-CA certificate
# 10.99.0.2 (on device 1, routed from the auditor) lies outside the scope.
# Accounts live in a private mount namespace per server (bind-mounted
# passwd/shadow); the host's /etc is not touched. Leaves $T/iotmon.conf
# (scope 10.77.0.0/16) and $T/lab.csv (name,address,vendor,model,firmware).

audit_lab_up() {
	if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v tcpdump >/dev/null ||
		! command -v dropbear >/dev/null || ! command -v vsftpd >/dev/null || ! command -v mosquitto >/dev/null; then
		echo "ok - audit # SKIP needs root, ip, tcpdump, dropbear, vsftpd, mosquitto"
		exit 0
	fi
	# BusyBox with telnetd and login: busybox-static, unpacked once, not
	# installed (the honeypot's reference device fetches the same package).
	. "$ROOT/tests/bb_ref.sh"
	bb_ref_fetch || { echo "ok - audit # SKIP busybox-static not available"; exit 0; }
	BB=$BB_CACHE/root/bin/busybox

	AUD=iotmon-aud-$$
	N=8
	at_exit "ip netns del $AUD 2>/dev/null"
	ip netns add "$AUD" || { not_ok "create namespaces"; exit 1; }
	ip -n "$AUD" link set lo up
	# IPv4 only: no router solicitations from the kernel in the capture.
	nov6() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }
	nov6 "$AUD"
	for i in $(seq 1 $N); do
		at_exit "ip netns del iotmon-d$i-$$ 2>/dev/null"
		ip netns add "iotmon-d$i-$$"
		nov6 "iotmon-d$i-$$"
		ip link add "au$i-$$" type veth peer name "dv$i-$$"
		ip link set "au$i-$$" netns "$AUD"
		ip link set "dv$i-$$" netns "iotmon-d$i-$$"
		ip -n "$AUD" addr add "10.77.$i.1/24" dev "au$i-$$"
		ip -n "iotmon-d$i-$$" addr add "10.77.$i.2/24" dev "dv$i-$$"
		ip -n "$AUD" link set "au$i-$$" up
		ip -n "iotmon-d$i-$$" link set "dv$i-$$" up
		ip -n "iotmon-d$i-$$" link set lo up
	done
	# An address outside the scope that is reachable: only the scope rule keeps it quiet.
	ip -n iotmon-d1-$$ addr add 10.99.0.2/24 dev "dv1-$$"
	ip -n "$AUD" route add 10.99.0.0/24 dev "au1-$$"

	dx() { n=$1; shift; ip netns exec "iotmon-d$n-$$" "$@"; }
	# Servers start in the background as the process whose PID we keep (no
	# shell function in between, so kill reaches the server itself).
	pids=""
	at_exit 'kill $pids 2>/dev/null'
	serve() {
		n=$1
		shift
		ip netns exec "iotmon-d$n-$$" "$@" &
		pids="$pids $!"
	}
	# In a private mount namespace with our passwd/shadow (host /etc untouched).
	serve_with_accounts() {
		n=$1
		shift
		ip netns exec "iotmon-d$n-$$" unshare -m --propagation private sh -c \
			'mount --bind "$0/passwd" /etc/passwd && mount --bind "$0/shadow" /etc/shadow && exec "$@"' \
			"$T/acct$n" "$@" &
		pids="$pids $!"
	}
	accounts() { # N USER PASSWORD
		mkdir -p "$T/acct$1"
		grep -v "^$2:" /etc/passwd >"$T/acct$1/passwd"
		echo "$2:x:0:0:lab:/root:/bin/sh" >>"$T/acct$1/passwd"
		echo "$2:$(openssl passwd -1 "$3"):19000:0:99999:7:::" >"$T/acct$1/shadow"
		chmod 600 "$T/acct$1/shadow"
	}


	# 1 telnet: BusyBox telnetd with BusyBox login (argv[0] "login").
	accounts 1 root xc3511
	mkdir -p "$T/bb"
	ln -sf "$BB" "$T/bb/login"
	serve_with_accounts 1 "$BB" telnetd -F -p 23 -l "$T/bb/login"
	# 2 SSH: dropbear, password root/root (ed25519 and RSA host keys).
	accounts 2 root root
	dropbearkey -t ed25519 -f "$T/db_ed25519" >/dev/null 2>&1
	dropbearkey -t rsa -s 2048 -f "$T/db_rsa" >/dev/null 2>&1
	serve_with_accounts 2 dropbear -F -E -p 22 -r "$T/db_ed25519" -r "$T/db_rsa" 2>"$T/dropbear.err"
	# 3 HTTP Basic admin/admin.
	mkdir -p "$T/www" && echo "<html><title>Camera</title>settings</html>" >"$T/www/index.html"
	echo "/:admin:admin" >"$T/httpd.conf"
	serve 3 "$BB" httpd -f -p 80 -h "$T/www" -c "$T/httpd.conf"
	# 4 FTP: vsftpd, anonymous only.
	mkdir -p "$T/ftp" && chmod 755 "$T/ftp"
	cat >"$T/vsftpd.conf" <<-C
	listen=YES
	background=NO
	anonymous_enable=YES
	local_enable=NO
	anon_root=$T/ftp
	seccomp_sandbox=NO
	secure_chroot_dir=/var/run/vsftpd/empty
	C
	mkdir -p /var/run/vsftpd/empty
	serve 4 vsftpd "$T/vsftpd.conf"
	# 5 MQTT: mosquitto without authentication.
	printf 'listener 1883 0.0.0.0\nallow_anonymous true\n' >"$T/mosquitto.conf"
	serve 5 mosquitto -c "$T/mosquitto.conf" 2>"$T/mosquitto.err"
	# 6 TLS 1.0 only, self-signed.
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=cam.lab" -keyout "$T/self.key" -out "$T/self.crt" \
		>/dev/null 2>&1
	serve 6 openssl s_server -quiet -accept 443 -tls1 -cipher 'DEFAULT:@SECLEVEL=0' -cert "$T/self.crt" \
		-key "$T/self.key" -www
	# 7 UPnP: miniupnpd answering SSDP on the device's interface.
	cat >"$T/miniupnpd.conf" <<-C
	ext_ifname=dv7-$$
	listening_ip=dv7-$$
	port=5000
	enable_natpmp=no
	enable_upnp=yes
	secure_mode=yes
	uuid=3f4e0a1c-7b2d-4e51-9a6c-2b3c4d5e6f70
	allow 1024-65535 10.77.0.0/16 1024-65535
	deny 0-65535 0.0.0.0/0 0-65535
	C
	serve 7 miniupnpd -d -P "$T/miniupnpd.pid" -f "$T/miniupnpd.conf" 2>"$T/miniupnpd.err"
	# 8 hardened: TLS 1.2 and 1.3 only, a certificate from the lab's CA.
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Lab CA" -keyout "$T/ca.key" -out "$T/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=10.77.8.2" -keyout "$T/hard.key" -out "$T/hard.csr" >/dev/null 2>&1
	printf 'subjectAltName=IP:10.77.8.2\n' >"$T/san.ext"
	openssl x509 -req -in "$T/hard.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -days 365 \
		-extfile "$T/san.ext" -out "$T/hard.crt" >/dev/null 2>&1
	serve 8 openssl s_server -quiet -accept 443 -no_tls1 -no_tls1_1 -cert "$T/hard.crt" -key "$T/hard.key" -www

	# Wait until every TCP server listens.
	# Wait until every server listens (miniupnpd: UDP 1900 and its HTTP port).
	for spec in 1:23:t 2:22:t 3:80:t 4:21:t 5:1883:t 6:443:t 8:443:t 7:1900:u 7:5000:t; do
		n=${spec%%:*}
		port=${spec#*:}
		port=${port%:*}
		i=0
		until dx "$n" ss -ln"${spec##*:}" | grep -q ":$port "; do
			i=$((i + 1))
			[ $i -gt 100 ] && { not_ok "device $n listens on $port" "$(cat "$T/miniupnpd.err" 2>/dev/null)"; break; }
			sleep 0.1
		done
	done

	cat >"$T/iotmon.conf" <<-C
	[audit]
	scope = 10.77.0.0/16
	ca_file = $T/ca.crt
	attempts_per_second = 25
	read_timeout_ms = 4500
	connect_timeout_ms = 1000
	C
	cat >"$T/lab.csv" <<-C
	name,address,vendor,model,firmware
	telnet-cam,10.77.1.2,BusyBox,telnetd,1.35.0
	ssh-router,10.77.2.2,Dropbear,router,2022.83
	web-cam,10.77.3.2,BusyBox,httpd,1.35.0
	nas,10.77.4.2,vsftpd,nas,3.0.3
	broker,10.77.5.2,Mosquitto,hub,2.0.11
	old-tls,10.77.6.2,OpenSSL,s_server,3.0
	upnp-gw,10.77.7.2,MiniUPnP,gateway,2.3.1
	hardened,10.77.8.2,Lab,hardened,1.0
	C
}
