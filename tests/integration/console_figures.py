#!/usr/bin/python3
"""The dashboard's figures equal `iotmon report`'s for the same store and
period (issue 16 point 7, issue 17), in HTML, CSV and JSON; periods start at
the data; drill-down filters narrow every figure; no public answer holds an
IP address. Prints TAP lines.

  console_figures.py BASE DB IOTMON POPULATION.csv
"""
import csv
import datetime
import io
import ipaddress
import os
import json
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

base, db, iotmon, popfile = sys.argv[1:5]
con = sqlite3.connect(db)
failures = 0
fetched = {}


def check(name, want, got):
    global failures
    if str(want) == str(got):
        print("ok - %s" % name)
    else:
        failures += 1
        print("not ok - %s\n#   expected: %s\n#   actual:   %s" % (name, want, got))


def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            body = r.read().decode()
            fetched[path] = body
            return r.status, body
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def report(*args):
    return json.loads(subprocess.run([iotmon, "report", *args, "--db", db, "--format", "json"], check=True,
                                     capture_output=True, text=True).stdout)


def row(html, key):
    m = re.search(r'<tr data-key="%s">(.*?)</tr>' % re.escape(key), html)
    return m.group(1) if m else ""


def cell(rowhtml, cls):
    m = re.search(r'<td class="(?:n )?%s">([^<]*)</td>' % re.escape(cls), rowhtml)
    return m.group(1) if m else None


first, last = con.execute("SELECT min(day), max(day) FROM observations").fetchone()
today = datetime.datetime.now(datetime.timezone.utc).date()
# An open end leaves out today's partial day (the fixture has events a minute old).
end = min(datetime.date.fromisoformat(last), today - datetime.timedelta(days=1))


def window(days):
    frm = max(datetime.date.fromisoformat(first), end - datetime.timedelta(days=days - 1)) if days else \
        datetime.date.fromisoformat(first)
    return (frm.isoformat(), end.isoformat())


for path, days in (("/countries", 30), ("/countries?period=90d", 90), ("/countries?period=all", 0),
                   ("/countries?period=7d", 7), ("/countries?period=24h", 1)):
    st, html = get(path)
    m = re.search(r'id="period" data-from="([^"]*)" data-to="([^"]*)"', html)
    check("GET %s: the window %s, not before the data" % (path, window(days)), window(days), m.groups() if m else None)
check("today's partial day is left out, with a note", last != today.isoformat() or 'id="partial-day"' in html, True)
# The fixture's history is 2025-03-01..20: a 30-day window ending the 20th starts at the data.
st, html = get("/countries?to=2025-03-20")
m = re.search(r'id="period" data-from="([^"]*)"', html)
check("a 30-day window ending at 2025-03-20 starts at the first data day", first, m.group(1) if m else None)
first, last = first, "2025-03-20"
check("every page has the period form", True, '<form class="period" method="get"' in html and 'name="from"' in html)
for bad in ("/countries?from=2025-03-10&to=2025-03-01", "/countries?period=8d", "/countries?period=7d&to=2025-03-10",
            "/countries?cc=nl", "/families?family=a%3Cb", "/networks?asn=0", "/countries?format=xml"):
    check("GET %s is a 400" % bad, 400, get(bad)[0])

