#!/usr/bin/python3
"""Every public page in headless Chromium at 390 and 1280 px (issue 17):
screenshots into ART, and the test fails on horizontal overflow, on a chart
without its two axis titles, on an IP address in a public page's text or
markup, and on a per-million figure differing from `iotmon report
countries` for the same period. Chromium is driven over the DevTools
protocol (a minimal WebSocket client below: the stdlib has none).

  browser_check.py BASE ART REPORT_COUNTRIES.json FROM TO
"""
import base64
import ipaddress
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

base, art, report_json, frm, to = sys.argv[1:6]
failures = 0


def check(name, want, got):
    global failures
    if want == got:
        print("ok - %s" % name)
    else:
        failures += 1
        print("not ok - %s\n#   expected: %r\n#   actual:   %r" % (name, want, got))


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames,
    client masking, no extensions."""

    def __init__(self, url):
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        self.s = socket.create_connection((m.group(1), int(m.group(2))), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                        % (m.group(3), m.group(1), m.group(2), key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError("websocket handshake refused: %r" % head[:80])
        self.buf = b""

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        hdr = struct.pack("!B", 0x81) + (struct.pack("!B", 0x80 | n) if n < 126 else
                                         struct.pack("!BH", 0x80 | 126, n) if n < 65536 else
                                         struct.pack("!BQ", 0x80 | 127, n))
        self.s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise OSError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            msg += payload
            if b0 & 0x80:
                return msg.decode()


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.id = 0
        self.events = []

    def call(self, method, **params):
        self.id += 1
        self.ws.send(json.dumps({"id": self.id, "method": method, "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == name:
                    del self.events[: i + 1]
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(name)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r["result"].get("value")


profile = tempfile.mkdtemp(prefix="iotmon-chromium-")
chrome = subprocess.Popen(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--no-first-run", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
                           "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    portfile = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(portfile) and open(portfile).read().strip():
            break
        time.sleep(0.1)
    port = int(open(portfile).read().split()[0])
    targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10))
    page = Page(WebSocket([t for t in targets if t["type"] == "page"][0]["webSocketDebuggerUrl"]))
    page.call("Page.enable")
    q = "from=%s&to=%s" % (frm, to)
    pages = [("overview", "/?" + q), ("countries", "/countries?" + q), ("networks", "/networks?" + q),
             ("manufacturers", "/manufacturers?" + q), ("families", "/families?" + q),
             ("remediation", "/remediation"), ("sensors", "/sensors"), ("portal-login", "/portal/login"),
             ("countries-nl", "/countries?family=mirai&" + q), ("networks-cc", "/networks?cc=NL&" + q),
             ("ports-network", "/ports?asn=64500&" + q), ("ports-family", "/ports?family=mirai&" + q)]
    rep = {c["cc"]: c for c in json.load(open(report_json))["countries"]}
    ipre = re.compile(r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F:]*(?![\w:])")
    for width in (390, 1280):
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=width < 600)
        for name, path in pages:
            page.call("Page.navigate", url=base + path)
            page.wait_event("Page.loadEventFired")
            m = page.eval("JSON.stringify({sw: document.documentElement.scrollWidth, iw: window.innerWidth,"
                          " h: document.documentElement.scrollHeight,"
                          " charts: [...document.querySelectorAll('figure[id^=chart-] svg')].map(s =>"
                          "   s.querySelectorAll('text.axis-title').length),"
                          " cells: Object.fromEntries([...document.querySelectorAll('#countries tr[data-key]')].map(r =>"
                          "   [r.dataset.key, (r.querySelector('td.per-million') || {}).textContent])),"
                          " text: document.body.innerText, html: document.documentElement.outerHTML})")
            m = json.loads(m)
            check("%s at %d px: no horizontal overflow (content %d px)" % (path, width, m["sw"]), True,
                  m["sw"] <= m["iw"] + 1)
            check("%s at %d px: every chart has its axis titles" % (path, width), [], [n for n in m["charts"] if n < 2])
            ips = []
            for a in ipre.findall(m["text"] + " " + m["html"]):
                try:
                    ipaddress.ip_address(a)
                    ips.append(a)
                except ValueError:
                    pass
            check("%s at %d px: no IP address" % (path, width), [], ips[:3])
            if name == "countries":
                check("countries at %d px: per million as iotmon report" % width,
                      {cc: "%.3f" % c["per_million"] for cc, c in rep.items()},
                      {cc: v for cc, v in m["cells"].items() if cc in rep})
            shot = page.call("Page.captureScreenshot", format="png",
                             clip={"x": 0, "y": 0, "width": width, "height": min(m["h"], 6000), "scale": 1},
                             captureBeyondViewport=True)
            with open(os.path.join(art, "%s-%d.png" % (name, width)), "wb") as f:
                f.write(base64.b64decode(shot["data"]))
finally:
    chrome.terminate()
    try:
        chrome.wait(10)
    except subprocess.TimeoutExpired:
        chrome.kill()
    subprocess.run(["rm", "-rf", profile])
sys.exit(1 if failures else 0)
