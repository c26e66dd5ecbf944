#!/usr/bin/env python3
"""Attack clients for tests/integration/web_hostile.sh, loopback only.

  raw PORT BYTES                send raw bytes (Python escapes: \\r \\n \\x00), print
                                the status code (0: closed without one)
  slowloris PORT SPEC           slow connections + a normal client; JSON summary
  guess PORT SRC N TOKEN_PATH   N wrong tokens on one keep-alive connection; JSON
  get PORT SRC PATH [TOKEN]     one GET from source address SRC; prints the status

Source addresses are 127.x.y.z (all of 127/8 is loopback on Linux), so one
machine plays clients from many addresses and prefixes.
"""
import codecs
import http.client
import json
import socket
import sys
import threading
import time


def raw(port, data, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    got = b""
    try:
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    s.close()
    parts = got.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def get(port, src, path, token=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(src, 0))
    headers = {"Authorization": "Bearer " + token} if token else {}
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, r.getheader("Retry-After")


def percentile(v, p):
    if not v:
        return None
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def slowloris(port, spec):
    """spec: JSON with sources (list), per_source, seconds, drip (s between
    bytes), legit (source address), legit_interval."""
    sources, per, seconds = spec["sources"], spec["per_source"], spec["seconds"]
    drip = spec.get("drip", 0.5)
    head = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Padding: " + b"a" * 4000
    conns = []  # [sock, source, opened_at, bytes_sent]
    lifetimes, opened, refused = [], 0, 0
    stop = time.time() + seconds
    legit = {"times": [], "fail": 0, "errors": []}

    def open_one(src):
        nonlocal opened
        s = socket.socket()
        s.setblocking(True)
        s.settimeout(2)
        s.bind((src, 0))
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            return
        s.setblocking(False)
        opened += 1
        conns.append([s, src, time.time(), 0])

    def legit_client():
        while time.time() < stop:
            t = time.time()
            try:
                st, _ = get(port, spec["legit"], "/", timeout=15)
                if st != 200:
                    raise OSError("status %d" % st)
                legit["times"].append(time.time() - t)
            except OSError as e:
                legit["fail"] += 1
                legit["errors"].append(str(e)[:80])
            time.sleep(spec.get("legit_interval", 0.2))

    for src in sources:
        for _ in range(per):
            open_one(src)
    th = threading.Thread(target=legit_client)
    th.start()
    while time.time() < stop:
        now = time.time()
        for c in list(conns):
            s = c[0]
            closed = False
            try:
                if s.recv(4096, socket.MSG_DONTWAIT) == b"":
                    closed = True
            except BlockingIOError:
                pass
            except OSError:
                closed = True
            if not closed:
                try:
                    s.send(head[c[3] : c[3] + 1])
                    c[3] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    closed = True
            if closed:
                life = now - c[2]
                lifetimes.append(life)
                if life < 1.5:  # refused at accept (the loop sees it late)
                    refused += 1
                s.close()
                conns.remove(c)
                open_one(c[1])  # a real slowloris comes straight back
        time.sleep(drip)
    th.join()
    now = time.time()
    still = [now - c[2] for c in conns]
    for c in conns:
        c[0].close()
    t = legit["times"]
    print(json.dumps({
        "opened": opened,
        "refused_at_once": refused,
        "closed_later": len([x for x in lifetimes if x >= 1.5]),
        "max_lifetime": round(max(lifetimes + still), 2) if lifetimes or still else 0,
        "open_at_end": len(still),
        "legit_ok": len(t),
        "legit_fail": legit["fail"],
        "legit_errors": legit["errors"][:3],
        "legit_p50": round(percentile(t, 50), 3) if t else None,
        "legit_p99": round(percentile(t, 99), 3) if t else None,
        "legit_max": round(max(t), 3) if t else None,
    }))


def guess(port, src, n, path):
    """n wrong tokens on one keep-alive connection, as fast as answered."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(src, 0))
    codes, retry = {}, None
    t = time.time()
    for i in range(n):
        tok = "iotm_%064x" % (i + 1)
        c.request("GET", path, headers={"Authorization": "Bearer " + tok})
        r = c.getresponse()
        r.read()
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.status == 429:
            retry = r.getheader("Retry-After")
            first429 = codes.get("first429", i)
            codes["first429"] = first429
    dt = time.time() - t
    c.close()
    print(json.dumps({"codes": {str(k): v for k, v in codes.items()}, "retry_after": retry,
                      "per_second": round(n / dt, 1)}))


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "raw":
        print(raw(port, codecs.escape_decode(sys.argv[3].encode())[0]))
    elif cmd == "slowloris":
        slowloris(port, json.loads(sys.argv[3]))
    elif cmd == "guess":
        guess(port, sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "get":
        st, retry = get(port, sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
        print(st if retry is None else "%d %s" % (st, retry))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