# Countries: the page (HTML, CSV, JSON) equals `iotmon report countries`.
for frm, to in ((first, last), ("2025-03-05", "2025-03-18")):
    rep = report("countries", "--from", frm, "--to", to, "--population", popfile)
    q = "from=%s&to=%s" % (frm, to)
    st, html = get("/countries?" + q)
    st, js = get("/countries?%s&format=json" % q)
    st, cs = get("/countries?%s&format=csv" % q)
    js = {c["cc"]: c for c in json.loads(js)}
    cs = {c["cc"]: c for c in csv.DictReader(io.StringIO(cs))}
    check("countries %s..%s: as many countries as the report" % (frm, to), len(rep["countries"]), len(js))
    for c in rep["countries"]:
        r = row(html, c["cc"])
        check("countries %s: %s per million, HTML = report" % (frm, c["cc"]), "%.3f" % c["per_million"],
              cell(r, "per-million"))
        check("countries %s: %s mean per day, HTML = report" % (frm, c["cc"]), "%.2f" % c["mean_per_day"],
              cell(r, "mean-per-day"))
        j = js.get(c["cc"], {})
        check("countries %s: %s JSON = report" % (frm, c["cc"]),
              (c["rank"], c["device_days"], c["peak"], round(c["per_million"], 9)),
              (j.get("rank"), j.get("device_days"), j.get("peak"), round(j.get("per_million") or 0, 9)))
        check("countries %s: %s CSV = JSON" % (frm, c["cc"]), (str(j.get("device_days")), "%.3f" % j.get("per_million", 0)),
              (cs.get(c["cc"], {}).get("device_days"), cs.get(c["cc"], {}).get("per_million")))
    check("countries %s: the chart labels have the table's precision" % frm,
          True, all(("%.3f" % c["per_million"]) in html for c in rep["countries"]))

# The world map: inline SVG, each country's tooltip with the table's figure.
st, html = get("/countries?from=%s&to=%s" % (first, last))
if os.path.exists(os.path.join(os.path.dirname(__file__), "../../data/map/world.tsv")):
    paths = re.findall(r'<path data-cc="([A-Z]{2})" fill="([^"]*)" d="[^"]*"><title>[^<]*\(\1\): ([^<]*)</title>', html)
    check("countries: the world map is inline SVG with >150 countries", True,
          '<figure id="map"><svg' in html and len(paths) > 150)
    tips = {cc: v for cc, _, v in paths}
    for c in report("countries", "--from", first, "--to", last, "--population", popfile)["countries"]:
        check("map: %s tooltip = the table's per million" % c["cc"], "%.3f" % c["per_million"], tips.get(c["cc"]))
    check("map: a legend with the unit", True, 'class="legend-unit">infected devices per million' in html)
else:
    check("countries: without map data, a note instead of the map", True, 'id="map-missing"' in html)

# Manufacturers: the page equals `iotmon report manufacturers`.
rep = report("manufacturers", "--from", first, "--to", last)
st, html = get("/manufacturers?from=%s&to=%s" % (first, last))
st, js = get("/manufacturers?from=%s&to=%s&format=json" % (first, last))
js = json.loads(js)
check("manufacturers: characterized devices = report", rep["characterized_infected_devices"],
      re.search(r'id="characterized" data-value="(\d+)"', html).group(1))
check("manufacturers: rows = report", [(m["vendor"], m["model"], m["firmware"], m["devices"]) for m in rep["models"]],
      [(m["vendor"], m["model"], m["firmware"], m["devices"]) for m in js])
for m in rep["models"]:
    check("manufacturers: %s %s HTML = report" % (m["vendor"], m["model"]), m["devices"],
          cell(row(html, "%s/%s/%s" % (m["vendor"], m["model"], m["firmware"])), "devices"))
check("manufacturers: rows shown", True, len(rep["models"]) > 0)

# Overview, networks and families: HTML = CSV = JSON = the report (the
# overview's focus countries) or a direct count over the observations.
q = "from=%s&to=%s" % (first, last)
days = [(datetime.date.fromisoformat(first) + datetime.timedelta(days=k)).isoformat()
        for k in range((datetime.date.fromisoformat(last) - datetime.date.fromisoformat(first)).days + 1)]
rep = {c["cc"]: {d["day"]: d["infected"] for d in c["daily"]} for c in report("countries", "--from", first, "--to", last)["countries"]}
st, html = get("/?" + q)
st, js = get("/?%s&format=json" % q)
st, cs = get("/?%s&format=csv" % q)
js = json.loads(js)
per_day = dict(con.execute("SELECT day, count(*) FROM observations WHERE day BETWEEN ? AND ? GROUP BY day",
                           (first, last)).fetchall())
for cc in ("NL", "DE"):
    check("overview: %s per day, JSON = report" % cc, [rep.get(cc, {}).get(d, 0) for d in days],
          [r["devices"] for r in js if r["series"] == cc])
    check("overview: %s on the last day, HTML = report" % cc, rep.get(cc, {}).get(last, 0),
          cell(row(html, cc), "last-day"))
