"""The map's choices shared by the Map page and the webmap command."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from geo.workflows.mapview import value_summary


def _units(values) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": [f"{i:05d}" for i in range(len(values))], "poor_rate_2020": values},
                            geometry=[Point(i, 0) for i in range(len(values))], crs=4326)


def test_summary_counts_units_with_a_value_and_gives_the_median_in_each_language():
    gdf = _units([8.51, 16.22, np.nan, 7.45] + [np.nan] * 1000)
    assert value_summary(gdf, "poor_rate_2020", "vi") == "Tỷ lệ hộ nghèo (%) năm 2020 — 3/1.004; trung vị 8,51%"
    assert value_summary(gdf, "poor_rate_2020", "en") == "Poor household rate (%) in 2020 — 3/1,004; median 8.51%"


def test_no_summary_without_values():
    assert value_summary(_units([np.nan, np.nan]), "poor_rate_2020") is None
