#!/usr/bin/python3
"""Checks the figures on the dashboard pages against the store (TAP lines).

  web_pages.py DB DIR TO POPULATION.csv REMEDIATION-BY-NETWORK.json REMEDIATION.json COUNTRIES.json

DIR holds the pages fetched with curl (overview.html, countries.html, ...,
metrics.txt) for the period ending TO. Every expected figure is computed
here with plain SQL on the store, independently of the C code; clean-up
figures must match `iotmon report remediation --format json` (the two JSON
files), the command whose analysis the pages show.
"""
import datetime
import html as htmllib
import ipaddress
import json
import re
import sqlite3
import sys

db, d, to, popfile, remed_net, remed_all, countries_json = sys.argv[1:8]
con = sqlite3.connect(db)
failures = 0


def check(name, want, got):
    global failures
    if str(want) == str(got):
        print("ok - %s" % name)
    else:
        failures += 1
        print("not ok - %s\n#   expected: %s\n#   actual:   %s" % (name, want, got))


def q1(sql, *args):
    return con.execute(sql, args).fetchone()[0]


def page(name):
    with open("%s/%s" % (d, name), encoding="utf-8") as f:
        return f.read()


def row(html, key):
    m = re.search(r'<tr data-key="%s">(.*?)</tr>' % re.escape(key), html)
    return m.group(1) if m else ""


def cell(rowhtml, cls):
    m = re.search(r'<td class="(?:n )?%s">([^<]*)</td>' % re.escape(cls), rowhtml)
    return m.group(1) if m else None


def day_minus(day, n):
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=n)).isoformat()


# Overview: 90 days to TO, focus NL and DE.
html = page("overview.html")
frm = day_minus(to, 89)
check("overview: period", 'data-from="%s" data-to="%s"' % (frm, to),
      re.search(r'data-from="[^"]*" data-to="[^"]*"', html).group(0))
want = q1("SELECT count(*) FROM observations WHERE day = ? AND cc IN ('NL','DE')", to)
check("overview: focus devices on the last day", want, re.search(r'id="focus-last-day" data-value="(\d+)"', html).group(1))
want = q1("SELECT count(*) FROM observations WHERE day = ?", to)
check("overview: all devices on the last day", want, re.search(r'id="all-last-day" data-value="(\d+)"', html).group(1))
for cc in ("NL", "DE"):
    r = row(html, cc)
    check("overview: %s on the last day" % cc, q1("SELECT count(*) FROM observations WHERE day=? AND cc=?", to, cc),
          cell(r, "last-day"))
    last7 = q1("SELECT count(*) FROM observations WHERE day BETWEEN ? AND ? AND cc=?", day_minus(to, 6), to, cc) / 7
    check("overview: %s mean of the last 7 days" % cc, "%.1f" % last7, cell(r, "last7"))
check("overview: one chart line per focus country", 2, html.count("<polyline"))

# Countries: 30 days, distinct devices, per million.
html = page("countries.html")
frm = day_minus(to, 29)
pop = {}
for line in open(popfile).read().splitlines()[1:]:
    cc, _, n = line.split(",")[:3]
    pop[cc] = int(n)
for cc, devices, device_days in con.execute("SELECT cc, count(DISTINCT ip), count(*) FROM observations"
                                            " WHERE day BETWEEN ? AND ? GROUP BY cc", (frm, to)):
    r = row(html, cc)
    mean = device_days / 30
    check("countries: %s devices" % cc, devices, cell(r, "devices"))
    check("countries: %s mean per day" % cc, "%.2f" % mean, cell(r, "mean-per-day"))
    check("countries: %s per million (mean per day)" % cc, "%.3f" % (mean * 1e6 / pop[cc]), cell(r, "per-million"))
    check("countries: %s on the last day" % cc,
          q1("SELECT count(*) FROM observations WHERE day=? AND cc=?", to, cc), cell(r, "last-day"))
for c in json.load(open(countries_json))["countries"]:
    check("countries: %s per million as iotmon report countries" % c["cc"], "%.3f" % c["per_million"],
          cell(row(html, c["cc"]), "per-million"))
