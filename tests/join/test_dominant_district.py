"""A district office's commune table names no district: a name shared across districts is resolved within the
district of every other row, and only then."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geo.join.match import join_indicators
from geo.units import registry

COLUMNS = {"parent_code": "district_code", "parent_name": "district_name"}
VAN_QUAN = ["TT Văn Quan", "Trấn Ninh", "LIÊN HỘI", "Hòa Bình", "Tú Xuyên", "Điềm He", "An Sơn", "Khánh Khê",
            "Lương Năng", "Bình Phúc", "Tân Đoàn", "Tri Lễ", "Tràng Phái", "Yên Phúc", "Hữu Lễ"]


@pytest.fixture(scope="module")
def communes():
    units = registry.units(province=20, level="commune")
    return gpd.GeoDataFrame(units, geometry=gpd.points_from_xy(units["lon"], units["lat"]), crs=4326)


def _join(communes, names):
    table = pd.DataFrame({"name": names, "poor": range(1, len(names) + 1)})
    return join_indicators(communes, table, level="commune", boundary_columns=COLUMNS)


def test_hoa_binh_in_a_van_quan_table_is_the_van_quan_commune(communes):
    result = _join(communes, VAN_QUAN)
    report = result.report
    assert report.summary()["matched"] == 15
    assert report.ambiguous == []
    (row,) = [m for m in report.matched if m["name"] == "Hòa Bình"]
    assert (row["unit_code"], row["method"]) == ("06274", "name_in_district")
    assert row["district"] == {"code": "184", "name": "Huyện Văn Quan", "rows": 14}
    assert report.by_method == {"name_short": 14, "name_in_district": 1}
    values = result.gdf.set_index("code")["poor"]
    assert values["06274"] == 4  # the fourth row's value, on the Văn Quan commune
    assert values[["06103", "06397", "06508"]].isna().all()  # the other three Hòa Bình communes untouched


def test_rows_from_two_districts_leave_the_name_ambiguous(communes):
    result = _join(communes, ["Trấn Ninh", "Liên Hội", "Tú Xuyên", "Xã Hoa Thám", "Hòa Bình"])
    # Hoa Thám is in Bình Gia: the matched rows do not share one district
    assert result.report.summary()["matched"] == 4
    assert [a["name"] for a in result.report.ambiguous] == ["Hòa Bình"]
    assert "name_in_district" not in result.report.by_method


def test_too_few_rows_decide_nothing(communes):
    result = _join(communes, ["Trấn Ninh", "Liên Hội", "Hòa Bình"])
    assert [a["name"] for a in result.report.ambiguous] == ["Hòa Bình"]
    assert result.report.summary()["matched"] == 2


def test_a_stated_district_is_never_overridden(communes):
    table = pd.DataFrame({"name": VAN_QUAN, "district": ["Văn Quan"] * 3 + ["Bình Gia"] + ["Văn Quan"] * 11,
                          "poor": range(15)})
    result = join_indicators(communes, table, level="commune", boundary_columns=COLUMNS,
                             table_columns={"parent_name": "district"})
    (row,) = [m for m in result.report.matched if m["name"] == "Hòa Bình"]
    assert (row["unit_code"], row["method"]) == ("06103", "name_short")  # Hòa Bình of Bình Gia, as written


def test_boundaries_with_district_names_only_resolve_the_same_way():
    """GADM-like boundaries: no codes, district names written without spaces."""
    units = registry.units(province=20, level="commune")
    gadm = gpd.GeoDataFrame({
        "name": units["short_name"].str.replace(" ", "", regex=False),
        "district": units["district_name"].str.replace("Huyện ", "", regex=False).str.replace(" ", "", regex=False),
    }, geometry=gpd.points_from_xy(units["lon"], units["lat"]), crs=4326)
    table = pd.DataFrame({"name": VAN_QUAN[1:], "poor": range(14)})
    result = join_indicators(gadm, table, level="commune", boundary_columns={"name": "name", "parent_name": "district"})
    (row,) = [m for m in result.report.matched if m["name"] == "Hòa Bình"]
    assert row["method"] == "name_in_district"
    assert row["district"] == {"code": None, "name": "VănQuan", "rows": 13}
    assert result.report.ambiguous == []
