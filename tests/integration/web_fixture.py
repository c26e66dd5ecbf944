#!/usr/bin/python3
"""Fixture for the web tests: evidence, enrichment and device records.

  web_fixture.py events            iotmon event JSON lines on stdout
  web_fixture.py enrich DB         sets ASN / AS name / country of every
                                   observation, the networks and some devices
  web_fixture.py population FILE   a population table (cc,country,population,year,source)

The evidence covers 2025-03-01..2025-03-20 (UTC) and comes only from the
documentation ranges (RFC 5737, RFC 3849) mapped to documentation ASNs
(RFC 5398); a few events are stamped a minute ago so the sensor rates are
not zero. Seeded: the same output every run. Enrichment is written with
SQL because the enrichment module is another piece of work; the web code
only reads what is stored.
"""
import datetime
import json
import ipaddress
import random
import sqlite3
import sys

NETWORKS = [  # prefix, asn, name, cc
    ("192.0.2.", 64500, "Example NL Broadband", "NL"),
    ("198.51.100.", 64501, "Example DE Telecom", "DE"),
    ("203.0.113.", 64502, "Example BE <script>alert(1)</script> & \"Cable\"", "BE"),  # must be escaped
    ("2001:db8:", 64503, "Example NL Mobile", "NL"),
]
FAMILIES = ["mirai", "mirai", "gafgyt", "mozi", ""]
DEVICES = [("Hikvision", "camera", "DS-2CD2032-I"), ("Dahua", "dvr", "DH-XVR4108"),
           ("ZTE", "router", "ZXHN H108N"), ("Hikvision", "camera", "DS-7604NI")]
START = datetime.date(2025, 3, 1)
DAYS = 20


def hosts():
    out = []
    for i in range(60):
        if i % 4 == 3:
            out.append("2001:db8:%x::%x" % (i % 3, i + 1))
        else:
            out.append(NETWORKS[i % 4][0] + str(10 + i))
    return out


def ts(day, secs):
    t = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc) + datetime.timedelta(seconds=secs)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def events():
    rng = random.Random(8)
    for i, ip in enumerate(hosts()):
        first = rng.randrange(DAYS)
        length = 1 + rng.randrange(DAYS - first)
        family = FAMILIES[i % len(FAMILIES)]
        for d in range(first, first + length):
            if rng.random() < 0.2:
                continue  # not seen every day
            day = START + datetime.timedelta(days=d)
            secs = rng.randrange(80000)
            base = {"sensor": "hp-%d" % (i % 2), "src_ip": ip, "src_port": 40000 + i,
                    "dst_port": 23, "transport": "tcp", "family": family,
                    "session": "s%d-%d" % (i, d)}
            kind = i % 3
            if kind == 0:
                e = dict(base, time=ts(day, secs), kind="login", username="root", password="xc3511", success=True)
            elif kind == 1:
                e = dict(base, time=ts(day, secs), kind="exploit", dst_port=37215, cve="CVE-2017-17215",
                         url="http://example.invalid/x")
            else:
                e = dict(base, time=ts(day, secs), kind="scan", sensor="telescope", packets=3 + i,
                         session=None, dst_port=23)
            print(json.dumps(e))
            # a session event: evidence, but not an infection on its own
            print(json.dumps(dict(base, time=ts(day, secs + 1), kind="session", seq=1)))
    # Live traffic a minute ago: 30 scan events of 20 packets each.
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=60)
    for k in range(30):
        t = now + datetime.timedelta(milliseconds=k)
        print(json.dumps({"time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "sensor": "tele-live", "kind": "scan",
                          "src_ip": "192.0.2.%d" % (200 + k % 5), "dst_port": 23, "transport": "tcp",
                          "family": "", "packets": 20}))


def enrich(db):
    con = sqlite3.connect(db)
    for prefix, asn, name, cc in NETWORKS:
        con.execute("UPDATE observations SET asn=?, as_name=?, cc=? WHERE ip LIKE ?", (asn, name, cc, prefix + "%"))
        con.execute("INSERT OR REPLACE INTO networks (asn, name, cc) VALUES (?,?,?)", (asn, name, cc))
    for i, ip in enumerate(hosts()):
        if i % 5 in (0, 1, 2):
            vendor, typ, model = DEVICES[i % len(DEVICES)]
            # The store holds addresses in canonical text (as the prober writes them).
            con.execute("INSERT OR REPLACE INTO devices (ip, vendor, type, model, probed_us, expires_us)"
                        " VALUES (?,?,?,?,0,0)", (str(ipaddress.ip_address(ip)), vendor, typ, model))
    con.commit()


def population(path):
    with open(path, "w") as f:
        f.write("cc,country,population,year,source\n")
        f.write('NL,Netherlands,17900000,2024,"CBS, test fixture"\n')
        f.write("DE,Germany,83400000,2024,test fixture\n")
        f.write("BE,Belgium,11800000,2024,test fixture\n")


if __name__ == "__main__":
    if sys.argv[1] == "events":
        events()
    elif sys.argv[1] == "enrich":
        enrich(sys.argv[2])
    elif sys.argv[1] == "population":
        population(sys.argv[2])
