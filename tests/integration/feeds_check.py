"""Field-by-field checks of `iotmon feed` output built from
tests/fixtures/feeds_events.jsonl + feeds_enrich.sql.

Usage: feeds_check.py KIND FILE [FILE2]; prints TAP lines "ok - ..." /
"not ok - ..." (counted by tests/run.sh)."""
import base64
import csv
import email
import email.policy
import hashlib
import io
import json
import mailbox
import re
import sys

import yaml

failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("ok - %s" % name)
    else:
        failures += 1
        print("not ok - %s" % name)
        if detail:
            print("#   %s" % detail)


HEADER = ("timestamp,protocol,src_ip,src_port,src_asn,src_geo,src_hostname,device_vendor,device_type,"
          "device_model,severity,dst_port,infection,family,tag,application,username,count,first_seen,last_seen,"
          "password,dst_ports,vulnerability_id,payload_url,payload_sha256,device_version,as_name,evidence,"
          "credentials").split(",")
SHA = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
# What the fixture must give, per IP (hand-derived from the fixture).
EXPECT = {
    "198.51.100.23": dict(timestamp="2025-03-01T10:15:02.500000Z", protocol="tcp", src_port="40112", src_asn="64500",
                          src_geo="NL", device_vendor="Hikvision", device_type="camera", device_model="DS-2CD2032",
                          severity="critical", dst_port="23", infection="mirai", family="mirai", tag="mirai",
                          application="telnet", username="root", password="xc3511", count="3",
                          credentials='[["root","xc3511"],["admin","admin"]]',
                          first_seen="2025-03-01T10:15:02.500000Z", last_seen="2025-03-01T10:15:09.000000Z",
                          dst_ports="23", vulnerability_id="", payload_url="http://203.0.113.5/bins/mirai.arm7",
                          payload_sha256=SHA, device_version="V5.4.0", as_name='EXAMPLE-NET "NL"',
                          evidence="login;download"),
    "198.51.100.7": dict(timestamp="2025-03-01T11:00:00.000000Z", src_port="40000", src_asn="64500", severity="critical",
                         dst_port="37215", infection="", username="=cmd|' /C calc'!A0", password='p"w,1', count="2",
                         dst_ports="2323;37215", vulnerability_id="CVE-2017-17215",
                         payload_url='http://203.0.113.6/"a,b\\x0d\\x0aX-Injected: 1', device_vendor="Huawei",
                         device_model="HG532", evidence="login;exploit", application="http"),
    "203.0.113.9": dict(src_port="1234", src_asn="64501", src_geo="DE", severity="high", dst_port="23",
                        count="1", evidence="scan", tag="darknet-scanner", device_vendor="", as_name="BEISPIEL-AS"),
}


def check_csv(path, ips):
    raw = open(path, "rb").read()
    lines = raw.split(b"\r\n")
    check("csv: CRLF lines, one per row plus header", lines[-1] == b"" and len(lines) == len(ips) + 2,
          "%d lines" % len(lines))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    check("csv: header is the documented one", list(rows[0].keys()) == HEADER if rows else False)
    check("csv: rows in ASN then IP order", [r["src_ip"] for r in rows] == ips,
          str([r["src_ip"] for r in rows]))
    for r in rows:
        want = EXPECT.get(r["src_ip"], {})
        bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
        check("csv: fields of %s" % r["src_ip"], not bad, repr(bad))
    return rows


def check_csv_rules(rows):
    """Issue #16: one time format per row; credentials unambiguous."""
    t = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    check("csv: timestamp, first_seen and last_seen in one format (RFC 3339)",
          all(t.match(r["timestamp"]) and t.match(r["first_seen"]) and t.match(r["last_seen"]) for r in rows))
    ok = True
    for r in rows:
        pairs = json.loads(r["credentials"]) if r["credentials"] else []
        ok = ok and all(isinstance(p, list) and len(p) == 2 for p in pairs)
        ok = ok and (r["username"], r["password"]) == (tuple(pairs[0]) if pairs else ("", ""))
    check("csv: credentials a JSON list of [user, password]; username/password the first pair", ok)
    odd = [r for r in rows if r["src_ip"] == "198.51.100.7"]
    check("csv: a password with quote and comma survives", odd and json.loads(odd[0]["credentials"]) ==
          [["=cmd|' /C calc'!A0", 'p"w,1']], odd and odd[0]["credentials"])


