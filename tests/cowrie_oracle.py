"""Independent counts over Cowrie JSON logs, for the import tests.

Reads the files with Python's json module and applies the documented
attribution rules (docs/internals/family.md) on its own, so the test never
compares iotmon with itself. Prints: logins commands downloads sessions
mirai gafgyt bad_lines."""
import json
import re
import sys

TOKEN = re.compile(r"busybox[ \t]+([A-Z]{3,16})(?=$|[ \t;&|\r\n])")
GAFGYT = ("gayfgt", "\\147\\141\\171\\146\\147\\164", "bins.sh", "tftp1.sh", "tftp2.sh", "ftp1.sh")
MIRAI = ("dvrHelper", ".nippon", "bins/mirai.")

counts = dict(logins=0, commands=0, downloads=0, bad=0)
sessions = {}  # (sensor, session) -> dict
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8", errors="replace"):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
        except ValueError:
            counts["bad"] += 1
            continue
        eid = e.get("eventid", "")
        key = (e.get("sensor") or "cowrie", e.get("session"))
        s = sessions.setdefault(key, dict(connect=False, cmds=[], texts=[]))
        if eid == "cowrie.session.connect":
            s["connect"] = True
        elif eid in ("cowrie.login.success", "cowrie.login.failed"):
            counts["logins"] += 1
        elif eid == "cowrie.command.input":
            counts["commands"] += 1
            s["cmds"].append(e.get("input", ""))
            s["texts"].append(e.get("input", ""))
        elif eid.startswith("cowrie.session.file_download") or eid == "cowrie.session.file_upload":
            counts["downloads"] += 1
            s["texts"].append(e.get("url") or "")
            s["texts"].append(e.get("destfile") or "")


def family(s):
    text = "\n".join(s["texts"])
    words = {c.strip() for c in s["cmds"]}
    tokens = [t for c in s["cmds"] for t in TOKEN.findall(c)]
    if any(g in text for g in GAFGYT):
        return "gafgyt"
    if "Mozi.m" in text or "Mozi.a" in text:
        return "mozi"
    stock = any(t in ("MIRAI", "ECCHI", "IHCCE") for t in tokens) or any(m in text for m in MIRAI)
    opening = "enable" in words and "system" in words and ("shell" in words or "sh" in words)
    if stock or (tokens and opening):
        return "mirai"
    return "unknown"


fams = [family(s) for s in sessions.values() if s["connect"]]
print(counts["logins"], counts["commands"], counts["downloads"], len(fams), fams.count("mirai"),
      fams.count("gafgyt"), counts["bad"])
