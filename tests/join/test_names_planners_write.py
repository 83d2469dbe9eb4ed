"""Names planners really write: abbreviations, numbered wards, suggestions that are never applied."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geo.join.match import join_indicators
from geo.text.names import fold_key, strip_type, unit_type_of
from geo.units import registry


@pytest.mark.parametrize(("written", "kind", "short"), [
    ("THỊ TRẤN NT THÁI BÌNH", "Thị trấn", "Nông trường THÁI BÌNH"),
    ("TT. Bắc Sơn", "Thị trấn", "Bắc Sơn"),
    ("TT Bắc Sơn", "Thị trấn", "Bắc Sơn"),
    ("TX Cao Bằng", "Thị xã", "Cao Bằng"),
    ("TP Lạng Sơn", "Thành phố", "Lạng Sơn"),
    ("P. Hoàng Văn Thụ", "Phường", "Hoàng Văn Thụ"),
    ("X. Hòa Bình", "Xã", "Hòa Bình"),
    ("H. Tràng Định", "Huyện", "Tràng Định"),
    ("P.01", "Phường", "Phường 1"),
    ("P1", "Phường", "Phường 1"),
    ("Phường 01", "Phường", "Phường 1"),
])
def test_abbreviations(written, kind, short):
    assert unit_type_of(written) == kind
    assert strip_type(written) == short


def test_numbered_wards_fold_alike():
    assert fold_key("Phường 1") == fold_key("P.01") == fold_key("P1") == "phuong1"
    assert fold_key("Phường 1") != fold_key("Phường 11")


@pytest.fixture(scope="module")
def communes():
    units = registry.units(province=20, level="commune")
    return gpd.GeoDataFrame(units, geometry=gpd.points_from_xy(units["lon"], units["lat"]), crs=4326)


COLUMNS = {"parent_code": "district_code", "parent_name": "district_name"}


def test_nong_truong_thai_binh_matches_06616(communes):
    table = pd.DataFrame({"name": ["Xã Thái Bình", "THỊ TRẤN NT THÁI BÌNH"], "parent_name": ["H. Đình Lập"] * 2,
                          "poor": [1, 2]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COLUMNS)
    assert [(m["unit_code"], m["method"]) for m in result.report.matched] == [("06631", "name_exact"),
                                                                               ("06616", "name_short")]
    assert result.gdf.set_index("code").at["06616", "poor"] == 2


def test_suggestions_rank_free_units_first_and_are_never_applied(communes):
    # "Thai Binh Moi" does not exist: the matched "Xã Thái Bình" must not come before a free unit.
    table = pd.DataFrame({"name": ["Xã Thái Bình", "Xã Thai Binh Moi"], "parent_name": ["Huyện Đình Lập"] * 2,
                          "poor": [1, 2]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COLUMNS)
    (unmatched,) = result.report.unmatched_rows
    suggestions = unmatched["suggestions"]
    assert suggestions, "expected fuzzy suggestions"
    free = [s["free"] for s in suggestions]
    assert free == sorted(free, reverse=True)  # every free unit before any matched one
    assert result.gdf["poor"].notna().sum() == 1  # the suggestion was not applied
