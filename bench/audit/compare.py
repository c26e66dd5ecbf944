#!/usr/bin/python3
"""compare.py OUT - does iotmon's audit report every finding the lab's usual
tools report for the audit's provisions, on the same lab?

Reads OUT/iotmon.json (iotmon audit --format json), OUT/nmap.xml (nmap -sV
with telnet-brute, http-default-accounts, ftp-anon, ssl-enum-ciphers,
mqtt-subscribe), OUT/sslscan-*.txt, OUT/testssl-*.json and
OUT/ssh-audit.txt. Each tool finding names a device and the iotmon test that
covers it; it is covered when iotmon failed that test on that device and,
where the tool names a detail (credential, protocol version, algorithm,
version string), iotmon's evidence names it too. Prints one line per finding
and the misses; exits 1 on a miss that is not a documented difference."""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

out = sys.argv[1]
audit = json.load(open(os.path.join(out, "iotmon.json")))
devices = {d["address"]: d for d in audit["devices"]}

# Differences argued in docs/internals/audit.md ("Side by side"): not misses.
KNOWN = {
    "ecdh-sha2-nistp256": "NIST P-curves are approved (SP 800-186, BSI TR-02102-4); ssh-audit fails them on trust grounds",
    "ecdh-sha2-nistp384": "NIST P-curves are approved (SP 800-186, BSI TR-02102-4); ssh-audit fails them on trust grounds",
    "ecdh-sha2-nistp521": "NIST P-curves are approved (SP 800-186, BSI TR-02102-4); ssh-audit fails them on trust grounds",
    "hmac-sha2-256": "ssh-audit warns on encrypt-and-MAC mode; SHA-256 HMAC is not weak (RFC 6668)",
    "kex-strict-s-v00@openssh.com": "the Terrapin counter-measure, unknown to this ssh-audit: not a weakness",
    "1.14.0 or later": "nmap names BusyBox telnetd from its option bytes with a softmatch line, which the probe "
                       "signatures do not load; a version range no CVE row can match either way",
}

# testssl.sh findings (by id) that are no weakness of the device.
KNOWN_IDS = {
    "cert_revocation": "no CRL or OCSP URI: a lab CA's certificate; revocation data is not part of the "
                       "audit's weak-crypto test (iotmon judges version, suites, trust, expiry, key, signature)",
}

findings = []  # (tool, address, test, detail or None, text)


def add(tool, addr, test, detail, text):
    findings.append((tool, addr, test, detail, text))


root = ET.parse(os.path.join(out, "nmap.xml")).getroot()
for host in root.findall("host"):
    addr = host.find("address").get("addr")
    for port in host.findall("ports/port"):
        if port.find("state").get("state") != "open":
            continue
        svc = port.find("service")
        if svc is not None and svc.get("version"):
            add("nmap -sV", addr, "outdated-software", svc.get("version"),
                "%s %s" % (svc.get("product"), svc.get("version")))
        for s in port.findall("script"):
            o, sid = s.get("output") or "", s.get("id")
            if sid == "telnet-brute":
                for m in re.finditer(r"(\S+):(\S*) - Valid credentials", o):
                    add(sid, addr, "default-credentials", "'%s' password '%s'" % m.groups(), m.group(0))
            elif sid == "http-default-accounts":
                for m in re.finditer(r"(\S+):(\S*)", o):
                    add(sid, addr, "default-credentials", "'%s' password '%s'" % m.groups(), m.group(0))
            elif sid == "ftp-anon" and "Anonymous FTP login allowed" in o:
                add(sid, addr, "unauthenticated-services", "anonymous FTP", "anonymous login allowed")
            elif sid == "mqtt-subscribe" and "Topics and their most recent payloads" in o:
                add(sid, addr, "unauthenticated-services", "CONNECT without user name accepted", "topics read anonymously")
            elif sid == "ssl-enum-ciphers":
                for v in ("TLSv1.0", "TLSv1.1"):
                    if re.search(r"^\s*%s:" % re.escape(v), o, re.M):
                        add(sid, addr, "weak-crypto", v + " accepted", v + " offered")
                m = re.search(r"least strength: ([A-F])", o)
                if m and m.group(1) > "A":
                    add(sid, addr, "weak-crypto", None, "least strength " + m.group(1))
                for w in re.findall(r"warnings:\s*\n((?:\s+\S.*\n)+)", o):
                    add(sid, addr, "weak-crypto", None, "warning: " + w.strip())