check("overview: the focus countries have devices", True, all(sum(rep.get(cc, {}).values()) > 0 for cc in ("NL", "DE")))
check("overview: every country per day, JSON = the observations", [per_day.get(d, 0) for d in days],
      [r["devices"] for r in js if r["series"] == "*"])
check("overview: CSV = JSON", [(r["day"], r["series"], str(r["devices"])) for r in js],
      [(r["day"], r["series"], r["devices"]) for r in csv.DictReader(io.StringIO(cs))])
m = re.search(r'id="focus-last-day" data-value="(\d+)"', html)
check("overview: the focus countries' last day, HTML = report", sum(rep.get(cc, {}).get(last, 0) for cc in ("NL", "DE")),
      m.group(1) if m else None)
m = re.search(r'id="all-last-day" data-value="(\d+)"', html)
check("overview: every country's last day, HTML = the observations", per_day.get(last, 0), m.group(1) if m else None)

for page, col, label, sql in (
        ("networks", "asn", "AS", "asn"),
        ("families", "family", "", "CASE family WHEN '' THEN 'unknown' ELSE family END")):
    want = con.execute("SELECT %s, count(DISTINCT ip), count(DISTINCT CASE WHEN day = ? THEN ip END), count(*) "
                       "FROM observations WHERE day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1" % sql,
                       (last, first, last)).fetchall()
    st, html = get("/%s?%s" % (page, q))
    st, js = get("/%s?%s&format=json" % (page, q))
    st, cs = get("/%s?%s&format=csv" % (page, q))
    js = json.loads(js)
    got = sorted((r[col], r["devices"], r["last_day"], r["device_days"]) for r in js)
    check("%s: JSON = the observations (devices, last day, device-days)" % page, [tuple(w) for w in want], got)
    check("%s: rows shown" % page, True, len(want) > 1)
    check("%s: CSV = JSON" % page, sorted((str(a), str(b), str(c), str(d)) for a, b, c, d in got),
          sorted((r[col], r["devices"], r["last_day"], r["device_days"]) for r in csv.DictReader(io.StringIO(cs))))
    check("%s: HTML = JSON" % page, [(str(r[1]), str(r[2])) for r in got],
          [(cell(row(html, str(r[0])), "devices"), cell(row(html, str(r[0])), "last-day")) for r in got])

# Drill-down: country -> networks -> families; family -> countries.
st, html = get("/countries?from=%s&to=%s" % (first, last))
check("countries link to their networks", True, 'href="/networks?from=%s&amp;to=%s&amp;cc=NL"' % (first, last) in html)
st, js = get("/networks?from=%s&to=%s&cc=NL&format=json" % (first, last))
want = con.execute("SELECT asn, count(DISTINCT ip) FROM observations WHERE cc='NL' AND day BETWEEN ? AND ?"
                   " GROUP BY asn ORDER BY asn", (first, last)).fetchall()
check("networks?cc=NL: only NL networks, distinct devices", want,
      sorted((n["asn"], n["devices"]) for n in json.loads(js)))
st, js = get("/families?from=%s&to=%s&asn=64500&format=json" % (first, last))
want = con.execute("SELECT CASE family WHEN '' THEN 'unknown' ELSE family END, count(DISTINCT ip) FROM observations "
                   "WHERE asn=64500 AND day BETWEEN ? AND ? GROUP BY family ORDER BY 1", (first, last)).fetchall()
check("families?asn=64500: the network's families", want, sorted((f["family"], f["devices"]) for f in json.loads(js)))
st, js = get("/countries?from=%s&to=%s&family=mirai&format=json" % (first, last))
want = con.execute("SELECT cc, count(DISTINCT ip) FROM observations WHERE family='mirai' AND day BETWEEN ? AND ?"
                   " GROUP BY cc ORDER BY cc", (first, last)).fetchall()
check("countries?family=mirai: the family's countries", want, sorted((c["cc"], c["devices"]) for c in json.loads(js)))

