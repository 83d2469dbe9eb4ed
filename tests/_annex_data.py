"""Layers for the print-map and annex tests, built from real Lạng Sơn units.

- districts: the 11 official district outlines (../shared/data, read in place)
  with the seed-003 figures (built-in table ``langson_kh78_2021``);
- communes: the 194 GSO communes as the project's default tessellation
  (:func:`geo.units.tessellation.default_boundaries`). Their values are
  illustrative (deterministic), with two units without data.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd


ROOT = Path(__file__).resolve().parents[1]
KH78 = ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv"
NO_DATA_CODES = ("06040", "06253")


def districts(langson: Path) -> gpd.GeoDataFrame:
    outlines = gpd.read_file(langson / "districts_2019_gischinhphu.geojson")
    outlines["code"] = outlines["level2_id"].astype(str).str.zfill(3)
    table = pd.read_csv(KH78, dtype={"code": str})
    gdf = outlines[["code", "geometry"]].merge(table, on="code", how="left")
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs="EPSG:4326").sort_values("code").reset_index(drop=True)


def communes(langson: Path) -> gpd.GeoDataFrame:
    from geo.units.tessellation import default_boundaries

    gdf = default_boundaries(province="20", level="commune", vintage="pre2025")
    gdf = gdf.sort_values("code").reset_index(drop=True)
    rng = np.random.default_rng(20)
    households = rng.integers(300, 3000, len(gdf))
    poor = np.round(households * rng.uniform(0.002, 0.35, len(gdf))).astype(int)
    near = np.round(households * rng.uniform(0.01, 0.2, len(gdf))).astype(int)
    gdf["households"] = households
    gdf["poor"] = poor
    gdf["poor_rate"] = np.round(poor / households * 100, 2)
    gdf["near_poor"] = near
    gdf["near_poor_rate"] = np.round(near / households * 100, 2)
    missing = gdf["code"].isin(NO_DATA_CODES)
    gdf.loc[missing, ["households", "poor", "poor_rate", "near_poor", "near_poor_rate"]] = np.nan
    return gdf
