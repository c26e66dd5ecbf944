"""Login load for the honeypot tests (loopback only).

  hp_load.py SECONDS RATE HOST:PORT [HOST:PORT ...]

Opens RATE telnet connections per second to each endpoint for SECONDS; each
one tries one credential pair and hangs up. Prints "tries N failures F" per
endpoint: a failure is a connection that was refused or never showed a
prompt (the sensor stopped accepting)."""
import socket
import sys
import threading
import time


def one(host, port, n, counts, lock):
    ok = True
    try:
        s = socket.create_connection((host, port), timeout=10)
        buf = b""
        end = time.time() + 10
        for want, send in ((b"ogin", "load%d" % (n % 97)), (b"assword", "pw%d" % n)):
            while want not in buf:
                if time.time() > end:
                    raise OSError("no prompt")
                d = s.recv(4096)
                if not d:
                    raise OSError("closed")
                buf += d
            buf = b""
            s.sendall(send.encode() + b"\r\n")
        time.sleep(0.05)
        s.close()
    except OSError:
        ok = False
    with lock:
        counts[0] += 1
        counts[1] += 0 if ok else 1


def main():
    seconds, rate = float(sys.argv[1]), float(sys.argv[2])
    targets = []
    for ep in sys.argv[3:]:
        host, port = ep.rsplit(":", 1)
        targets.append((host, int(port), [0, 0], threading.Lock()))
    start, n, threads = time.time(), 0, []
    while time.time() - start < seconds:
        for host, port, counts, lock in targets:
            t = threading.Thread(target=one, args=(host, port, n, counts, lock), daemon=True)
            t.start()
            threads.append(t)
        n += 1
        threads = [t for t in threads if t.is_alive()]
        time.sleep(max(0.0, start + n / rate - time.time()))
    for t in threads:
        t.join(15)
    for host, port, counts, _ in targets:
        print("%s:%d tries %d failures %d" % (host, port, counts[0], counts[1]))


if __name__ == "__main__":
    main()
