"""Builds the fixture of tests/integration/reports.sh and the figures the
reports must give, computed here independently of iotmon.

Usage: reports_fixture.py OUTDIR  -> OUTDIR/events.jsonl, OUTDIR/enrich.sql,
OUTDIR/expect.json"""
import datetime
import json
import sys

out = sys.argv[1]
D0 = datetime.date(2025, 3, 3)  # a Monday
# host: (cc, asn, vendor, model, firmware, family, vector, days active (offsets))
hosts = {}
n = 0
def add(cc, vendor, model, fw, family, vector, days):
    global n
    n += 1
    ip = "198.18.%d.%d" % (n // 200, n % 200 + 1)
    hosts[ip] = (cc, vendor, model, fw, family, vector, days)
# NL: 4 hosts, DE: 2, FR: 1, ZZ (no population row): 1; days 0..9 (two ISO weeks)
add("NL", "Hikvision", "DS-2CD2032", "V5.4.0", "mirai", "login", [0, 1, 2])
add("NL", "Hikvision", "DS-2CD2032", "V5.4.0", "mirai", "login", [0, 8])
add("NL", "Huawei", "HG532", "", "", "exploit:CVE-2017-17215", [1])
add("NL", None, None, None, "gafgyt", "login", [9])          # not characterized
add("DE", "Huawei", "HG532", "", "mirai", "exploit:CVE-2017-17215", [0, 7])
add("DE", "Dahua", "DH-IPC", "2.800", "", "scan", [3])
add("FR", "Hikvision", "DS-2CD2032", "V5.5.0", "", "login+exploit:CVE-2014-8361", [8])
add("ZZ", "Dahua", "DH-IPC", "2.800", "", "login", [2])

events, sql = [], []
for ip, (cc, vendor, model, fw, family, vector, days) in hosts.items():
    for d in days:
        day = D0 + datetime.timedelta(days=d)
        t = "%sT10:00:00Z" % day.isoformat()
        base = {"time": t, "sensor": "hp", "src_ip": ip, "src_port": 40000 + d, "dst_ip": "192.0.2.1",
                "transport": "tcp", "family": family or "unknown", "session": "%s-%d" % (ip, d), "seq": 0}
        if "login" in vector:
            events.append(dict(base, kind="login", dst_port=23, username="root", password="x", success=False))
            base = dict(base, seq=1)
        if "exploit" in vector:
            events.append(dict(base, kind="exploit", dst_port=37215, cve=vector.split(":")[1],
                               url="http://203.0.113.1/x"))
        if vector == "scan":
            events.append(dict(base, kind="scan", dst_port=23, packets=2, session=None, seq=0))
    sql.append("UPDATE observations SET asn = 64500, as_name = 'X', cc = '%s' WHERE ip = '%s';" % (cc, ip))
    if vendor:
        sql.append("INSERT INTO devices (ip, vendor, type, model, firmware, probed_us, expires_us) VALUES "
                   "('%s', '%s', 'camera', '%s', '%s', 1, 2);" % (ip, vendor, model, fw))
# one host without enrichment: in no country
events.append({"time": "2025-03-04T10:00:00Z", "sensor": "hp", "kind": "login", "src_ip": "192.0.2.99",
               "src_port": 1, "dst_ip": "192.0.2.1", "dst_port": 23, "transport": "tcp", "family": "unknown",
               "session": "u", "seq": 0, "username": "a", "password": "b", "success": False})
with open(out + "/events.jsonl", "w") as f:
    for e in events:
        f.write(json.dumps(e) + "\n")
with open(out + "/enrich.sql", "w") as f:
    f.write("\n".join(sql) + "\n")

# Expected figures, computed independently.
pop = {}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    cc, rest = line.split(",", 1)
    pop[cc] = int(rest.split(",")[1])
ndays = 10
daily = {}
for ip, (cc, *_r, days) in hosts.items():
    for d in days:
        daily.setdefault(cc, {}).setdefault(d, 0)
        daily[cc][d] += 1
countries = {}
for cc, dd in daily.items():
    total = sum(dd.values())
    mean = total / ndays
    countries[cc] = {"device_days": total, "mean_per_day": mean, "peak": max(dd.values()),
                     "per_million": mean * 1e6 / pop[cc] if cc in pop else None,
                     "daily": {(D0 + datetime.timedelta(days=d)).isoformat(): c for d, c in sorted(dd.items())}}
ranked = sorted([c for c in countries if c in pop], key=lambda c: -countries[c]["per_million"])
models = {}
for ip, (cc, vendor, model, fw, family, vector, days) in hosts.items():
    if not vendor:
        continue
    m = models.setdefault((vendor, model, fw), {"devices": 0, "via_credentials": 0, "via_exploit": 0,
                                                "families": {}, "cves": {}, "weeks": {}})
    m["devices"] += 1
    m["via_credentials"] += "login" in vector
    m["via_exploit"] += "exploit" in vector
    if family:
        m["families"][family] = m["families"].get(family, 0) + 1
    if "exploit" in vector:
        cve = vector.split(":")[1]
        m["cves"][cve] = m["cves"].get(cve, 0) + 1
    for w in sorted({(D0 + datetime.timedelta(days=d - d % 7)).isoformat() for d in days}):
        m["weeks"][w] = m["weeks"].get(w, 0) + 1
total = sum(m["devices"] for m in models.values())
json.dump({"countries": countries, "ranking": ranked, "total": total,
           "models": {"|".join(k): dict(v, share=v["devices"] / total) for k, v in models.items()}},
          open(out + "/expect.json", "w"), indent=1)
