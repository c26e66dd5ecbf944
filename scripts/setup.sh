#!/bin/sh
# Installs the Debian packages that building, testing and running iotmon need.
# Idempotent: packages already present are left alone; `apt-get update` runs at
# most once, and only when something is missing. Prints what it does.
set -eu

# Build: compiler, libraries (from Debian, never vendored).
BUILD="build-essential pkg-config clang libclang-rt-14-dev libcmocka-dev
  libsqlite3-dev sqlite3 libjansson-dev libcjson-dev zlib1g-dev libinih-dev libssl-dev
  libpcap-dev libmaxminddb-dev mmdb-bin libmicrohttpd-dev libcurl4-openssl-dev
  libpcre2-dev libpq-dev libnats-dev libseccomp-dev"
# Tests and benchmarks: the real clients and tools the tests drive.
TEST="iproute2 procps psmisc curl netcat-openbsd telnet busybox hydra nmap
  tcpdump tshark hping3 python3 python3-scapy tcpreplay wrk hyperfine
  python3-aiosmtpd python3-yaml chromium valgrind openssl tmux iso-codes
  postgresql-15 nats-server python3-psycopg2 python3-jsonschema
  dropbear-bin vsftpd mosquitto mosquitto-clients miniupnpd medusa ncrack
  ssh-audit testssl.sh sslscan"
# Default data (`make data`): the ip-location-db packages come from npm.
DATA="npm"

missing=""
for p in $BUILD $TEST $DATA; do
	case "$p" in npm) command -v npm >/dev/null 2>&1 && continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "setup: all packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
# miniupnpd is a lab device of the audit tests, never a service of this host.
echo "miniupnpd miniupnpd/start_daemon boolean false" | $SUDO debconf-set-selections
# Servers in the list (PostgreSQL, mosquitto, vsftpd, miniupnpd) are only
# started by the tests, on loopback or in their own namespaces: keep the
# packages' maintainer scripts from starting system-wide instances.
rcd_added=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	rcd_added=1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
if [ -n "$rcd_added" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
echo "setup: done"
