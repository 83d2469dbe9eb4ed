"""Build data/border/vn_border_ne10m.geojson from Natural Earth 10 m (npm package ``world-atlas``).

Natural Earth is public domain; ``world-atlas`` (ISC) redistributes it as TopoJSON. This script is the only way
the committed file is made: run it again to regenerate it.

    python scripts/build_border.py                         # runs `npm pack world-atlas@2.0.2` in a temp folder
    python scripts/build_border.py --package /path/to/world-atlas-2.0.2.tgz   # or an unpacked package folder

It writes, in EPSG:4326:

- ``kind=border``: Viet Nam's land border with each neighbour (China, Laos, Cambodia) as one (Multi)LineString,
  the arcs Natural Earth's topology shares between Viet Nam and that country (full 10 m resolution);
- ``kind=neighbour``: each neighbour's land polygon clipped to a box around Viet Nam and lightly simplified,
  for shading it on print maps;
- ``kind=archipelago``: the islands of Quần đảo Hoàng Sa (parts of Natural Earth's polygons inside the
  Hoàng Sa box) and Quần đảo Trường Sa (its "Spratly Is." feature), as coordinates only: whose they are is
  said by geo.units.sovereignty, not by Natural Earth.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import mapping
from shapely.ops import linemerge

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "border" / "vn_border_ne10m.geojson"
PACKAGE = "world-atlas@2.0.2"
MEMBER = "countries-10m.json"
ATTRIBUTION = "Natural Earth 1:10m Admin 0 (v4.1.0), public domain; via npm world-atlas 2.0.2 (ISC)"
VIETNAM = "704"
NEIGHBOURS = {"156": ("CHN", "Trung Quốc", "China"), "418": ("LAO", "Lào", "Laos"),
              "116": ("KHM", "Campuchia", "Cambodia")}
NEAR_BOX = (99.5, 7.0, 112.0, 25.5)  # neighbour polygons kept inside this box (lon/lat)
NEIGHBOUR_SIMPLIFY_DEG = 0.003  # ~300 m: for shading only, never for the border line itself
HOANG_SA_BOX = (110.5, 15.4, 113.2, 17.3)
DECIMALS = 5  # ~1 m


def _topology(package: str | None) -> dict:
    if package:
        path = Path(package)
        if path.is_dir():
            return json.loads((path / MEMBER).read_text(encoding="utf-8"))
        with tarfile.open(path) as tar:
            return json.load(tar.extractfile(f"package/{MEMBER}"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
        tgz = next(Path(tmp).glob("world-atlas-*.tgz"))
        with tarfile.open(tgz) as tar:
            return json.load(tar.extractfile(f"package/{MEMBER}"))


class Topo:
    """Minimal TopoJSON decoder (quantized, delta-encoded arcs)."""

    def __init__(self, topo: dict):
        sx, sy = topo["transform"]["scale"]
        tx, ty = topo["transform"]["translate"]
        self.arcs = []
        for arc in topo["arcs"]:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((round(x * sx + tx, 7), round(y * sy + ty, 7)))
            self.arcs.append(pts)

    def arc(self, i: int) -> list:
        return self.arcs[i] if i >= 0 else self.arcs[~i][::-1]

    def ring(self, idx: list[int]) -> list:
        pts: list = []
        for i in idx:
            a = self.arc(i)
            pts.extend(a if not pts else a[1:])
        return pts

    def polygon(self, rings: list) -> shapely.Polygon | None:
        coords = [self.ring(r) for r in rings]
        coords = [c for c in coords if len(c) >= 4]  # quantization can collapse a tiny islet
        return shapely.Polygon(coords[0], coords[1:]) if coords else None

    def geometry(self, geom: dict):
        polys = {"Polygon": lambda a: [a], "MultiPolygon": lambda a: a}.get(geom.get("type"), lambda a: [])(
            geom.get("arcs"))
        return shapely.MultiPolygon([p for p in (self.polygon(r) for r in polys) if p is not None])


def _arc_ids(geom: dict) -> set[int]:
    polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
    return {i if i >= 0 else ~i for poly in polys for ring in poly for i in ring}


def _rounded(geom):
    return shapely.set_precision(geom, 10 ** -DECIMALS)


def build(package: str | None = None, out: Path = OUT) -> dict:
    raw = _topology(package)
    topo = Topo(raw)
    by_id = {g.get("id"): g for g in raw["objects"]["countries"]["geometries"]}
    by_name = {g.get("properties", {}).get("name"): g for g in raw["objects"]["countries"]["geometries"]}
    vn_arcs = _arc_ids(by_id[VIETNAM])
    features = []
    summary = {}
    box = shapely.box(*NEAR_BOX)
    for nid, (iso, vi, en) in NEIGHBOURS.items():
        shared = sorted(vn_arcs & _arc_ids(by_id[nid]))
        line = linemerge([shapely.LineString(topo.arcs[i]) for i in shared])
        line = _rounded(line)
        features.append({"type": "Feature", "geometry": mapping(line),
                         "properties": {"kind": "border", "iso": iso, "name_vi": vi, "name_en": en,
                                        "source": ATTRIBUTION}})
        poly = shapely.make_valid(topo.geometry(by_id[nid]))
        near = shapely.intersection(poly, box)
        if iso == "CHN":  # Hoàng Sa islands are drawn as Viet Nam's, never shaded as a neighbour
            near = shapely.difference(near, shapely.box(*HOANG_SA_BOX))
        near = _rounded(shapely.simplify(near, NEIGHBOUR_SIMPLIFY_DEG, preserve_topology=True))
        features.append({"type": "Feature", "geometry": mapping(near),
                         "properties": {"kind": "neighbour", "iso": iso, "name_vi": vi, "name_en": en,
                                        "source": ATTRIBUTION}})
        summary[iso] = {"arcs": len(shared), "vertices": len(shapely.get_coordinates(line))}
    # Islands: geometry only; geo.units.sovereignty says they are Viet Nam's.
    parts = []
    for g in raw["objects"]["countries"]["geometries"]:
        geom = topo.geometry(g)
        parts += [p for p in shapely.get_parts(geom) if shapely.box(*HOANG_SA_BOX).contains(p)]
    hoang_sa = _rounded(shapely.MultiPolygon(parts))
    truong_sa = _rounded(shapely.make_valid(topo.geometry(by_name["Spratly Is."])))
    for key, geom in (("hoang_sa", hoang_sa), ("truong_sa", truong_sa)):
        features.append({"type": "Feature", "geometry": mapping(geom),
                         "properties": {"kind": "archipelago", "iso": "VNM", "name_vi": key, "name_en": key,
                                        "source": ATTRIBUTION}})
        summary[key] = {"islands": len(shapely.get_parts(geom)), "bounds": [round(b, 3) for b in geom.bounds]}
    collection = {"type": "FeatureCollection", "name": "vn_border_ne10m",
                  "attribution": ATTRIBUTION + ". Generated by scripts/build_border.py; do not edit by hand.",
                  "features": features}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    summary["bytes"] = out.stat().st_size
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", help="world-atlas .tgz or unpacked folder (default: npm pack world-atlas)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    print(json.dumps(build(args.package, Path(args.out)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