# Ports: a network's and a family's infected devices per destination port,
# equal to a direct count over `iotmon events` (distinct sources per port
# among events whose (source, day) has an observation within the filter).
evs = [json.loads(l) for l in subprocess.run(
    [iotmon, "events", "--db", db, "--since", first,
     "--until", (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()],
    check=True, capture_output=True, text=True).stdout.splitlines()]


def ports_want(where, args):
    infected = set(con.execute("SELECT ip, day FROM observations WHERE day BETWEEN ? AND ?" + where,
                               (first, last) + args).fetchall())
    seen = {}
    for e in evs:
        if e.get("dst_port") and (e["src_ip"], e["time"][:10]) in infected:
            seen.setdefault(e["dst_port"], set()).add(e["src_ip"])
    return sorted((port, len(ips)) for port, ips in seen.items())


for label, q, where, args in (("all", "", "", ()), ("asn=64500", "&asn=64500", " AND asn=?", (64500,)),
                              ("family=mirai", "&family=mirai", " AND family=?", ("mirai",))):
    want = ports_want(where, args)
    st, html = get("/ports?from=%s&to=%s%s" % (first, last, q))
    st, js = get("/ports?from=%s&to=%s%s&format=json" % (first, last, q))
    st, cs = get("/ports?from=%s&to=%s%s&format=csv" % (first, last, q))
    check("ports %s: ports counted (two without a filter)" % label, True, len(want) > (1 if label == "all" else 0))
    check("ports %s: JSON = a direct count over iotmon events" % label, want,
          sorted((p["port"], p["devices"]) for p in json.loads(js)))
    check("ports %s: CSV = JSON" % label, want,
          sorted((int(p["port"]), int(p["devices"])) for p in csv.DictReader(io.StringIO(cs))))
    check("ports %s: HTML = JSON" % label, [str(d) for _, d in want],
          [cell(row(html, str(port)), "devices") for port, _ in want])
    check("ports %s: a chart with axis titles" % label, True,
          '<figure id="chart-ports">' in html and "destination port" in html)
# A network's page and a family's page show their ports, as /ports does.
for page, q, want in (("/families", "&asn=64500", ports_want(" AND asn=?", (64500,))),
                      ("/countries", "&family=mirai", ports_want(" AND family=?", ("mirai",)))):
    st, html = get("%s?from=%s&to=%s%s" % (page, first, last, q))
    check("%s?%s: its ports, HTML = a direct count" % (page, q[1:]), [str(d) for _, d in want],
          [cell(row(html, str(port)), "devices") for port, _ in want])
    check("%s?%s: links to the ports' CSV and JSON" % (page, q[1:]), True,
          'href="/ports?from=%s&amp;to=%s&amp;%s&amp;format=csv"' % (first, last, q[1:]) in html and
          'href="/ports?from=%s&amp;to=%s&amp;%s&amp;format=json"' % (first, last, q[1:]) in html)
st, html = get("/families?from=%s&to=%s" % (first, last))
check("an unfiltered families page has no ports section", False, 'id="ports-title"' in html)
st, html = get("/networks?from=%s&to=%s" % (first, last))
check("networks link to a network's ports", True, 'href="/ports?from=%s&amp;to=%s&amp;asn=64500"' % (first, last) in html)
st, html = get("/families?from=%s&to=%s" % (first, last))
check("families link to a family's ports", True,
      'href="/ports?from=%s&amp;to=%s&amp;family=mirai"' % (first, last) in html)
st, html = get("/networks?from=%s&to=%s&cc=NL" % (first, last))
check("a filtered page says so and links back", True, 'id="filter"' in html and "Show all" in html)

# No public answer holds an address.
ipre = re.compile(r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F:]*(?![\w:])")
found = []
for path, body in fetched.items():
    for m in ipre.findall(body):
        try:
            ipaddress.ip_address(m)
            found.append("%s: %s" % (path, m))
        except ValueError:
            pass
check("no IP address in %d public answers" % len(fetched), [], found[:5])
sys.exit(1 if failures else 0)
