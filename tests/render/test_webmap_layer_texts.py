"""A restyle of the same layer frame reuses what depends on the layer alone (geo.render.webmap._layer_texts):
the names, tooltip tables and district borders are the same objects, their JSON is encoded once, and a changed
frame (a copy with another name) is never drawn with the old texts. Illustrative units, generated here."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geo.render import assets, mapcomponent, webmap


def _units(names=None):
    import geopandas as gpd
    import shapely

    boxes = [shapely.box(105 + i * 0.1, 20.5 + j * 0.1, 105.1 + i * 0.1, 20.6 + j * 0.1) for i in range(4) for j in range(3)]
    return gpd.GeoDataFrame({
        "code": [f"{k:05d}" for k in range(12)], "name": names or [f"Xã {k}" for k in range(12)],
        "type": ["Xã"] * 10 + ["Thị trấn"] * 2, "district_code": ["001"] * 6 + ["002"] * 6,
        "district_name": ["Huyện A"] * 6 + ["Huyện B"] * 6,
        "poor_rate": np.r_[np.nan, np.linspace(2.5, 30.25, 11)], "poor": np.arange(12) * 10},
        geometry=boxes, crs="EPSG:4326")


def _build(gdf, **kw):
    return webmap.build_map(gdf, geometry_key=("test-layer-texts",), district_outlines=True,
                            asset_urls=assets.static_urls(), **kw).geo_parts


def test_a_restyle_of_the_same_frame_reuses_the_layer_texts():
    gdf = _units()
    first = _build(gdf, value_column="poor_rate", k=4, palette="YlOrRd")
    again = _build(gdf, value_column="poor", k=3, palette="Blues")
    assert again.style["tip"]["names"] is first.style["tip"]["names"]
    assert again.style["tip"]["cats"] is first.style["tip"]["cats"]
    assert again.style["darcs"] is first.style["darcs"]
    assert first.style["tip"]["names"][:2] == ["Xã 0", "Xã 1"]
    assert first.style["tip"]["cats"][0]["table"] == ["Xã", "Thị trấn"]
    a = mapcomponent.component_args(first, have=None, height=400, asset_urls=assets.static_urls())
    b = mapcomponent.component_args(again, have=None, height=400, asset_urls=assets.static_urls())
    assert a["sid"] == b["sid"] and a["static"] == b["static"]
    # The style still changes with the restyle: values, classes, palette.
    assert json.loads(b["style"])["pal"] != json.loads(a["style"])["pal"]
    assert json.loads(b["style"])["tip"]["valueText"].split("|")[:3] == ["0", "10", "20"]


def test_a_changed_frame_is_drawn_with_its_own_texts():
    gdf = _units()
    first = _build(gdf, value_column="poor_rate")
    renamed = _units(names=[f"Phường {k}" for k in range(12)])
    second = _build(renamed, value_column="poor_rate")
    assert second.style["tip"]["names"][:2] == ["Phường 0", "Phường 1"]
    assert first.style["tip"]["names"][:2] == ["Xã 0", "Xã 1"]
    a = mapcomponent.component_args(first, have=None, height=400, asset_urls=assets.static_urls())
    b = mapcomponent.component_args(second, have=None, height=400, asset_urls=assets.static_urls())
    assert a["sid"] != b["sid"] and "Phường 0" in b["static"] and "Phường 0" not in a["static"]
    # A frame with another column set (a table joined) is another layer for the memo too.
    joined = gdf.assign(near_poor_rate=np.linspace(1, 12, 12))
    assert _build(joined, value_column="near_poor_rate").style["tip"]["names"][:1] == ["Xã 0"]


def test_english_texts_are_kept_apart_from_vietnamese():
    gdf = _units()
    vi = _build(gdf, value_column="poor_rate", lang="vi")
    en = _build(gdf, value_column="poor_rate", lang="en")
    assert vi.style["tip"]["cats"][0]["label"] == "Loại" and en.style["tip"]["cats"][0]["label"] == "Type"


def test_value_texts_prepared_once_per_frame_and_language():
    gdf = _units()
    kinds = {"poor_rate": "percent", "poor": "households"}
    assert webmap.prepare_value_texts(gdf, kinds, lang="vi") == 2
    assert webmap.prepare_value_texts(gdf, kinds, lang="vi") == 0
    assert webmap.prepare_value_texts(gdf, kinds, lang="en") == 2
    texts = _build(gdf, value_column="poor", value_kind="households").style["tip"]["value"]
    assert texts[:3] == ["0 hộ", "10 hộ", "20 hộ"]
    assert _build(gdf, value_column="poor_rate").style["tip"]["value"][:2] == ["Không có dữ liệu", "2,50%"]


@pytest.mark.parametrize("column", ["poor_rate", "poor"])
def test_the_style_is_what_a_fresh_build_makes(column):
    """The memo changes nothing a reader sees: the same frame drawn twice equals a copy drawn once."""
    gdf = _units()
    _build(gdf, value_column=column)
    kept = _build(gdf, value_column=column).style
    fresh = _build(gdf.copy(), value_column=column).style
    assert json.loads(webmap._js_json(kept)) == json.loads(webmap._js_json(fresh))


def test_a_change_of_classes_or_palette_reuses_the_value_texts():
    gdf = _units()
    first = _build(gdf, value_column="poor_rate", k=4, palette="YlOrRd")
    again = _build(gdf, value_column="poor_rate", k=3, palette="Blues")
    assert again.style["tip"]["value"] is first.style["tip"]["value"]
    a = json.loads(mapcomponent.component_args(first, have=None, height=400, asset_urls=assets.static_urls())["style"])
    b = json.loads(mapcomponent.component_args(again, have=None, height=400, asset_urls=assets.static_urls())["style"])
    assert a["tip"]["valueText"] == b["tip"]["valueText"] and a["tip"]["valueText"].startswith("|2,50|5,28|")
    assert a["cls"] != b["cls"]
    other = _build(gdf, value_column="poor", value_kind="households").style["tip"]["value"]
    assert other[:2] == ["0 hộ", "10 hộ"]


def test_the_standalone_page_writes_the_style_of_its_own_build():
    gdf = _units()
    html = webmap.to_html(webmap.build_map(gdf, value_column="poor_rate", palette="Greens",
                                           asset_urls=assets.static_urls()))
    assert '"pal":["#' in html and "Xã 11" in html