def check_shadowserver(path, columns_path):
    """As IntelMQ's shadowserver parser reads a report: csv.DictReader, then
    each row's fields by name, with its conversions for the required ones
    (timestamp: "YYYY-MM-DD HH:MM:SS" read as UTC; src_ip; src_port int)."""
    import datetime
    import ipaddress
    columns = [l.strip() for l in open(columns_path) if l.strip() and not l.startswith("#")]
    raw = open(path, "rb").read().decode("utf-8")
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    rows = list(reader)
    check("shadowserver: exactly the report's columns, in order", reader.fieldnames == columns,
          repr(reader.fieldnames))
    check("shadowserver: no row has extra or missing fields",
          all(None not in r and all(v is not None for v in r.values()) for r in rows))
    ok = True
    for r in rows:
        try:
            datetime.datetime.strptime(r["timestamp"], "%Y-%m-%d %H:%M:%S")
            ipaddress.ip_address(r["src_ip"])
            int(r["src_port"])
            for k in ("start_time", "end_time"):
                datetime.datetime.fromisoformat(r[k].replace("Z", "+00:00"))
        except (ValueError, KeyError) as e:
            ok = False
            print("#   %r: %s" % (r.get("src_ip"), e))
    check("shadowserver: required fields convert as IntelMQ converts them", ok and rows)
    by_ip = {}
    for r in rows:
        by_ip.setdefault(r["src_ip"], []).append(r)
    check("shadowserver: one row per credential pair (one when none)",
          {k: len(v) for k, v in by_ip.items()} == {"198.51.100.23": 2, "198.51.100.7": 1, "203.0.113.9": 1},
          repr({k: len(v) for k, v in by_ip.items()}))
    m = by_ip.get("198.51.100.23", [])
    check("shadowserver: mirai host fields", [(r["username"], r["password"]) for r in m] ==
          [("root", "xc3511"), ("admin", "admin")] and all(
              r["infection"] == "mirai" and r["application"] == "telnet" and r["dst_port"] == "23" and
              r["src_asn"] == "64500" and r["src_geo"] == "NL" and r["dst_ip"] == "" and
              r["payload_url"] == "http://203.0.113.5/bins/mirai.arm7" for r in m), repr(m))
    x = by_ip.get("198.51.100.7", [{}])[0]
    check("shadowserver: a login without family is named as the attack, by the login's port",
          x.get("infection") == "telnet-brute-force", repr(x.get("infection")))


def check_json(path):
    key_re = re.compile(r"^[a-z_][a-z_0-9]+(\.[a-z_0-9]+)*$")
    tax = {"malicious-code": {"infected-system"}, "intrusion-attempts": {"brute-force", "exploit"},
           "information-gathering": {"scanner"}}
    t_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
    evs = [json.loads(l) for l in open(path, encoding="utf-8")]
    check("json: one event per infected host", [e["source.ip"] for e in evs] ==
          ["198.51.100.23", "198.51.100.7", "203.0.113.9"])
    for e in evs:
        ip = e["source.ip"]
        check("json %s: IntelMQ key syntax" % ip, all(key_re.match(k) for k in e), [k for k in e if not key_re.match(k)])
        need = ["feed.name", "classification.type", "classification.taxonomy", "time.source", "time.observation"]
        check("json %s: IntelMQ minimum fields" % ip, all(k in e for k in need))
        check("json %s: no empty strings" % ip, all(v != "" for v in e.values()))
        check("json %s: taxonomy/type pair is valid" % ip,
              e["classification.type"] in tax.get(e["classification.taxonomy"], ()))
        check("json %s: DateTime with +00:00" % ip, t_re.match(e["time.source"]) and t_re.match(e["time.observation"]))
        check("json %s: asn and cc" % ip, e["source.asn"] == int(EXPECT[ip]["src_asn"]) and
              re.match("^[A-Z]{2}$", e["source.geolocation.cc"]))
    a, b, c = evs
    check("json: mirai host", (a["classification.taxonomy"], a["classification.type"], a["malware.name"],
                                a["malware.hash.sha256"], a["destination.account"], a["extra.login_attempts"],
                                a["product.vendor"], a["product.name"], a["extra.device_type"],
                                a["source.abuse_contact"], a["source.port"], a["destination.port"]) ==
          ("malicious-code", "infected-system", "mirai", SHA, "root", 2, "Hikvision", "DS-2CD2032", "camera",
           "abuse@example.net", 40112, 23), repr(a))
    check("json: credentials as typed", a["extra.credentials"] == [{"username": "root", "password": "xc3511"},
                                                                   {"username": "admin", "password": "admin"}])
    check("json: exploit host", (b["classification.type"], b["extra.cves"], b["extra.ports"],
                                 b["extra.credentials"][0]["password"]) ==
          ("exploit", ["CVE-2017-17215"], [2323, 37215], 'p"w,1'), repr(b))
    check("json: scanner", (c["classification.taxonomy"], c["classification.type"], "malware.name" in c,
                            c["extra.evidence"]) == ("information-gathering", "scanner", False, ["scan"]))
    check("json: time.observation is the day's end", a["time.observation"] == "2025-03-02T00:00:00.000000+00:00")


