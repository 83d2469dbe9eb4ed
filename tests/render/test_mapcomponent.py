"""The Map page's component arguments (geo.render.mapcomponent): geometry and the layer's unchanging texts travel
once; a restyle carries compact classes and value texts, and component.js puts the style back together exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geo.render import assets, mapcomponent, webmap


@pytest.fixture(scope="module")
def parts():
    """A 5 x 4 illustrative commune layer in two districts, with values, one missing."""
    import geopandas as gpd
    import shapely

    boxes = [shapely.box(106 + i * 0.1, 21.5 + j * 0.1, 106.1 + i * 0.1, 21.6 + j * 0.1) for i in range(5) for j in range(4)]
    gdf = gpd.GeoDataFrame({
        "code": [f"{k:05d}" for k in range(20)], "name": [f"Xã {k} <b>" for k in range(20)],
        "type": ["Xã"] * 20, "district_code": ["001"] * 8 + ["002"] * 12,
        "district_name": ["Huyện A"] * 8 + ["Huyện B"] * 12,
        "poor_rate": np.r_[np.nan, np.linspace(1.234, 25.5, 19)], "near_poor_rate": np.linspace(3, 9, 20)},
        geometry=boxes, crs="EPSG:4326")
    build = lambda **kw: webmap.build_map(gdf, geometry_key=("test-component",), district_outlines=True,  # noqa: E731
                                          asset_urls=assets.static_urls(), **kw).geo_parts
    return build


def _reassemble(args: dict) -> dict:
    """The style as the page gets it back (mapcomponent.join_style, the twin of component.js)."""
    return mapcomponent.join_style(json.loads(args["style"]), json.loads(args["static"]))


def test_the_style_is_put_back_together_exactly(parts):
    p = parts(value_column="poor_rate")
    args = mapcomponent.component_args(p, have=None, height=500, asset_urls=assets.static_urls())
    assert args["geometry"] is not None and args["static"] is not None
    expected = json.loads(webmap._js_json(p.style))
    assert _reassemble(args) == expected
    assert expected["tip"]["value"][0] == "Không có dữ liệu" and expected["cls"][0] == -1
    assert "Xã 0 &lt;b&gt;" in args["static"]  # names stay escaped
    # The unit and the missing text travel once: "|1,23|2,58|..." (percent), not "Không có dữ liệu|1,23%|...".
    assert json.loads(args["style"])["tip"]["valueText"].startswith("|1,23|")
    households = parts(value_column="poor_rate", value_kind="households")
    compact = json.loads(mapcomponent.component_args(households, have=None, height=500,
                                                     asset_urls=assets.static_urls())["style"])["tip"]
    assert compact["valueParts"]["suffix"] == " hộ" and " hộ" not in compact["valueText"]


def test_a_restyle_sends_neither_geometry_nor_the_layers_texts(parts):
    first = parts(value_column="poor_rate")
    gid = mapcomponent.geometry_id(first.geometry)
    sent = mapcomponent.component_args(first, have=None, height=500, asset_urls=assets.static_urls())
    for kw in ({"value_column": "near_poor_rate"}, {"value_column": "poor_rate", "k": 3},
               {"value_column": "poor_rate", "palette": "Blues"}):
        args = mapcomponent.component_args(parts(**kw), have=gid, have_static=sent["sid"], height=500,
                                           asset_urls=assets.static_urls())
        assert args["geometry"] is None and args["districts"] is None and args["static"] is None
        assert args["sid"] == sent["sid"] and args["gid"] == gid
        assert "names" not in json.loads(args["style"])["tip"] and "darcs" not in json.loads(args["style"])
    # Another language changes the texts (the tooltip's "District" label): they are sent again, not the geometry.
    en = mapcomponent.component_args(parts(value_column="poor_rate", lang="en"), have=gid, have_static=sent["sid"],
                                     height=500, asset_urls=assets.static_urls())
    assert en["geometry"] is None and en["static"] is not None and en["sid"] != sent["sid"]
    # A frame that lost everything (have None) gets both.
    again = mapcomponent.component_args(first, have=None, have_static=sent["sid"], height=500,
                                        asset_urls=assets.static_urls())
    assert again["geometry"] is not None and again["static"] is not None


def test_value_texts_with_the_separator_stay_a_list(parts):
    p = parts(value_column="poor_rate")
    style = dict(p.style, tip=dict(p.style["tip"], value=["1|2"] + p.style["tip"]["value"][1:]))
    compact, _fixed = mapcomponent.split_style(style)
    assert "valueText" not in compact["tip"] and compact["tip"]["value"][0] == "1|2"
    odd = dict(p.style, tip=dict(p.style["tip"], value=["n/a"] + p.style["tip"]["value"][1:]))  # no "%" suffix
    compact, _fixed = mapcomponent.split_style(odd)
    assert "valueText" not in compact["tip"] and compact["tip"]["value"][0] == "n/a"
