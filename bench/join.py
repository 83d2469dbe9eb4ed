"""Speed of the join: 10,000 table rows onto the 10,035 communes of Viet Nam (pre-2025).

Most rows carry their GSO code (9,500, some with the leading zero lost); the
last 500 carry only a commune name and its district, as planners' tables often
do, so they go through the name tiers. The boundary side is the registry with
point geometries (the join never looks at geometry). Prints the median of a few
runs; tests never assert on time. Target: ≤ 0.5 s.

Run from the repository root: ``python bench/join.py [runs]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.join.match import join_indicators  # noqa: E402
from geo.units import registry  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
N_ROWS = 10_000
N_BY_NAME = 500
TARGET_S = 0.5


def inputs() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    reg = registry.units(level="commune", vintage="pre2025").reset_index(drop=True)
    units = gpd.GeoDataFrame(reg, geometry=gpd.points_from_xy(reg["lon"], reg["lat"]), crs="EPSG:4326")
    rows = reg.sample(N_ROWS, random_state=1).reset_index(drop=True)
    rng = np.random.default_rng(1)
    codes = rows["code"].astype(object).copy()
    codes[rng.random(N_ROWS) < 0.3] = codes.str.lstrip("0")  # leading zeros lost by a spreadsheet
    codes.iloc[-N_BY_NAME:] = None
    table = pd.DataFrame({
        "source_row": np.arange(2, N_ROWS + 2), "code": codes, "name": rows["name"],
        "parent_name": rows["district_name"],
        "households": rng.integers(200, 3000, N_ROWS).astype(float),
    })
    table["poor"] = np.floor(table["households"] * rng.uniform(0, 0.4, N_ROWS))
    return units, table


def main() -> None:
    units, table = inputs()
    columns = {"code": "code", "name": "name", "type": "type", "parent_code": "district_code",
               "parent_name": "district_name"}
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = join_indicators(units, table, level="commune", boundary_columns=columns, source="bench.csv")
        times.append(time.perf_counter() - start)
    s = result.report.summary()
    print(f"join of {N_ROWS:,} rows ({N_BY_NAME} by name) onto {len(units):,} units: "
          f"median {statistics.median(times):.3f} s over {RUNS} runs (min {min(times):.3f} s); target ≤ {TARGET_S} s")
    print(f"matched {s['matched']}, by method {result.report.by_method}, unmatched rows {s['unmatched_rows']}, "
          f"ambiguous {s['ambiguous']}, duplicates {s['duplicates']}")


if __name__ == "__main__":
    main()