def check_xarf(path):
    """Required fields of XARF v4 (xarf-core.json and the type schemas, as
    listed in formats.md §5.3), encoded by hand."""
    core = ["xarf_version", "report_id", "timestamp", "reporter", "sender", "source_identifier", "category", "type"]
    categories = {"messaging", "content", "copyright", "connection", "vulnerability", "infrastructure", "reputation"}
    per_type = {("connection", "login_attack"): ["protocol", "first_seen", "source_port"],
                ("connection", "port_scan"): ["protocol", "first_seen", "source_port"],
                ("infrastructure", "botnet"): ["compromise_evidence"]}
    uuid4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    dt = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
    reps = [json.loads(l) for l in open(path, encoding="utf-8")]
    check("xarf: one report per incident", len(reps) == 3)
    for x in reps:
        ip = x.get("source_identifier")
        check("xarf %s: core required fields" % ip, all(k in x for k in core), [k for k in core if k not in x])
        check("xarf %s: version and uuid" % ip, re.match(r"^4\.\d+\.\d+$", x["xarf_version"]) and
              uuid4.match(x["report_id"]))
        check("xarf %s: timestamp date-time" % ip, dt.match(x["timestamp"]))
        for party in ("reporter", "sender"):
            p = x[party]
            check("xarf %s: %s has exactly org/contact/domain" % (ip, party),
                  set(p) == {"org", "contact", "domain"} and len(p["org"]) <= 200 and "@" in p["contact"])
        check("xarf %s: category valid" % ip, x["category"] in categories)
        req = per_type.get((x["category"], x["type"]))
        check("xarf %s: type known and its fields present" % ip, req is not None and all(k in x for k in req),
              "%s/%s" % (x["category"], x["type"]))
        if "source_port" in x:
            check("xarf %s: source_port range" % ip, 1 <= x["source_port"] <= 65535)
        ev = x.get("evidence", [])
        ok = 0 < len(ev) <= 50
        for item in ev:
            payload = base64.b64decode(item["payload"], validate=True)
            ok = ok and item["content_type"] and item["hash"] == "sha256:" + hashlib.sha256(payload).hexdigest() \
                and item["size"] == len(payload) and ip.encode() in payload
        check("xarf %s: evidence payload, hash and size" % ip, ok)
        check("xarf %s: tags namespace:predicate" % ip,
              all(re.match(r"^[a-z0-9_-]+:[a-z0-9_.-]+$", t) for t in x.get("tags", [])) and len(x.get("tags", [])) <= 20)
    types = [(x["category"], x["type"]) for x in reps]
    check("xarf: types per evidence", types == [("connection", "login_attack"), ("connection", "login_attack"),
                                                ("connection", "port_scan")], repr(types))


