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


def test_prepare_restyles_readies_every_indicator_once(tmp_path):
    """Illustrative district counts (generated): after prepare_restyles a map of any indicator reuses its texts."""
    import pandas as pd

    from geo.render import assets
    from geo.units import registry
    from geo.workflows.layer import build_layer
    from geo.workflows.mapview import prepare_restyles, render_map

    reg = registry.units(province="20", level="district", vintage="pre2025").sort_values("code")
    path = tmp_path / "huyen_minh_hoa.csv"
    pd.DataFrame({"Mã huyện": reg["code"], "Tên huyện": reg["name"], "Tổng số hộ": range(1000, 1000 + len(reg)),
                  "Số hộ nghèo": range(50, 50 + len(reg))}).to_csv(path, index=False)
    layer = build_layer(boundaries="default", table=path, province="20", level="district")
    key = ("test-prepare-restyles",)
    assert prepare_restyles(layer, "vi", geometry_key=key) == len(layer.indicators) >= 3
    assert prepare_restyles(layer, "vi", geometry_key=key) == 0
    first = render_map(layer, indicator="poor", geometry_key=key, asset_urls=assets.static_urls()).geo_parts.style
    again = render_map(layer, indicator="poor", k=3, palette="Blues", geometry_key=key,
                       asset_urls=assets.static_urls()).geo_parts.style
    assert again["tip"]["value"] is first["tip"]["value"] and first["tip"]["value"][0].endswith(" hộ")
