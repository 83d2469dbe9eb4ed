"""Speed of the annex exports: the A4 print map and the atlas of Lạng Sơn's communes.

Times, as the median of a few runs on warm imports:

- the A4 portrait PDF of the 194 communes (draw + save), target ≤ 3 s;
- the atlas PDF (overview + 11 districts = 12 pages), target ≤ 20 s;
- for reference, the same map as a 300-dpi PNG and as SVG.

The layer is the default (approximate) commune tessellation with
deterministic illustrative values. Prints figures only; tests never assert
on time. Run from the repository root: ``python bench/export.py [runs]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.render import printmap  # noqa: E402
from geo.units.tessellation import default_boundaries  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
TARGETS = {"pdf": 3.0, "atlas": 20.0}


def layer():
    gdf = default_boundaries(province="20", level="commune", vintage="pre2025").sort_values("code").reset_index(drop=True)
    rng = np.random.default_rng(20)
    gdf["poor_rate"] = np.round(rng.uniform(0.2, 35, len(gdf)), 2)
    gdf.loc[gdf.index[::97], "poor_rate"] = np.nan  # two units without data
    return gdf


def median_time(fn) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    gdf = layer()
    kw = dict(value_column="poor_rate", title="Tỷ lệ hộ nghèo các xã, phường, thị trấn tỉnh Lạng Sơn",
              source_text="Số liệu minh họa", approximate=True, illustrative=True)
    printmap.print_map(gdf, **kw)  # warm-up: imports, font cache, mapclassify
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def pdf():
            printmap.save_figure(printmap.print_map(gdf, **kw), out / "map.pdf", overwrite=True)

        def png():
            printmap.save_figure(printmap.print_map(gdf, **kw), out / "map.png", overwrite=True)

        def svg():
            printmap.save_figure(printmap.print_map(gdf, **kw), out / "map.svg", overwrite=True)

        def atlas():
            printmap.atlas(gdf, out / "atlas.pdf", overwrite=True, **kw)

        results = {"pdf": median_time(pdf), "atlas": median_time(atlas), "png": median_time(png), "svg": median_time(svg)}
    print(f"Lạng Sơn, {len(gdf)} communes, median of {RUNS} runs")
    for key, seconds in results.items():
        target = TARGETS.get(key)
        verdict = "" if target is None else f"  (target ≤ {target:g} s: {'ok' if seconds <= target else 'SLOW'})"
        name = {"pdf": "A4 PDF", "atlas": "atlas PDF, 12 pages", "png": "A4 PNG 300 dpi", "svg": "A4 SVG"}[key]
        print(f"  {name:<22} {seconds:6.2f} s{verdict}")


if __name__ == "__main__":
    main()
