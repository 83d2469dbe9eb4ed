"""Size and speed of the web map (geo.render.webmap) next to GeoDataFrame.explore().

On the same data in one run, for Lạng Sơn's communes and for all pre2025
communes of Viet Nam (``geo.units.tessellation.default_boundaries``; a Voronoi
sketch of the registry centroids when that module is not there):

- HTML bytes and build seconds of ``explore()`` (tooltip with name, type,
  district and value; 5 quantile classes) rendered to a string;
- the same for :func:`geo.render.webmap.build_map` from a cold geometry cache,
  both as the app receives it (Leaflet from /app/static) and as the
  standalone file :func:`geo.render.webmap.save_html` writes (Leaflet inlined);
- a restyle after an indicator change (other column, scheme and palette;
  geometry cached), build plus render.

The indicator values are illustrative (seeded random rates). Prints figures
only; unit tests assert no timings. Targets: national HTML ≤ 1/5 of
explore()'s, build ≤ 1/3 of explore()'s, cached restyle ≤ 0.3 s.

Run from the repository root: ``python bench/webmap.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.render import webmap  # noqa: E402

REPEATS = 3
TOOLTIP = ["name", "type", "district_name", "poor_rate"]


def _boundaries(province, cache_dir: str):
    try:
        from geo.units import tessellation
    except ImportError:
        return _voronoi_sketch(province), "Voronoi of registry centroids (geo.units.tessellation absent)"
    gdf = tessellation.default_boundaries(province=province, level="commune", vintage="pre2025", cache_dir=Path(cache_dir))
    return gdf, "geo.units.tessellation.default_boundaries"


def _voronoi_sketch(province):
    import geopandas as gpd
    import shapely

    from geo.units.registry import units

    u = units(province=province, level="commune")
    u = u[u["lat"].notna() & u["lon"].notna()].reset_index(drop=True)
    lon = u["lon"] + u.groupby(["lat", "lon"]).cumcount() * 0.002  # spread shared centroids
    pts = shapely.points(lon, u["lat"])
    env = shapely.box(*shapely.total_bounds(pts)).buffer(0.05)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=env, ordered=True))
    return gpd.GeoDataFrame(u.drop(columns=["lat", "lon"]), geometry=shapely.intersection(cells, env), crs=4326)


def _with_indicators(gdf):
    rng = np.random.default_rng(20)
    gdf = gdf.copy()
    gdf["poor_rate"] = rng.gamma(2.0, 4.0, len(gdf)).round(2)
    gdf.loc[rng.random(len(gdf)) < 0.02, "poor_rate"] = np.nan
    gdf["households"] = rng.integers(300, 4000, len(gdf))
    gdf["poor"] = (gdf["households"] * gdf["poor_rate"] / 100).round()
    return gdf


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _median_time(fn) -> float:
    return statistics.median(_timed(fn)[1] for _ in range(REPEATS))


def bench(label: str, gdf, key) -> dict:
    explore_html, explore_s = _timed(
        lambda: gdf.explore(column="poor_rate", scheme="Quantiles", k=5, tooltip=TOOLTIP).get_root().render()
    )

    def cold(outlines: bool):
        webmap.web_geometry.cache_clear()
        return webmap.build_map(gdf, value_column="poor_rate", geometry_key=key, district_outlines=outlines or None)

    # Same content as explore() (no district outlines) for the comparison ...
    m, cold_s = _timed(lambda: cold(False))
    app_html, render_s = _timed(lambda: m.get_root().render())
    # ... and the map the app shows, with district outlines dissolved from the communes.
    m, cold_outlined_s = _timed(lambda: cold(True))
    app_outlined_html, render_outlined_s = _timed(lambda: m.get_root().render())
    standalone, inline_s = _timed(lambda: webmap.to_html(m))
    m_restyle = None

    def restyle():
        nonlocal m_restyle
        m_restyle = webmap.build_map(
            gdf, value_column="poor", scheme="fisher_jenks", k=6, palette="Blues", geometry_key=key, district_outlines=True
        )
        return m_restyle.get_root().render()

    restyle_s = _median_time(restyle)
    restyle_bytes = len(restyle().encode())
    geom = webmap.web_geometry(gdf, key=key)
    return {
        "label": label,
        "units": len(gdf),
        "vertices_in": int(__import__("shapely").get_num_coordinates(np.asarray(gdf.geometry.values)).sum()),
        "vertices_web": geom.n_vertices,
        "explore_bytes": len(explore_html.encode()),
        "explore_s": explore_s,
        "app_bytes": len(app_html.encode()),
        "standalone_bytes": len(standalone.encode()),
        "build_s": cold_s + render_s,
        "outlined_bytes": len(app_outlined_html.encode()),
        "outlined_s": cold_outlined_s + render_outlined_s,
        "standalone_s": cold_outlined_s + render_outlined_s + inline_s,
        "restyle_s": restyle_s,
        "restyle_bytes": restyle_bytes,
    }


def main() -> None:
    import mapclassify  # noqa: F401  imported once before any timing (explore and geo.analysis.classify both use it)

    warnings.simplefilter("ignore")
    rows = []
    with tempfile.TemporaryDirectory() as cache_dir:
        for label, province in (("Lạng Sơn communes", "20"), ("Viet Nam communes", None)):
            gdf, source = _boundaries(province, cache_dir)
            gdf = _with_indicators(gdf)
            rows.append(bench(label, gdf, (province, "commune", "pre2025")))
    print(f"boundaries: {source}; values illustrative; restyle = other column + Fisher-Jenks k=6 + Blues, median of {REPEATS}")
    print(f"simplification tolerance {webmap.settings.WEB_SIMPLIFY_TOLERANCE_DEG} deg, {webmap.settings.WEB_COORD_DECIMALS} decimals")
    print("cold = empty geometry cache; times include rendering the HTML string; + outlines = with district outlines")
    head = (f"{'':20}{'units':>7}{'vertices in->web':>18}{'explore()':>19}{'build_map cold':>20}"
            f"{'+ outlines':>20}{'standalone':>12}{'restyle':>18}")
    print(head)
    for r in rows:
        print(
            f"{r['label']:20}{r['units']:>7}{r['vertices_in']:>9}->{r['vertices_web']:<8}"
            f"{r['explore_bytes'] / 1e6:>8.2f} MB {r['explore_s']:>5.2f} s"
            f"{r['app_bytes'] / 1e6:>9.2f} MB {r['build_s']:>5.2f} s"
            f"{r['outlined_bytes'] / 1e6:>9.2f} MB {r['outlined_s']:>5.2f} s"
            f"{r['standalone_bytes'] / 1e6:>9.2f} MB"
            f"{r['restyle_s']:>9.3f} s {r['restyle_bytes'] / 1e6:>5.2f} MB"
        )
    nat = rows[-1]
    print()
    print(f"national HTML, app / explore():        {nat['app_bytes'] / nat['explore_bytes']:.3f}  (target ≤ 0.200)")
    print(f"national HTML, standalone / explore(): {nat['standalone_bytes'] / nat['explore_bytes']:.3f}  (Leaflet inlined; explore() loads it from CDNs)")
    print(f"national build, cold / explore():      {nat['build_s'] / nat['explore_s']:.3f}  (target ≤ 0.333)")
    print(f"  with district outlines / explore():   {nat['outlined_s'] / nat['explore_s']:.3f}")
    print(f"national restyle, cached geometry:      {nat['restyle_s']:.3f} s  (target ≤ 0.3 s)")


if __name__ == "__main__":
    main()
