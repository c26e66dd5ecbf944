"""Print a loopback TCP port for a test server to listen on.

Ports come from a range below the kernel's ephemeral range (ip_local_port_range,
32768-60999 by default), so an outgoing connection of another client in the same
test can never take the port between this check and the server's bind(), and from
a counter kept under a lock, so tests started at the same moment never get the
same port (bind(0) followed by close() gave both races: a CI run lost two clients
of honeypot_clients.sh that way)."""
import fcntl
import os
import random
import socket

LOW, HIGH = 20000, 32000
ephemeral_low = 32768
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    pass
HIGH = min(HIGH, ephemeral_low)


def bindable(port):
    for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, port))
        except OSError as e:
            if family == socket.AF_INET6 and e.errno in (97, 99):  # no IPv6 on this host
                continue
            return False
        finally:
            s.close()
    return True


def main():
    path = "/tmp/iotmon-test-ports.%d" % os.getuid()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        text = f.read().strip()
        nxt = int(text) if text.isdigit() else LOW + random.randrange(HIGH - LOW)
        span = HIGH - LOW
        for i in range(span):
            port = LOW + (nxt - LOW + i) % span
            if bindable(port):
                f.seek(0)
                f.truncate()
                f.write("%d\n" % (LOW + (port - LOW + 1) % span))
                print(port)
                return 0
    raise SystemExit("free_port: no free port in %d-%d" % (LOW, HIGH - 1))


if __name__ == "__main__":
    raise SystemExit(main())
