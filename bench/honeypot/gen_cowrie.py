"""Writes a large synthetic Cowrie log for the import benchmark: the real
logs given as arguments, repeated with fresh session ids and source
addresses per copy, until the output reaches SIZE_MB.

usage: gen_cowrie.py OUT SIZE_MB LOG..."""
import json
import sys

out, size_mb, logs = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
lines = [json.loads(l) for path in logs for l in open(path) if l.strip()]
limit = int(size_mb * 1024 * 1024)
written = 0
copy = 0
with open(out, "w") as f:
    while written < limit:
        copy += 1
        for e in lines:
            e = dict(e)
            if "session" in e:
                e["session"] = "%04x%s" % (copy & 0xFFFF, e["session"][4:])
            if "src_ip" in e:
                a = e["src_ip"].split(".")
                if len(a) == 4:
                    e["src_ip"] = "10.%d.%d.%s" % ((copy >> 8) & 255, copy & 255, a[3])
            s = json.dumps(e, separators=(",", ":")) + "\n"
            f.write(s)
            written += len(s)
print("%d copies, %d bytes" % (copy, written))
