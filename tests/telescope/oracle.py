"""Per-source counts from tshark's dissection, for comparison with iotmon.

Usage: oracle.py CAPTURE. tshark decodes every packet; this script applies
the documented per-packet tests (iot-threats.md §1) to tshark's fields and
prints one JSON object per source, sorted by address, with the same keys as
`iotmon telescope --sources json` classes, plus the distinct destinations
of its probes when there are at most 8 (iotmon's exact range)."""
import ipaddress
import json
import subprocess
import sys

FIELDS = ["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "ip.id", "ip.proto", "ipv6.nxt", "tcp.flags", "tcp.seq_raw",
          "tcp.dstport", "udp.dstport", "icmp.type", "icmpv6.type", "ip.frag_offset"]
cmd = ["tshark", "-r", sys.argv[1], "-n", "-T", "fields", "-E", "occurrence=f", "-E", "separator=\t"]
for f in FIELDS:
    cmd += ["-e", f]
out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
src = {}
dsts = {}  # destinations of probes (not of backscatter)
for line in out.splitlines():
    v = dict(zip(FIELDS, line.split("\t")))
    s = v["ip.src"] or v["ipv6.src"]
    if not s:
        continue
    af4 = bool(v["ip.src"])
    if af4:
        proto = int(v["ip.proto"])
    else:  # after any extension headers
        proto = 58 if v["icmpv6.type"] else 6 if v["tcp.flags"] else 17 if v["udp.dstport"] else int(v["ipv6.nxt"] or -1)
    c = src.setdefault(s, dict(syn=0, udp=0, icmp=0, backscatter=0, other=0, mirai=0, zmap=0, masscan=0))
    dsts.setdefault(s, set())
    dst = v["ip.dst"] or v["ipv6.dst"]
    ipid = int(v["ip.id"], 16) if af4 else -1
    if proto == 6 and v["tcp.flags"]:
        fl = int(v["tcp.flags"], 16)
        if fl & 4 or (fl & 0x12) == 0x12:
            c["backscatter"] += 1
            continue
        if not fl & 2:
            c["other"] += 1
            dsts[s].add(dst)
            continue
        c["syn"] += 1
        if af4:
            dst = int(ipaddress.IPv4Address(v["ip.dst"]))
            seq = int(v["tcp.seq_raw"])
            c["mirai"] += seq == dst
            c["masscan"] += ipid == (dst ^ int(v["tcp.dstport"]) ^ seq) & 0xFFFF
    elif proto == 17:
        c["udp"] += 1
    elif proto == 1:
        if int(v["icmp.type"]) in (0, 3, 4, 5, 11, 12):
            c["backscatter"] += 1
            continue
        c["icmp"] += 1
    elif proto == 58:
        t = int(v["icmpv6.type"])
        if t < 128 or t == 129:
            c["backscatter"] += 1
            continue
        c["icmp"] += 1
    else:
        c["other"] += 1
        dsts[s].add(dst)
        continue
    c["zmap"] += ipid == 54321
    dsts[s].add(dst)
for s in sorted(src, key=lambda a: (ipaddress.ip_address(a).version, ipaddress.ip_address(a))):
    c = src[s]
    c["packets"] = sum(c[k] for k in ("syn", "udp", "icmp", "backscatter", "other"))
    # iotmon counts up to 8 destinations exactly and estimates above.
    if len(dsts[s]) <= 8:
        c["destinations"] = len(dsts[s])
    print(json.dumps(dict(ip=s, **c), sort_keys=True))
