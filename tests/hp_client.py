"""Scripted clients for the honeypot tests (loopback only).

  mirai HOST PORT USER PASS TOKEN   the Mirai scanner dialogue (iot-threats.md 2.2)
  iacflood HOST PORT N              N negotiation commands, then a login prompt must still come
  random HOST PORT NBYTES           random bytes until the server closes
  endless HOST PORT                 one line that never ends; prints bytes accepted
  halfopen HOST PORT N SECONDS      N silent connections; prints how many the server closed
  slowloris HOST PORT               an HTTP request one byte at a time; prints seconds until closed
  login HOST PORT USER PASS CMD...  log in and run commands; prints the output
  slowreader HOST PORT USER PASS N  log in, send N commands and never read
  nowait HOST PORT USER:PASS...     at each "login: " sends the next pair, user and
                                    password at once (type-ahead), until a shell or the end
Exit status 0 when the client saw what it expected."""
import os
import random
import socket
import sys
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


class Conn:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, int(port)), timeout=10)
        self.buf = b""

    def negotiate(self, data):
        """Answers like the Mirai bot: NAWS 80x24, WONT to other DOs, DO to WILLs."""
        out, text, i = b"", b"", 0
        while i < len(data):
            c = data[i]
            if c == IAC and i + 2 < len(data) and data[i + 1] in (DO, DONT, WILL, WONT):
                verb, opt = data[i + 1], data[i + 2]
                if verb == DO and opt == 31:
                    out += bytes([IAC, WILL, 31, IAC, SB, 31, 0, 80, 0, 24, IAC, SE])
                elif verb == DO:
                    out += bytes([IAC, WONT, opt])
                elif verb == WILL:
                    out += bytes([IAC, DO, opt])
                i += 3
                continue
            text += bytes([c])
            i += 1
        if out:
            self.s.sendall(out)
        return text

    def wait_for(self, needles, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            for n in needles:
                if n in self.buf:
                    before, _, after = self.buf.partition(n)
                    self.buf = after
                    return before + n
            self.s.settimeout(max(0.05, end - time.time()))
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                break
            if not d:
                break
            self.buf += self.negotiate(d)
        raise SystemExit("timeout waiting for %r; got %r" % (needles, self.buf[-200:]))

    def line(self, text):
        self.s.sendall(text.encode() + b"\r\n")


def mirai(host, port, user, password, token):
    c = Conn(host, port)
    c.wait_for([b"ogin", b"enter", b":"])
    c.line(user)
    c.wait_for([b"assword"])
    c.line(password)
    c.wait_for([b"#", b"$", b">"])
    for cmd in ("enable", "system", "shell", "sh"):
        c.line(cmd)
        c.wait_for([b"#", b"$", b">"])
    c.line("/bin/busybox " + token)
    c.wait_for([(token + ": applet not found").encode()])
    c.s.close()


def login(host, port, user, password, *cmds):
    c = Conn(host, port)
    c.wait_for([b"ogin: "])
    c.line(user)
    c.wait_for([b"assword: "])
    c.line(password)
    c.wait_for([b"# "])
    out = b""
    for cmd in cmds:
        c.line(cmd)
        out += c.wait_for([b"# "])
    sys.stdout.write(out.decode("latin-1"))
    c.s.close()


def iacflood(host, port, n):
    s = socket.create_connection((host, int(port)), timeout=10)
    opts = bytes(range(256))
    blob = b"".join(bytes([IAC, (WILL, DO, WONT, DONT)[i % 4], opts[i % 256]]) for i in range(int(n)))
    s.sendall(blob + bytes([IAC, SB]) + b"x" * 400 + bytes([IAC, SE]))
    s.settimeout(5)
    got = b""
    end = time.time() + 5
    while b"login: " not in got and time.time() < end:
        d = s.recv(65536)
        if not d:
            break
        got += d
    replies = got.count(bytes([IAC]))
    print("replies %d bytes %d" % (replies, len(got)))
    s.sendall(b"root\r\n")
    s.settimeout(5)
    got = b""
    while b"assword" not in got:
        d = s.recv(4096)
        if not d:
            raise SystemExit("closed after the flood")
        got += d


def random_bytes(host, port, n):
    rnd = random.Random(4)
    s = socket.create_connection((host, int(port)), timeout=10)
    data = bytes(rnd.getrandbits(8) for _ in range(int(n)))
    try:
        s.sendall(data)
        s.settimeout(10)
        while s.recv(65536):
            pass
    except OSError:
        pass


def endless(host, port):
    s = socket.create_connection((host, int(port)), timeout=10)
    sent = 0
    try:
        while sent < 10 * 1024 * 1024:
            s.sendall(b"A" * 4096)
            sent += 4096
    except OSError:
        pass
    print(sent)


def halfopen(host, port, n, seconds):
    socks = [socket.create_connection((host, int(port)), timeout=10) for _ in range(int(n))]
    end = time.time() + float(seconds)
    closed = set()
    while time.time() < end and len(closed) < len(socks):
        for i, s in enumerate(socks):
            if i in closed:
                continue
            s.setblocking(False)
            try:
                d = s.recv(65536)
                if d == b"":
                    closed.add(i)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(i)
        time.sleep(0.05)
    print(len(closed))


def slowreader(host, port, user, password, n):
    """Logs in, then sends n commands without ever reading the output."""
    c = Conn(host, port)
    c.wait_for([b"ogin: "])
    c.line(user)
    c.wait_for([b"assword: "])
    c.line(password)
    c.wait_for([b"# "])
    c.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        c.s.sendall(b"cat /proc/mounts\r\n" * int(n))
        # Wait (without reading) until the server gives up on us: a NUL
        # byte now and then is ignored by telnet but fails once it closed.
        end = time.time() + 20
        while time.time() < end:
            time.sleep(0.2)
            c.s.sendall(b"\0")
    except OSError:
        pass
    c.s.close()


def slowloris(host, port):
    s = socket.create_connection((host, int(port)), timeout=10)
    start = time.time()
    req = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-a: " + b"b" * 1000
    try:
        for ch in req:
            s.sendall(bytes([ch]))
            time.sleep(0.1)
            s.setblocking(False)
            try:
                if s.recv(4096) == b"":
                    break
            except BlockingIOError:
                pass
            s.setblocking(True)
    except OSError:
        pass
    print("%.1f" % (time.time() - start))


def nowait(host, port, *pairs):
    pending = list(pairs)
    while pending:
        c = Conn(host, port)
        got = None
        while pending:
            try:
                got = c.wait_for([b"login: ", b"# "], timeout=10)
            except SystemExit:  # closed after its last attempt: reconnect
                got = None
                break
            if not got.endswith(b"login: "):
                break
            user, _, password = pending.pop(0).partition(":")
            c.s.sendall(user.encode() + b"\r\n" + password.encode() + b"\r\n")
        c.s.close()
        if got is not None and got.endswith(b"# "):
            break


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"mirai": mirai, "iacflood": iacflood, "random": random_bytes, "endless": endless,
     "halfopen": halfopen, "slowloris": slowloris, "login": login, "slowreader": slowreader,
     "nowait": nowait}[cmd](*args)
