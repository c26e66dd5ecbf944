"""Resource attacks on the honeypot (loopback only), for honeypot_limits.sh.

  flood PORT ADDRS SESSIONS BYTES PID  SESSIONS logins spread over ADDRS source
                                       addresses 127.N.0.1 (one /24 each), each
                                       dropping BYTES of echo payload without
                                       reading; prints "peak_rss_kib sent_bytes closed" 
                                       (RssAnon of PID,PID... summed, sampled meanwhile)
  probe PORT SECONDS [STOPFILE]        logins from 127.0.0.1, one after another,
                                       for SECONDS or until STOPFILE exists; prints
                                       "count max_ms median_ms"
  drip PORT N INTERVAL SECONDS         N connections each sending one byte every
                                       INTERVAL s; prints "closed max_seconds"
  connflood PORT N                     N connect-and-close from 127.0.0.1; prints N
  hold PORT N SECONDS [SRC,...]        N connections held open SECONDS (from the
                                       source addresses in turn); prints how many
                                       connected
  logins PORT FILE                     one login after another until killed;
                                       a line in FILE for each one the server answered:
                                       "answered_unix_us source_port"
  rss PID[,PID...]                     anonymous RSS in KiB, summed"""
import os
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hp_client import Conn  # noqa: E402


def rss(pids):
    """Anonymous RSS in KiB summed over a comma-separated list of pids (the
    honeypot's parent and its sensor child); file-backed pages (the store's
    mmap) are not the budget's."""
    total = 0
    for pid in str(pids).split(","):
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    total += int(line.split()[1])
    return total


def flood(port, addrs, sessions, nbytes, pid):
    addrs, sessions, nbytes = int(addrs), int(sessions), int(nbytes)
    peak = [rss(pid)]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], rss(pid))
            except OSError:
                return
            time.sleep(0.05)

    t = threading.Thread(target=sample)
    t.start()
    line = b"echo -ne '" + b"A" * 4000 + b"' >> /tmp/.x\r\n"
    sel = selectors.DefaultSelector()
    left = {}
    for i in range(sessions):
        src = "127.%d.0.1" % (i % addrs + 1)
        try:
            c = Conn.__new__(Conn)  # Conn from a chosen source address
            c.s = socket.create_connection(("127.0.0.1", int(port)), timeout=30, source_address=(src, 0))
            c.buf = b""
            c.wait_for([b"ogin: "], 30)
            c.line("root")
            c.wait_for([b"assword: "], 30)
            c.line("xc3511")
            c.wait_for([b"# "], 30)
        except (SystemExit, OSError):
            continue
        s = c.s
        s.setblocking(False)
        left[s] = nbytes
        sel.register(s, selectors.EVENT_WRITE)
    for s in left:
        sel.modify(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
    sent, closed_by_server = 0, 0
    end = time.time() + 120
    while left and time.time() < end:
        for key, ev in sel.select(timeout=1):
            s = key.fileobj
            try:
                if ev & selectors.EVENT_READ and s.recv(65536) == b"":
                    raise ConnectionResetError
                if ev & selectors.EVENT_WRITE:
                    n = s.send(line[: left[s]])
                    sent += n
                    left[s] -= n
                    if left[s] <= 0:  # all sent: keep the session (and its payload) open
                        sel.modify(s, selectors.EVENT_READ)
            except BlockingIOError:
                pass
            except OSError:
                closed_by_server += 1
                sel.unregister(s)
                del left[s]
                s.close()
    for s in list(left):
        s.close()
    time.sleep(0.5)
    done.set()
    t.join()
    print(peak[0], sent, closed_by_server)


def one_login(port):
    c = Conn("127.0.0.1", port)
    t0 = time.time()
    c.wait_for([b"ogin: "], 30)
    c.line("root")
    c.wait_for([b"assword: "], 30)
    c.line("xc3511")
    c.wait_for([b"# "], 30)
    ms = (time.time() - t0) * 1000
    c.s.close()
    return ms


def probe(port, seconds, stopfile=None):
    times = []
    end = time.time() + float(seconds)
    while time.time() < end and not (stopfile and os.path.exists(stopfile)):
        try:
            times.append(one_login(port))
        except (SystemExit, OSError):
            times.append(99999.0)
        time.sleep(0.05)
    sys.stderr.write("login ms: %s\n" % " ".join("%.0f" % t for t in times))
    times.sort()
    print(len(times), "%.0f" % times[-1], "%.0f" % times[len(times) // 2])


def drip(port, n, interval, seconds):
    socks = [socket.create_connection(("127.0.0.1", int(port)), timeout=5) for _ in range(int(n))]
    start = time.time()
    closed = {}
    while time.time() - start < float(seconds) and len(closed) < len(socks):
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                s.setblocking(False)
                while True:
                    d = s.recv(65536)
                    if d == b"":
                        closed[i] = time.time() - start
                        break
            except BlockingIOError:
                try:
                    s.send(b"a")
                except OSError:
                    closed[i] = time.time() - start
            except OSError:
                closed[i] = time.time() - start
        time.sleep(float(interval))
    print(len(closed), "%.1f" % max(closed.values() or [0]))


def connflood(port, n):
    for _ in range(int(n)):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")  # RST: no TIME_WAIT pile-up
        try:
            s.connect(("127.0.0.1", int(port)))
        except OSError:
            pass
        s.close()
    print(n)


def hold(port, n, seconds, srcs="127.0.0.1"):
    socks = []
    srcs = srcs.split(",")
    for i in range(int(n)):
        try:
            socks.append(socket.create_connection(("127.0.0.1", int(port)), timeout=2,
                                                  source_address=(srcs[i % len(srcs)], 0)))
        except OSError:
            pass
    print(len(socks), flush=True)
    time.sleep(float(seconds))


def logins(port, path):
    with open(path, "a") as out:
        while True:
            try:
                c = Conn("127.0.0.1", port)
                c.wait_for([b"ogin: "])
                c.line("root")
                c.wait_for([b"assword: "])
                c.line("xc3511")
                c.wait_for([b"# "])  # the server has the login event now
                out.write("%d %d\n" % (time.time_ns() // 1000, c.s.getsockname()[1]))
                out.flush()
                c.s.close()
            except (SystemExit, OSError):
                time.sleep(0.05)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"flood": flood, "probe": probe, "drip": drip, "connflood": connflood, "hold": hold, "logins": logins,
     "rss": lambda pid: print(rss(pid))}[cmd](*args)
