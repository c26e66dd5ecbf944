"""Read the next messages published on a NATS subject, with their headers.

  nats_peek.py HOST:PORT SUBJECT COUNT TIMEOUT_S
Speaks the NATS client protocol itself (CONNECT with headers, SUB, then
MSG/HMSG frames), so a test can see what a sensor puts on the wire without
a NATS client library. Prints one JSON object per message:
{"subject", "headers": {name: value}, "payload": latin-1 text}."""
import json
import socket
import sys
import time


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    subject, want, timeout = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    s = socket.create_connection((host, int(port)), timeout=timeout)
    buf = b""
    deadline = time.time() + timeout

    def line():
        nonlocal buf
        while b"\r\n" not in buf:
            if time.time() > deadline:
                raise TimeoutError
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk
        head, buf = buf.split(b"\r\n", 1)
        return head.decode("latin-1")

    def take(n):
        nonlocal buf
        while len(buf) < n + 2:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk
        data, buf = buf[:n], buf[n + 2:]
        return data

    line()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n')
    s.sendall(("SUB %s 1\r\nPING\r\n" % subject).encode())
    got = 0
    try:
        while got < want:
            head = line()
            if head == "PING":
                s.sendall(b"PONG\r\n")
                continue
            parts = head.split()
            if parts[0] == "MSG":
                payload, headers = take(int(parts[-1])), {}
            elif parts[0] == "HMSG":
                hlen, total = int(parts[-2]), int(parts[-1])
                raw = take(total)
                headers = {}
                for h in raw[:hlen].decode("latin-1").split("\r\n")[1:]:
                    if ":" in h:
                        k, v = h.split(":", 1)
                        headers[k.strip()] = v.strip()
                payload = raw[hlen:]
            else:
                continue
            print(json.dumps({"subject": parts[1], "headers": headers, "payload": payload.decode("latin-1")}))
            got += 1
    except (TimeoutError, socket.timeout, EOFError):
        pass
    return 0 if got else 1


if __name__ == "__main__":
    raise SystemExit(main())
