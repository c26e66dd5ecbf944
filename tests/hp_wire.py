"""A loopback TCP proxy that reads the login pairs off the wire.

  hp_wire.py LISTEN_PORT TARGET_PORT OUT_FILE
Forwards every connection to 127.0.0.1:TARGET_PORT. Per connection it
follows the server's prompts: the first non-empty line the client
completes after "login: " is a username, the line after it a password
(lines typed while login waits before "Login incorrect" are flushed); each pair is
appended to OUT_FILE as one JSON list [user, password, seconds since the
start] (bytes as latin-1).
Telnet commands are removed and CR LF / CR NUL end a line, as telnetd
reads them; erase and kill are applied as the pty would. This is how the
tests see what a client sent to the real device, which keeps no log."""
import json
import socket
import sys
import threading
import time

T0 = time.time()
FILE_LOCK = threading.Lock()

IAC = 255


class Side:
    """Data bytes of one direction with telnet commands removed."""

    def __init__(self):
        self.state = 0
        self.cr = False

    def data(self, buf):
        out = bytearray()
        for c in buf:
            if self.state == 0:
                if c == IAC:
                    self.state = 1
                    continue
                if self.cr:
                    self.cr = False
                    if c in (0, 10):
                        continue
                if c == 13:
                    self.cr = True
                    c = 10
                out.append(c)
            elif self.state == 1:
                if c == IAC:
                    out.append(c)
                    self.state = 0
                elif 251 <= c <= 254:
                    self.state = 2
                elif c == 250:
                    self.state = 3
                else:
                    self.state = 0
            elif self.state == 2:
                self.state = 0
            elif self.state == 3:
                self.state = 4 if c == IAC else 3
            elif self.state == 4:
                self.state = 0 if c == 240 else 3
        return bytes(out)


class Conn:
    def __init__(self, out):
        self.out, self.lock = out, threading.Lock()
        self.expect = None  # "user" / "pass" / None
        self.tail = b""
        self.line = bytearray()
        self.user = None
        self.cli, self.srv = Side(), Side()

    def from_server(self, buf):
        with self.lock:
            self.tail = (self.tail + self.srv.data(buf))[-64:]
            if self.tail.endswith(b"login: "):
                self.expect = "user"
            elif self.tail.endswith(b"Password: ") and self.user is not None:
                self.expect = "pass"

    def from_client(self, buf):
        with self.lock:
            self.client_bytes(buf)

    def client_bytes(self, buf):
        for c in self.cli.data(buf):
            if c == 10:
                self.done()
            elif c == 0x7F:
                del self.line[-1:]
            elif c == 0x15:
                self.line.clear()
            else:
                self.line.append(c)

    def done(self):
        text = bytes(self.line).decode("latin-1")
        self.line = bytearray()
        if self.expect == "user" and text.strip():
            # login reads the password next, whether or not its prompt
            # has been seen yet (type-ahead)
            self.user = text.lstrip()
            self.expect = "pass"
        elif self.expect == "pass" and self.user is not None:
            with FILE_LOCK:
                with open(self.out, "a") as f:
                    f.write(json.dumps([self.user, text, round(time.time() - T0, 2)]) + "\n")
            self.user, self.expect = None, None


def pump(a, b, fn):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            fn(d)
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen, target, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", listen))
    ls.listen(64)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        s = socket.create_connection(("127.0.0.1", target))
        for x in (c, s):
            x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        k = Conn(out)
        threading.Thread(target=pump, args=(c, s, k.from_client), daemon=True).start()
        threading.Thread(target=pump, args=(s, c, k.from_server), daemon=True).start()


if __name__ == "__main__":
    main()
