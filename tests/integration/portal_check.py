#!/usr/bin/python3
"""The network-owner portal (issue 17): sign-in contract, cookie flags, CSRF,
revocation, and isolation (a session for one token's networks sees no other
network's hosts through any page, parameter or download). TAP lines.

  portal_check.py PORT DB IOTMON TOKEN_A TOKEN_B
TOKEN_A holds AS64500 and AS64503, TOKEN_B AS64501.
"""
import http.client
import re
import sqlite3
import subprocess
import sys
import urllib.parse

port, db, iotmon, ta, tb = sys.argv[1:6]
port = int(port)
con = sqlite3.connect(db)
failures = 0


def check(name, want, got):
    global failures
    if want == got:
        print("ok - %s" % name)
    else:
        failures += 1
        print("not ok - %s\n#   expected: %r\n#   actual:   %r" % (name, want, got))


def req(method, path, cookie=None, form=None, ctype="application/x-www-form-urlencoded"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {}
    body = None
    if cookie:
        headers["Cookie"] = "iotmon_session=" + cookie
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = ctype
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read().decode()
    out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), data)
    c.close()
    return out


def login(token):
    st, h, _ = req("POST", "/portal/login", form={"token": token})
    m = re.match(r"iotmon_session=([0-9a-f]{64});", h.get("set-cookie", ""))
    return st, h, m.group(1) if m else None


# The contract.
st, h, _ = req("GET", "/portal/")
check("GET /portal/ without a session: 303 to the sign-in page", (303, "/portal/login"), (st, h.get("location")))
st, h, body = req("GET", "/portal/login")
check("the sign-in page is a form with a token field", (200, True),
      (st, 'method="post" action="/portal/login"' in body and 'name="token"' in body))
st, h, _ = req("POST", "/portal/login", form={"token": "iotm_" + "0" * 64})
check("a wrong token: 401 and no cookie", (401, None), (st, h.get("set-cookie")))
st, h, _ = req("POST", "/portal/login", form={"token": "nonsense"})
check("a malformed token: 401 and no cookie", (401, None), (st, h.get("set-cookie")))
st, h, _ = req("POST", "/portal/login", form={"token": ta}, ctype="text/plain")
check("a sign-in that is not a form is refused", 415, st)
st, h, sa = login(ta)
check("the right token: 303 to /portal/", (303, "/portal/"), (st, h.get("location")))
flags = [f.strip() for f in h.get("set-cookie", "").split(";")[1:]]
check("the cookie is HttpOnly, SameSite=Strict, for /portal/, expiring", True,
      "HttpOnly" in flags and "SameSite=Strict" in flags and "Path=/portal/" in flags and "Max-Age=3600" in flags)
check("the cookie is not Secure without [web] secure_cookies", False, "Secure" in flags)
st, h, sb = login(tb)

# Isolation: what A sees.
day = con.execute("SELECT max(day) FROM observations").fetchone()[0]
mine = set(r[0] for r in con.execute("SELECT ip FROM observations WHERE asn IN (64500, 64503)"))
others = set(r[0] for r in con.execute("SELECT ip FROM observations WHERE asn NOT IN (64500, 64503) OR asn IS NULL"))
today_mine = set(r[0] for r in con.execute("SELECT ip FROM observations WHERE day=? AND asn IN (64500, 64503)", (day,)))
st, h, body = req("GET", "/portal/", cookie=sa)
shown = set(re.findall(r'<td class="address">([^<]*)</td>', body))
check("A's portal lists the day's hosts of its networks", (200, today_mine), (st, shown))
check("A's portal names no address of another network", [], sorted(a for a in others if a in body)[:3])
check("A's portal has a trend and a clean-up chart with axis titles", True,
      'id="chart-trend"' in body and 'id="chart-cleanup"' in body and "share still infected" in body)
check("A's portal offers the feed in every format", 6, len(re.findall(r'href="/portal/feed\?date=[^"]*format=', body)))
csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', body)
for path in ("/portal/?network=64501", "/portal/feed?network=64501&format=csv", "/portal/?network=AS64502",
             "/portal/feed?network=64502&format=json&date=" + day):
    check("A cannot read %s (403)" % path, 403, req("GET", path, cookie=sa)[0])
for path in ("/portal/?asn=64501", "/portal/feed?asn=64501", "/portal/?cc=DE"):
    check("an unknown parameter is refused: %s" % path, 400, req("GET", path, cookie=sa)[0])
for fmt in ("csv", "json", "xarf"):
    st, h, feed = req("GET", "/portal/feed?date=%s&format=%s" % (day, fmt), cookie=sa)
    leaked = sorted(a for a in others if re.search(r"(?<![\w.:])%s(?![\w.:])" % re.escape(a), feed))
    check("A's %s feed: 200, its hosts only" % fmt, (200, []), (st, leaked[:3]))
    check("A's %s feed has the day's hosts" % fmt, True, all(a in feed for a in today_mine))
st, h, feed = req("GET", "/portal/feed?date=%s&format=csv&network=64500" % day, cookie=sa)
want = subprocess.run([iotmon, "feed", "--db", db, "--date", day, "--network", "64500", "--format", "csv"],
                      capture_output=True).stdout.decode()
check("the portal's CSV feed = iotmon feed for the network", want, feed)
st, h, body = req("GET", "/portal/", cookie=sb)
shown = set(re.findall(r'<td class="address">([^<]*)</td>', body))
check("B's portal shows none of A's hosts", set(), shown & mine)
check("a forged session cookie gets the sign-in page", 303, req("GET", "/portal/", cookie="ab" * 32)[0])
check("a feed without a session gets the sign-in page", 303, req("GET", "/portal/feed?format=csv")[0])

# CSRF and sign-out.
check("GET /portal/logout is refused", 405, req("GET", "/portal/logout", cookie=sa)[0])
check("sign-out without the form's secret is refused", 403, req("POST", "/portal/logout", cookie=sa, form={})[0])
check("sign-out with another secret is refused", 403,
      req("POST", "/portal/logout", cookie=sa, form={"csrf": "0" * 64})[0])
st, h, _ = req("POST", "/portal/logout", cookie=sa, form={"csrf": csrf.group(1) if csrf else ""})
check("sign-out: 303 to the sign-in page, cookie cleared", (303, "/portal/login", True),
      (st, h.get("location"), "Max-Age=0" in h.get("set-cookie", "")))
check("after sign-out the session is dead", 303, req("GET", "/portal/", cookie=sa)[0])
check("POST to a public page is refused", 405, req("POST", "/countries", form={"a": "b"})[0])

# Revoking the token ends its sessions.
check("B's session works before the revoke", 200, req("GET", "/portal/", cookie=sb)[0])
tid = subprocess.run([iotmon, "token", "list", "--db", db], capture_output=True, text=True).stdout
bid = [l.split("\t")[0] for l in tid.splitlines() if "\tDE ISP\t" in l or l.split("\t")[1:2] == ["DE ISP"]]
subprocess.run([iotmon, "token", "revoke", "--db", db, bid[0]], check=True)
check("after token revoke, B's session is dead", 303, req("GET", "/portal/", cookie=sb)[0])
check("and B's token no longer signs in", 401, login(tb)[0])
sys.exit(1 if failures else 0)
