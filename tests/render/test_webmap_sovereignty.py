"""Hoàng Sa and Trường Sa on the web map: drawn at their islands and labelled with their province (issue 13)."""

from __future__ import annotations

import json

import numpy as np

from geo.render import webmap
from geo.units.tessellation import default_boundaries

LABELS = {"Quần đảo Hoàng Sa (TP. Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"}
EAST = 111.0


def _style(html: str) -> dict:
    start = html.index("var S = ") + len("var S = ")
    return json.loads(html[start:html.index(";\n", start)])


def _features_lon(geometry: dict, code: str) -> np.ndarray:
    """Longitudes of the decoded arcs of one unit at the coarsest level (as the page decodes them)."""
    lv = geometry["levels"][0]
    c = np.cumsum(np.asarray(lv["c"], dtype=np.int64).reshape(-1, 2), axis=0) / lv["q"]
    starts = np.r_[0, np.cumsum(lv["n"])]
    f = geometry["f"]
    i = geometry["codes"].index(code)
    ring0 = int(np.sum(f["pr"][:int(np.sum(f["fp"][:i]))]))
    rings = int(np.sum(f["pr"][int(np.sum(f["fp"][:i])):int(np.sum(f["fp"][:i + 1]))]))
    refs_from = int(np.sum(f["rl"][:ring0]))
    refs = f["r"][refs_from:refs_from + int(np.sum(f["rl"][ring0:ring0 + rings]))]
    arcs = [r if r >= 0 else ~r for r in refs]
    return np.concatenate([c[starts[a]:starts[a + 1], 0] for a in arcs])


def test_national_page_draws_and_labels_both_archipelagos_east_of_111():
    gdf = default_boundaries(province=None, level="district", vintage="pre2025").assign(v=1.0)
    m = webmap.build_map(gdf, value_column="v", geometry_key=("test-sov", "district"))
    html = webmap.to_html(m)  # the standalone export: same payload, offline
    style = _style(html)
    labels = {x["text"]: (x["lon"], x["lat"]) for x in style["sov"]["labels"]}
    assert set(labels) == LABELS
    assert all(lon > EAST for lon, _ in labels.values())
    assert all(t in html for t in LABELS)
    islands = [np.asarray(r).reshape(-1, 2) for r in style["sov"]["islands"]]
    assert len(islands) == 19 and all((r[:, 0] > EAST).all() for r in islands)
    # The units huyện Hoàng Sa (498) and huyện Trường Sa (576) lie on their islands, not on the mainland.
    geometry = webmap.decode_payload(m.geo_parts.geometry.payload)
    for code in ("498", "576"):
        assert (_features_lon(geometry, code) > EAST).all(), code
    assert "GeoMap.sovereignty" in html


def test_da_nang_communes_get_hoang_sa_though_it_has_no_commune():
    gdf = default_boundaries(province="48", level="commune", vintage="pre2025").assign(v=1.0)
    assert (gdf.geometry.bounds["maxx"] < EAST).all()  # huyện Hoàng Sa has no commune: no unit out there
    style = webmap.build_map(gdf, value_column="v", geometry_key=("test-sov", "48")).geo_parts.style
    assert [x["text"] for x in style["sov"]["labels"]] == ["Quần đảo Hoàng Sa (TP. Đà Nẵng)"]
    assert len(style["sov"]["islands"]) == 7
    assert min(min(r[0::2]) for r in style["sov"]["islands"]) > EAST


def test_english_label_and_none_for_other_provinces():
    overlay = webmap.sovereignty_overlay(provinces={"56"}, lang="en")
    assert [x["text"] for x in overlay["labels"]] == ["Trường Sa Islands (Khánh Hòa)"]
    assert webmap.sovereignty_overlay(provinces={"20"}) is None
    gdf = default_boundaries(province="20", level="district", vintage="pre2025").assign(v=1.0)
    assert webmap.build_map(gdf, value_column="v").geo_parts.style["sov"] is None
