#!/usr/bin/python3
"""Independent reference for tests/integration/remediation.sh.

  remediation_ref.py gen SEED OUT.csv    writes an observations CSV
  remediation_ref.py check CSV GAP HORIZON REPORT.json
                                         recomputes episodes, Kaplan-Meier,
                                         Greenwood log-log bounds and the
                                         log-rank test from the CSV (written
                                         from the definitions in
                                         docs/internals/remediation.md, not
                                         from the C code) and compares them
                                         with iotmon's JSON; prints "same" or
                                         the differences.
"""
import csv, datetime, json, math, random, sys


def gen(seed, out):
    rnd = random.Random(int(seed))
    start = datetime.date(2025, 1, 1)
    rows = []
    rates = {"walled": 0.25, "email": 0.1, "control": 0.08}
    for i in range(360):
        ip = "10.%d.%d.%d" % (i // 65536, (i // 256) % 256, i % 256)
        grp = ["walled", "email", "control"][i % 3]
        asn = 64500 + i % 4
        day = rnd.randrange(0, 70)
        for _ in range(rnd.choice([1, 1, 2])):  # some IPs come back
            length = 1 + int(-math.log(1 - rnd.random()) / rates[grp])
            d = day
            while d < day + length and d < 90:
                rows.append((ip, (start + datetime.timedelta(days=d)).isoformat(), "AS%d" % asn, "NL", "mirai", grp))
                d += rnd.choice([1, 1, 1, 2, 3, 6])  # gaps, some longer than G
            day = d + rnd.randrange(5, 40)
            if day >= 90:
                break
    rnd.shuffle(rows)
    with open(out, "w") as f:
        f.write("family,ip,treatment,date,asn,cc\n")
        for ip, date, asn, cc, fam, grp in rows:
            f.write("%s,%s,%s,%s,%s,%s\n" % (fam, ip, grp, date, asn, cc))


def episodes(path, gap):
    days = {}
    grp = {}
    for r in csv.DictReader(open(path)):
        try:
            d = datetime.date.fromisoformat(r["date"]).toordinal()
        except ValueError:
            continue
        if r["ip"].count(".") != 3:
            continue
        days.setdefault(r["ip"], set()).add(d)
        grp[r["ip"]] = r["treatment"]
    end = max(max(v) for v in days.values())
    eps = []
    for ip, ds in days.items():
        ds = sorted(ds)
        first = last = ds[0]
        for d in ds[1:] + [None]:
            if d is not None and d - last - 1 <= gap:
                last = d
                continue
            cleaned = end - last > gap
            eps.append((grp[ip], (last - first + 1) if cleaned else (end - first + 1), cleaned))
            if d is not None:
                first = last = d
    return eps


def km(obs, z=1.959963984540054):
    rows, s, v = [], 1.0, 0.0
    for t in sorted(set(t for t, e in obs if e)):
        n = sum(1 for u, _ in obs if u >= t)
        d = sum(1 for u, e in obs if u == t and e)
        s *= (n - d) / n
        if n > d:
            v += d / (n * (n - d))
            se = math.sqrt(v) / abs(math.log(s))
            lo, hi = s ** math.exp(z * se), s ** math.exp(-z * se)
        else:
            lo = hi = 0.0
        rows.append({"day": t, "at_risk": n, "events": d, "survival": s, "lower": lo, "upper": hi})
    return rows


def logrank3(groups):
    # k = 3: solve the 2x2 system by hand; p for 2 df is exp(-chi2/2).
    names = sorted(groups)
    times = sorted(set(t for g in names for t, e in groups[g] if e))
    oe = [0.0] * 3
    V = [[0.0, 0.0], [0.0, 0.0]]
    for t in times:
        n = [sum(1 for u, _ in groups[g] if u >= t) for g in names]
        d = [sum(1 for u, e in groups[g] if u == t and e) for g in names]
        N, D = sum(n), sum(d)
        for j in range(3):
            oe[j] += d[j] - D * n[j] / N
        if N > 1:
            f = D * (N - D) / (N * N * (N - 1))
            for a in range(2):
                for b in range(2):
                    V[a][b] += f * n[a] * ((N if a == b else 0) - n[b])
    det = V[0][0] * V[1][1] - V[0][1] * V[1][0]
    inv = [[V[1][1] / det, -V[0][1] / det], [-V[1][0] / det, V[0][0] / det]]
    chi2 = sum(oe[a] * inv[a][b] * oe[b] for a in range(2) for b in range(2))
    return chi2, math.exp(-chi2 / 2)


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(b))


def check(path, gap, horizon, report):
    gap, horizon = int(gap), int(horizon)
    rep = json.load(open(report))
    bad = []
    eps = episodes(path, gap)
    groups = {}
    for g, t, e in eps:
        groups.setdefault(g, []).append((t, e))
    if rep["gap_days"] != gap or rep["horizon_days"] != horizon:
        bad.append("gap/horizon")
    if [g["group"] for g in rep["groups"]] != sorted(groups):
        bad.append("groups %r" % [g["group"] for g in rep["groups"]])
    for g in rep["groups"]:
        obs = groups.get(g["group"], [])
        rows = km(obs)
        if g["episodes"] != len(obs) or g["cleaned"] != sum(e for _, e in obs) or g["censored"] != sum(not e for _, e in obs):
            bad.append("%s: counts %d/%d/%d" % (g["group"], g["episodes"], g["cleaned"], g["censored"]))
        s_h = 1.0
        for r in rows:
            if r["day"] <= horizon:
                s_h = r["survival"]
        if not close(g["cleaned_within_horizon"], 1 - s_h):
            bad.append("%s: cleaned_within_horizon %r vs %r" % (g["group"], g["cleaned_within_horizon"], 1 - s_h))
        med = next((r["day"] for r in rows if r["survival"] <= 0.5 + 1e-12), None)
        if g["median_days"] != med:
            bad.append("%s: median %r vs %r" % (g["group"], g["median_days"], med))
        if len(g["survival"]) != len(rows):
            bad.append("%s: %d rows vs %d" % (g["group"], len(g["survival"]), len(rows)))
        for a, b in zip(g["survival"], rows):
            for k in ("day", "at_risk", "events"):
                if a[k] != b[k]:
                    bad.append("%s day %d: %s %r vs %r" % (g["group"], b["day"], k, a[k], b[k]))
            for k in ("survival", "lower", "upper"):
                if not close(a[k], b[k], 1e-9):
                    bad.append("%s day %d: %s %r vs %r" % (g["group"], b["day"], k, a[k], b[k]))
    if len(groups) == 3:
        chi2, p = logrank3(groups)
        lr = rep["logrank"]
        if lr["df"] != 2 or not close(lr["chi2"], chi2, 1e-8) or not close(lr["p"], p, 1e-8):
            bad.append("logrank %r vs chi2 %r p %r" % (lr, chi2, p))
    print("same" if not bad else "\n".join(bad[:20]))


if __name__ == "__main__":
    {"gen": gen, "check": check}[sys.argv[1]](*sys.argv[2:])