def check_mail_message(msg, csv_bytes, to, ip, label):
    """One X-ARF 0.2 mail: one report about one source (X-ARF 0.2 allows one per mail)."""
    check("%s: multipart/mixed with X-XARF PLAIN" % label,
          msg.get_content_type() == "multipart/mixed" and msg["X-XARF"] == "PLAIN" and
          msg["Auto-Submitted"] == "auto-generated")
    check("%s: To is the abuse contact" % label, (msg["To"] or "") == to, repr(msg["To"]))
    parts = list(msg.iter_parts())
    check("%s: three parts" % label, len(parts) == 3)
    if len(parts) != 3:
        return
    check("%s: part types" % label, [p.get_content_type() for p in parts] == ["text/plain", "text/plain", "text/csv"])
    check("%s: human part names the host and the network" % label, "AS" in parts[0].get_content() and
          ("the host %s" % ip) in parts[0].get_content())
    docs = list(yaml.safe_load_all(parts[1].get_content()))
    req = ["Reported-From", "Category", "Report-Type", "Report-ID", "Date", "Source", "Source-Type", "Attachment",
           "Schema-URL", "User-Agent", "Version"]
    check("%s: exactly one YAML report, about the source" % label, [d["Source"] for d in docs] == [ip],
          repr([d.get("Source") for d in docs]))
    check("%s: YAML required keys" % label, all(all(k in d for k in req) for d in docs))
    check("%s: Version is the string 0.2" % label, all(d["Version"] == "0.2" for d in docs))
    check("%s: login-attack carries Service and integer Port" % label,
          all(isinstance(d.get("Port"), int) and d.get("Service") for d in docs if d["Report-Type"] == "login-attack"))
    check("%s: evidence part is the source's row of the network's CSV feed" % label,
          parts[2].get_content().encode() == csv_bytes or parts[2].get_payload(decode=True) == csv_bytes)


def mbox_messages(path):
    box = mailbox.mbox(path)
    return [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]


def check_mail(path, csv_path, to, ips):
    raw = open(path, "rb").read()
    lines = raw.split(b"\r\n")
    check("mail: CRLF only, lines <= 998", b"\n" not in raw.replace(b"\r\n", b"") and max(map(len, lines)) <= 998)
    msgs = mbox_messages(path)
    check("mail: one message per source", len(msgs) == len(ips), "%d messages" % len(msgs))
    csv_lines = open(csv_path, "rb").read().split(b"\r\n")
    for i, (msg, ip) in enumerate(zip(msgs, ips)):
        check_mail_message(msg, csv_lines[0] + b"\r\n" + csv_lines[i + 1] + b"\r\n", to, ip, "mail %s" % ip)


def check_mbox(path, n):
    msgs = mbox_messages(path)
    check("mbox: one mail per report", len(msgs) == n, "%d mails" % len(msgs))
    ids = [m["Message-ID"] for m in msgs]
    check("mbox: networks then sources in order, ids unique", ids == sorted(ids) and len(set(ids)) == n and
          ids[0].startswith("<xarf-2025-03-01-AS64500-198.51.100.23-mirai@"), repr(ids))


kind = sys.argv[1]
if kind == "csv":
    check_csv_rules(check_csv(sys.argv[2], sys.argv[3].split(",")))
elif kind == "shadowserver":
    check_shadowserver(sys.argv[2], sys.argv[3])
elif kind == "json":
    check_json(sys.argv[2])
elif kind == "xarf":
    check_xarf(sys.argv[2])
elif kind == "mail":
    check_mail(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(","))
elif kind == "mbox":
    check_mbox(sys.argv[2], int(sys.argv[3]))
elif kind == "maildir":
    # Delivered messages: count, and each parses back like the file.
    box = mailbox.Maildir(sys.argv[2], create=False)
    msgs = sorted((email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()),
                  key=lambda m: m["Message-ID"])
    check("smtp: %s messages delivered" % sys.argv[3], len(msgs) == int(sys.argv[3]), "%d" % len(msgs))
    check("smtp: recipients", [m["To"] for m in msgs] == sys.argv[4].split(","), repr([m["To"] for m in msgs]))
    for m in msgs:
        check("smtp: %s is a 3-part X-ARF mail" % m["Message-ID"], len(list(m.iter_parts())) == 3)
sys.exit(1 if failures else 0)
