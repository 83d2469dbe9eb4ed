"""Quality and speed of the default (approximate) boundaries.

Compares :func:`geo.units.tessellation.default_boundaries` for Lạng Sơn (pre2025)
with the official outlines in ``../shared/data/langson`` and times the
generation for one province and for the whole country. Then, on layers with
real detail (:func:`geo.units.detail.with_detail`: Lạng Sơn's communes at about
2,000 vertices each in VN-2000, the country's at about 60), the one checked
reader (:func:`geo.workflows.layer.load_checked_boundaries`: safe read, CRS,
codes, placement) against the peer ``geopandas.read_file`` on the same
GeoPackage, with the ratio, and whether each layer is a valid coverage.
Prints figures only: the thresholds are asserted in ``tests/test_tessellation.py``.

Run from the repository root: ``python bench/boundaries.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.units import tessellation  # noqa: E402

LANGSON = ROOT.parent / "shared" / "data" / "langson"
LANGSON_CODE = "20"
METRIC_CRS = "EPSG:32648"  # UTM 48N, metres


def iou(a, b) -> float:
    """Intersection over union of two polygons in the same metric CRS."""
    a, b = shapely.make_valid(a), shapely.make_valid(b)  # reprojection can pinch a 10 cm spike
    return a.intersection(b).area / a.union(b).area


def quality(cache_dir: Path) -> None:
    """IoU of the estimated province and districts of Lạng Sơn against the official ones."""
    if not LANGSON.is_dir():
        print(f"reference data not found at {LANGSON}: IoU skipped")
        return
    real_province = gpd.read_file(LANGSON / "province_2019_gischinhphu.geojson").to_crs(METRIC_CRS)
    real_districts = gpd.read_file(LANGSON / "districts_2019_gischinhphu.geojson").to_crs(METRIC_CRS)
    real_districts["code"] = real_districts["level2_id"].astype(str).str.zfill(3)
    ours_province = tessellation.default_boundaries(
        province=LANGSON_CODE, level="province", cache_dir=cache_dir).to_crs(METRIC_CRS)
    ours_districts = tessellation.default_boundaries(
        province=LANGSON_CODE, level="district", cache_dir=cache_dir).to_crs(METRIC_CRS).set_index("code")
    province_iou = iou(ours_province.geometry.iloc[0], real_province.geometry.union_all())
    print(f"Lạng Sơn province IoU: {province_iou:.3f}  "
          f"(area ours {ours_province.area.iloc[0] / 1e6:,.0f} km², real {real_province.area.sum() / 1e6:,.0f} km²)")
    scores = []
    for code, name, geom in zip(real_districts["code"], real_districts["name"], real_districts.geometry):
        score = iou(ours_districts.geometry.loc[code], geom)
        scores.append(score)
        print(f"  district {code} {name:<22} IoU {score:.3f}")
    print(f"district IoU: median {np.median(scores):.3f}, min {min(scores):.3f}, mean {np.mean(scores):.3f}")


def timings(cache_dir: Path) -> None:
    """Generation time from scratch (in-memory cache cleared) and from the file cache."""
    cases = [
        ("pre2025", LANGSON_CODE, "commune"),
        ("pre2025", None, "commune"),
        ("pre2025", None, "district"),
        ("pre2025", None, "province"),
        ("2025", "20", "commune"),
        ("2025", None, "commune"),
        ("2025", None, "province"),
    ]
    for vintage, province, level in cases:
        tessellation._national_cells.cache_clear()
        tessellation._pre2025_cells.cache_clear()
        start = time.perf_counter()
        gdf = tessellation.default_boundaries(province=province, level=level, vintage=vintage, cache_dir=cache_dir)
        built = time.perf_counter() - start
        start = time.perf_counter()
        tessellation.default_boundaries(province=province, level=level, vintage=vintage, cache_dir=cache_dir)
        cached = time.perf_counter() - start
        print(f"{vintage:>7} {province or 'all':>3} {level:<8} {len(gdf):>6} units  "
              f"built {built:6.1f} s  cached {cached:5.2f} s")


def reading(folder: Path, runs: int = 3) -> None:
    """Our checked reader vs geopandas.read_file on realistic layers, median of ``runs``, and coverage."""
    from geo.units import detail
    from geo.workflows.layer import load_checked_boundaries

    folder.mkdir(parents=True, exist_ok=True)
    cases = (("Lạng Sơn communes, ~2,000 vertices, EPSG:3405", LANGSON_CODE, 2000, "EPSG:3405"),
             ("Viet Nam communes, ~60 vertices", None, 60, None))
    print("reading a boundary file with real detail (median of 3):")
    for label, province, vertices, crs in cases:
        base = tessellation.default_boundaries(province=province, level="commune", vintage="pre2025")
        gdf = detail.with_detail(base, vertices_per_unit=vertices, seed=1)
        gdf = gdf.to_crs(crs) if crs else gdf
        path = folder / f"{province or 'all'}.gpkg"
        gdf[["code", "name", "geometry"]].rename(columns={"code": "ma_xa", "name": "ten_xa"}).to_file(path)
        n = int(shapely.get_num_coordinates(gdf.geometry.values).sum())

        def median(fn) -> float:
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
            return float(np.median(times))

        peer = median(lambda: gpd.read_file(path))
        ours = median(lambda: load_checked_boundaries(path, province=province, level="commune", vintage="pre2025"))
        valid = bool(shapely.coverage_is_valid(gdf.geometry.values))
        print(f"  {label}: {len(gdf):,} units, {n:,} vertices; coverage valid: {valid}; "
              f"geopandas.read_file {peer:.2f} s, checked reader {ours:.2f} s, ratio {ours / peer:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        quality(Path(tmp) / "quality")
        timings(Path(tmp) / "timings")
        reading(Path(tmp) / "reading")


if __name__ == "__main__":
    main()
