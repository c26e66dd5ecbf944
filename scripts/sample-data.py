#!/usr/bin/python3
"""Deterministic sample evidence for `make run` and the demo dashboard.

Prints iotmon event JSON lines (docs/events.md) for the 60 UTC days up to
yesterday: infected hosts that log in with Mirai's default credentials, load
a payload, send IoT exploits, or scan a telescope, and that get cleaned up
after a while (some reinfected). Addresses come only from the documentation
ranges (RFC 5737, RFC 3849), so no real host is ever named; the sample
enrichment table data/sample/ maps them to documentation ASNs (RFC 5398).
Same date, same output: the generator is seeded.

  sample-data.py              the events (JSON lines) on stdout
  sample-data.py devices DB   device records for about 40 % of the sample
                              hosts, written into the store DB (as probing
                              would write them), so the manufacturers page
                              and report have rows; never re-probed
"""
import datetime
import ipaddress
import json
import random
import sqlite3
import sys
import time

DAYS = 60
rng = random.Random(20161021)  # the day of the Dyn attack
today = datetime.datetime.now(datetime.timezone.utc).date()
start = today - datetime.timedelta(days=DAYS)

CREDS = [("root", "xc3511"), ("root", "vizxv"), ("admin", "admin"), ("root", "888888"),
         ("root", "xmhdipc"), ("root", "default"), ("root", "juantech"), ("support", "support")]
EXPLOITS = [(37215, "CVE-2017-17215", "POST"), (52869, "CVE-2014-8361", "POST"),
            (80, "CVE-2018-10561", "POST"), (8080, "CVE-2017-18368", "POST")]
FAMILIES = ["mirai", "mirai", "mirai", "gafgyt", "mozi", "hajime", ""]
# Three /24s and one /48 per documentation range; the sample enrichment
# table assigns them to networks.
PREFIXES = ["192.0.2.", "198.51.100.", "203.0.113."]


def host(i):
    if i % 10 == 9:
        return "2001:db8:%x::%x" % (i % 7, i + 1)
    return PREFIXES[i % 3] + str(1 + i % 254)


def ts(day, secs):
    t = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc) + datetime.timedelta(seconds=secs)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % rng.randrange(1000000)


def emit(**ev):
    ev.setdefault("transport", "tcp")
    ev.setdefault("family", "unknown")
    sys.stdout.write(json.dumps(ev, separators=(",", ":")) + "\n")


def telnet_session(day, ip, fam, n):
    session = "%012x" % rng.getrandbits(48)
    secs = rng.randrange(86000)
    base = dict(sensor="sample-honeypot", src_ip=ip, src_port=rng.randrange(1024, 65535),
                dst_ip="192.0.2.250", dst_port=rng.choice([23, 2323]), session=session)
    emit(time=ts(day, secs), kind="session", seq=0, **base)
    user, pw = rng.choice(CREDS)
    emit(time=ts(day, secs + 1), kind="login", seq=1, family=fam or "unknown", username=user, password=pw,
         success=True, **base)
    if fam == "mirai":
        token = rng.choice(["ECCHI", "MIORI", "CORONA", "OWARI"])
        for k, cmd in enumerate(["enable", "system", "shell", "sh", "/bin/busybox " + token]):
            emit(time=ts(day, secs + 2 + k), kind="command", seq=2 + k, family=fam, input=cmd, **base)
    if rng.random() < 0.4:
        emit(time=ts(day, secs + 9), kind="download", seq=9, family=fam or "unknown",
             url="http://203.0.113.%d/bins/%s.arm7" % (rng.randrange(1, 254), fam or "x"),
             sha256="%064x" % rng.getrandbits(256), **base)


def exploit(day, ip, fam):
    port, cve, method = rng.choice(EXPLOITS)
    emit(time=ts(day, rng.randrange(86000)), sensor="sample-honeypot", kind="exploit", src_ip=ip,
         src_port=rng.randrange(1024, 65535), dst_ip="192.0.2.250", dst_port=port, family=fam or "unknown",
         cve=cve, url="http://198.51.100.%d/mips" % rng.randrange(1, 254), method=method)


def scan(day, ip, fam):
    emit(time=ts(day, 0), sensor="sample-telescope", kind="scan", src_ip=ip, dst_port=rng.choice([23, 2323]),
         family=fam or "unknown", packets=rng.randrange(20, 5000), destinations=rng.randrange(10, 4000))


def main():
    hosts = 900
    for i in range(hosts):
        ip = host(i)
        fam = rng.choice(FAMILIES)
        first = rng.randrange(DAYS)
        # Exponential clean-up, faster in some networks (a treatment effect).
        mean = 6 if i % 3 == 0 else 15
        last = min(DAYS - 1, first + int(rng.expovariate(1 / mean)))
        days = list(range(first, last + 1))
        if rng.random() < 0.1 and last + 10 < DAYS:  # a reinfection
            days += list(range(last + 8, min(DAYS, last + 8 + rng.randrange(1, 6))))
        for d in days:
            if rng.random() < 0.25:  # not seen every day: gaps
                continue
            day = start + datetime.timedelta(days=d)
            r = rng.random()
            if r < 0.55:
                telnet_session(day, ip, fam, i)
            elif r < 0.75:
                exploit(day, ip, fam)
            else:
                scan(day, ip, fam)


# Vendor, type, model, firmware: common targets of IoT botnets (Mirai's
# credential list names the first ones).
DEVICES = [("Hikvision", "camera", "DS-2CD2032-I", "V5.4.5"), ("Dahua", "dvr", "DH-XVR4108", "V4.001"),
           ("XiongMai", "dvr", "AHB7008T", "V4.02.R11"), ("ZTE", "router", "ZXHN H108N", "V2.5.5"),
           ("Huawei", "router", "HG532", "V100R001"), ("Realtek", "router", "RTL8196C SDK", "1.3"),
           ("Hikvision", "nvr", "DS-7604NI", "V3.4.92")]


def devices(db):
    """Device records for the sample hosts: deterministic, a separate
    generator so the events stay the same."""
    drng = random.Random(20161021 + 1)
    now = int(time.time() * 1e6)
    never = now + 10 * 365 * 86400 * 10**6
    con = sqlite3.connect(db)
    with con:
        for i in range(900):
            if drng.random() >= 0.4:
                continue
            vendor, kind, model, fw = DEVICES[drng.randrange(len(DEVICES))]
            evidence = json.dumps({"http_server": "%s web server (sample data, not probed)" % vendor})
            con.execute("INSERT OR REPLACE INTO devices (ip, vendor, type, model, firmware, rule, evidence,"
                        " probed_us, expires_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (str(ipaddress.ip_address(host(i))), vendor, kind, model, fw, "sample data", evidence, now,
                         never))
    con.close()


if len(sys.argv) == 3 and sys.argv[1] == "devices":
    devices(sys.argv[2])
elif len(sys.argv) == 1:
    main()
else:
    sys.exit("usage: sample-data.py [devices DB]")
