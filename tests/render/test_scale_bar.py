"""The scale bar shows kilometres only, in the exported web map and in the app's map component."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from geo.render.webmap import build_map

COMPONENT = Path(__file__).resolve().parents[2] / "geo" / "render" / "component" / "component.js"


def test_exported_map_scale_is_metric_only():
    gdf = gpd.GeoDataFrame({"code": ["1", "2", "3"], "v": [1.0, 2.0, 3.0]},
                           geometry=[box(106 + i / 2, 21, 106.5 + i / 2, 21.5) for i in range(3)], crs="EPSG:4326")
    page = build_map(gdf, value_column="v", k=3).get_root().render()
    assert page.count("L.control.scale(") == 1
    assert "L.control.scale({imperial: false})" in page


def test_component_scale_is_metric_only():
    text = COMPONENT.read_text(encoding="utf-8")
    assert text.count("L.control.scale(") == 1
    assert "L.control.scale({imperial: false})" in text
