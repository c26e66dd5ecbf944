#!/usr/bin/python3
"""Converts Natural Earth's 1:110m countries (TopoJSON, npm package
world-atlas) into the world map the dashboard draws: one line per country,

    CC <TAB> name <TAB> SVG path data

in a 960 x 480 equirectangular frame (Antarctica left out; rings that
cross the antimeridian continue past the edge, clipped), coordinates
rounded to 0.1 px and points closer than 0.5 px to the previous one dropped.
Country codes: ISO 3166-1 numeric ids mapped to alpha-2 with Debian's
iso-codes table. Run by scripts/data.sh at data-fetch time.

  world-map.py countries-110m.json iso_3166-1.json > world.tsv
"""
import json
import sys

W, H = 960, 480


def main():
    topo = json.load(open(sys.argv[1]))
    iso = json.load(open(sys.argv[2]))["3166-1"]
    alpha2 = {c["numeric"]: c["alpha_2"] for c in iso}
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # delta-encoded, quantized
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes):
        pts = []
        for i in indexes:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        return pts

    def project(lon, lat):
        return (lon + 180) / 360 * W, (90 - lat) / 180 * H

    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        cc = alpha2.get(str(g.get("id", "")).zfill(3))
        if not cc or cc == "AQ" or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        d = []
        for poly in polys:
            for r in poly:
                last = None
                cmds = []
                for lon, lat in ring(r):
                    x, y = project(lon, lat)
                    # A ring crossing the antimeridian (Russia, Fiji) goes
                    # on past the frame's edge instead of across the map.
                    if last and x - last[0] > W / 2:
                        x -= W
                    elif last and last[0] - x > W / 2:
                        x += W
                    if last and abs(x - last[0]) < 0.5 and abs(y - last[1]) < 0.5:
                        continue
                    cmds.append("%.1f,%.1f" % (x, y))
                    last = (x, y)
                if len(cmds) >= 3:
                    d.append("M" + "L".join(cmds) + "Z")
        if d:
            name = g.get("properties", {}).get("name", cc).replace("\t", " ")
            out.append("%s\t%s\t%s" % (cc, name, "".join(d)))
    out.sort()
    sys.stdout.write("# Natural Earth 1:110m countries (public domain) via world-atlas (ISC);"
                     " see LICENSE-world-atlas\n")
    sys.stdout.write("\n".join(out) + "\n")


main()