check("countries: population source shown", True, "Population: CBS, test fixture" in html)

# Networks.
html = page("networks.html")
n = 0
for asn, name, devices in con.execute("SELECT asn, as_name, count(DISTINCT ip) FROM observations"
                                      " WHERE day BETWEEN ? AND ? GROUP BY asn", (frm, to)):
    r = row(html, str(asn))
    check("networks: AS%d devices" % asn, devices, cell(r, "devices"))
    check("networks: AS%d name" % asn, name, htmllib.unescape(cell(r, "as-name") or ""))
    n += 1
check("networks: one row per network", n, html.count('<tr data-key='))
for g in json.load(open(remed_net))["groups"]:
    r = row(html, g["group"][2:])
    if not r:
        continue
    check("networks: %s cleaned within 14 days" % g["group"], "%.0f%%" % (g["cleaned_within_horizon"] * 100),
          cell(r, "cleaned14"))
    check("networks: %s median days to clean-up" % g["group"],
          "%d" % g["median_days"] if g["median_days"] is not None else "\u2013", cell(r, "median-days"))

# Clean-up page: the one curve of all infections.
html = page("remediation.html")
g = json.load(open(remed_all))["groups"][0]
m = re.search(r'id="episodes" data-episodes="(\d+)" data-cleaned="(\d+)" data-censored="(\d+)"', html)
check("remediation: infections, cleaned, censored", "%d %d %d" % (g["episodes"], g["cleaned"], g["censored"]),
      " ".join(m.groups()) if m else None)
check("remediation: cleaned within 14 days", "%.4f" % g["cleaned_within_horizon"],
      re.search(r'id="cleaned14" data-value="([^"]*)"', html).group(1))
check("remediation: median", g["median_days"] if g["median_days"] is not None else -1,
      re.search(r'id="median" data-value="([^"]*)"', html).group(1))
check("remediation: a step curve with its band", True, "<polyline" in html and "<polygon" in html)

# Manufacturers: distinct infected devices of the period with a device record.
html = page("manufacturers.html")
want = q1("SELECT count(DISTINCT o.ip) FROM observations o JOIN devices d ON d.ip = o.ip"
          " WHERE o.day BETWEEN ? AND ? AND d.vendor <> ''", frm, to)
check("manufacturers: characterized devices", want, re.search(r'id="characterized" data-value="(\d+)"', html).group(1))
check("manufacturers: all devices", q1("SELECT count(DISTINCT ip) FROM observations WHERE day BETWEEN ? AND ?", frm, to),
      re.search(r'data-all="(\d+)"', html).group(1))
for vendor, devices in con.execute("SELECT d.vendor, count(DISTINCT o.ip) FROM observations o JOIN devices d"
                                   " ON d.ip = o.ip WHERE o.day BETWEEN ? AND ? GROUP BY d.vendor", (frm, to)):
    check("manufacturers: %s devices" % vendor, devices, cell(row(html, vendor), "devices"))
for vendor, model, fw, devices in con.execute("SELECT d.vendor, d.model, coalesce(d.firmware, ''), count(DISTINCT o.ip)"
                                              " FROM observations o JOIN devices d ON d.ip = o.ip"
                                              " WHERE o.day BETWEEN ? AND ? GROUP BY 1, 2, 3",
                                              (frm, to)):
    check("manufacturers: %s %s %s devices" % (vendor, model, fw), devices,
          cell(row(html, vendor + "/" + model + "/" + fw), "devices"))

# Families.
html = page("families.html")
for fam, devices in con.execute("SELECT family, count(DISTINCT ip) FROM observations WHERE day BETWEEN ? AND ?"
                                " GROUP BY family", (frm, to)):
    check("families: %s devices" % (fam or "unknown"), devices, cell(row(html, fam or "unknown"), "devices"))