for path in glob.glob(os.path.join(out, "sslscan-*.txt")):
    addr = re.search(r"sslscan-(.+)\.txt$", path).group(1)
    text = open(path).read()
    for v in ("TLSv1.0", "TLSv1.1", "SSLv2", "SSLv3"):
        if re.search(r"^%s\s+enabled" % re.escape(v), text, re.M):
            add("sslscan", addr, "weak-crypto", v + " accepted" if v.startswith("TLS") else None, v + " enabled")
    for m in re.finditer(r"^Accepted\s+\S+\s+\d+ bits\s+(\S*(?:RC4|DES|NULL|EXP|MD5)\S*)", text, re.M):
        add("sslscan", addr, "weak-crypto", None, "weak suite " + m.group(1))

for path in glob.glob(os.path.join(out, "testssl-*.json")):
    addr = re.search(r"testssl-(.+)\.json$", path).group(1)
    try:
        rows = json.load(open(path))
    except ValueError:
        print("note: %s is not complete JSON (testssl interrupted)" % path)
        continue
    for r in rows:
        if r.get("severity") in ("MEDIUM", "HIGH", "CRITICAL"):
            detail = None
            if r["id"] in ("TLS1", "TLS1_1") and "not offered" not in r["finding"]:
                detail = {"TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1"}[r["id"]] + " accepted"
            elif r["id"].startswith("cert_chain_of_trust") and "self signed" in r["finding"]:
                detail = "self-signed"
            elif r["id"].startswith("cert_expiration") and "expired" in r["finding"]:
                detail = "expired"
            add("testssl.sh", addr, "weak-crypto", detail, "%s: %s" % (r["id"], r["finding"]))

ssh_path = os.path.join(out, "ssh-audit.txt")
if os.path.exists(ssh_path):
    text = open(ssh_path).read()
    target = re.search(r"^# target (\S+)", text, re.M)
    addr = target.group(1) if target else "10.77.2.2"
    for m in re.finditer(r"^\((kex|key|enc|mac)\) (\S+).*?-- \[(fail|warn)\] (.*)$", text, re.M):
        add("ssh-audit", addr, "weak-crypto", m.group(2), "%s %s: %s" % (m.group(1), m.group(2), m.group(4)))
    for m in re.finditer(r"^\(cve\) (CVE-\S+)", text, re.M):
        add("ssh-audit", addr, "outdated-software", m.group(1), m.group(1))

misses = []
counts = {"covered": 0, "known difference": 0, "MISSED": 0}
for tool, addr, test, detail, text in findings:
    dev = devices.get(addr)
    if dev is None:
        misses.append((tool, addr, test, text, "device not in iotmon's report"))
        continue
    verdict = dev["summary"].get(test)
    evidence = " ".join(t["evidence"] for t in dev["tests"] if t["id"] == test)
    why = None
    if test == "outdated-software":
        ok = detail is not None and detail in evidence  # the version was seen (CVE or not)
    else:
        ok = verdict == "fail" and (detail is None or detail in evidence)
    if not ok and detail in KNOWN:
        why = KNOWN[detail]
    if not ok and text.split(":")[0] in KNOWN_IDS:
        why = KNOWN_IDS[text.split(":")[0]]
    status = "covered" if ok else ("known difference" if why else "MISSED")
    counts[status] += 1
    print("%-16s %-10s %-24s %-16s %s" % (tool, addr, test, status, text[:90]))
    if not ok and not why:
        misses.append((tool, addr, test, text, "iotmon: %s; evidence: %s" % (verdict, evidence[:200])))
    elif why:
        print("%59s (%s)" % ("", why))

print("\n%d tool findings: %d covered by iotmon, %d known differences, %d missed" %
      (len(findings), counts["covered"], counts["known difference"], counts["MISSED"]))
for m in misses:
    print("MISSED: %s %s %s: %s (%s)" % m)
sys.exit(1 if misses else 0)