# Sensor health: totals and last event from the events table; the live
# sensor sent 30 events of 20 packets a minute ago (10-minute window).
html = page("sensors.html")
for sensor, events, last in con.execute("SELECT sensor, count(*), max(time_us) FROM events GROUP BY sensor"):
    r = row(html, sensor)
    check("sensors: %s events" % sensor, events, cell(r, "events"))
    t = datetime.datetime.fromtimestamp(last // 1000000, datetime.timezone.utc)
    m = re.search(r'<td class="last-event" title="([^"]*)">([^<]*)</td>', r)
    check("sensors: %s last event" % sensor, (t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % (last % 1000000),
                                              t.strftime("%Y-%m-%d&#160;%H:%M")), m.groups() if m else None)
    silent = int(datetime.datetime.now(datetime.timezone.utc).timestamp() - last / 1e6)
    m = re.search(r'<td class="state (live|silent)" data-silent-hours="(\d+)">([^<]*)</td>', r)
    h = silent // 3600
    want = ("live", "0", "receiving") if silent < 3600 else \
        ("silent", str(h), "silent for %d h" % h if h < 48 else "silent for %d days" % (h // 24))
    check("sensors: %s state" % sensor, want, m.groups() if m else None)
r = row(html, "tele-live")
check("sensors: live events per minute", "3.00", cell(r, "per-minute"))
check("sensors: live packets per second", "1.00", cell(r, "packets-per-s"))
check("sensors: the live sensor's last hour in its chart", True, re.search(r":00 UTC: 30</title></rect></svg>", r) is not None)
check("sensors: old sensor has no current rate", "0.00", cell(row(html, "hp-0"), "per-minute"))
check("sensors: a honeypot has no packet rate", "\u2013", cell(row(html, "hp-0"), "packets-per-s"))

# /metrics: events by sensor and kind, as stored.
text = page("metrics.txt")
for sensor, kind, events in con.execute("SELECT sensor, kind, count(*) FROM events GROUP BY sensor, kind"):
    m = re.search(r'^iotmon_store_events_total\{sensor="%s",kind="%s"\} (\d+)$' % (sensor, kind), text, re.M)
    check("metrics: %s %s events" % (sensor, kind), events, m.group(1) if m else None)
check("metrics: scan packets of the live sensor", 600,
      (re.search(r'^iotmon_store_packets_total\{sensor="tele-live"\} (\d+)$', text, re.M) or [None, None])[1])
for name in ("iotmon_packets_processed_total", "iotmon_sessions_open", "iotmon_feed_deliveries_total",
             "iotmon_errors_total", "iotmon_http_requests_total"):
    check("metrics: %s present" % name, True, ("# TYPE %s " % name) in text)
m = re.search(r'^iotmon_sensor_silent_seconds\{sensor="tele-live"\} (\d+)$', text, re.M)
check("metrics: the live sensor is not silent", True, m is not None and int(m.group(1)) < 600)
m = re.search(r'^iotmon_sensor_silent_seconds\{sensor="hp-0"\} (\d+)$', text, re.M)
check("metrics: an old sensor is silent for days", True, m is not None and int(m.group(1)) > 86400)
check("metrics: the live sensor's events in the last day", True,
      re.search(r'^iotmon_sensor_events\{sensor="tele-live",window="24h"\} 30$', text, re.M) is not None)
check("metrics: every sample line is well formed", [],
      [l for l in text.splitlines() if l and not l.startswith("#")
       and not re.match(r'^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?\d+$', l)])

# No public page carries an IP address: every candidate token that parses as
# an address is a failure, and no stored source address appears verbatim.
ips = [r[0] for r in con.execute("SELECT DISTINCT src_ip FROM events")]
for name in ("overview.html", "countries.html", "networks.html", "manufacturers.html", "families.html",
             "remediation.html", "sensors.html", "metrics.txt"):
    body = page(name)
    found = []
    for cand in re.findall(r"[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*", body):
        c = cand.strip(".:")
        try:
            ipaddress.ip_address(c)
            found.append(c)
        except ValueError:
            pass
    found += [ip for ip in ips if ip in body]
    check("no IP address in %s" % name, [], found)
sys.exit(1 if failures else 0)
