"""A table of several provinces on one province's layer: other provinces' rows set aside, bare names flagged.

The tables are illustrative (geo.workflows.samples.sample_commune_table: seeded figures on the registry's
communes, pre-2025 codes), written as a planner's file and read by the one safe reader.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.io.tables import read_indicators
from geo.units import registry
from geo.workflows.layer import build_layer
from geo.workflows.samples import sample_commune_table
from tests.test_cli_join import join

HEADERS = {"code": "Mã xã", "name": "Tên đơn vị", "district_name": "Huyện", "province_name": "Tỉnh",
           "households": "Tổng số hộ", "poor": "Số hộ nghèo"}


def _table(*provinces: str) -> pd.DataFrame:
    names = dict(zip(*registry.provinces()[["code", "name"]].to_dict("list").values()))
    parts = [sample_commune_table(province=p).assign(province_name=names[p]) for p in provinces]
    return pd.concat(parts, ignore_index=True)


def _csv(frame: pd.DataFrame, columns) -> bytes:
    return frame[list(columns)].rename(columns=HEADERS).to_csv(index=False).encode("utf-8")


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return _table(*registry.provinces()["code"])


@pytest.fixture(scope="module")
def national_csv(national, tmp_path_factory):
    path = tmp_path_factory.mktemp("toan_quoc") / "xa_toan_quoc.csv"
    path.write_bytes(_csv(national, ("code", "name", "district_name", "province_name", "households", "poor")))
    return path


def test_national_table_on_langson_sets_aside_the_other_provinces(national, national_csv):
    table = read_indicators(national_csv.read_bytes(), name=national_csv.name)
    assert len(table.data) == 10_035 and "province_name" in table.data
    layer = build_layer(table=table, province="20", level="commune")
    scope = layer.build.scope
    assert (len(scope.kept), len(scope.set_aside), scope.flagged) == (194, 9_841, [])
    assert len(scope.by_province) == 62 and scope.by_province["01"] == 526 and scope.by_province["04"] == 161
    assert layer.report.summary()["matched"] == 194 and layer.report.by_method == {"code": 194}
    assert layer.report.summary()["unmatched_rows"] == 0  # no row of another province offered for a hand match
    ls = national[national["code"].str.startswith("0")].set_index("code")  # every commune code is 5 digits
    gdf = layer.gdf.set_index("code")
    assert gdf.loc["06106", "households"] == ls.loc["06106", "households"]  # Lạng Sơn's Mông Ân, its own row
    assert gdf["households"].notna().sum() == 194
    first = layer.build.warnings("vi")[0]
    assert first.startswith("9.841 dòng của bảng thuộc tỉnh khác nên đã để riêng, không ghép vào Tỉnh Lạng Sơn "
                            "(62 tỉnh: Tỉnh Thanh Hóa 547; Thành phố Hà Nội 526; Tỉnh Nghệ An 412;")
    assert first.endswith("Còn 194 dòng của Tỉnh Lạng Sơn được ghép. Muốn dùng cả bảng, chọn Toàn quốc trên trang Bản đồ.")
    assert layer.build.warnings("vi", front="cli")[0].endswith(
        "Còn 194 dòng của Tỉnh Lạng Sơn được ghép. Muốn ghép các dòng của tỉnh khác, chạy lại lệnh với --province là "
        "mã tỉnh đó, hoặc mở ứng dụng và chọn Toàn quốc trên trang Bản đồ.")
    assert layer.to_dict()["scope"]["set_aside"] == 9_841


def test_national_table_on_the_whole_country_joins_every_row(national_csv):
    table = read_indicators(national_csv.read_bytes(), name=national_csv.name)
    layer = build_layer(table=table, province=None, level="commune")
    assert layer.build.scope is None
    assert layer.report.summary()["matched"] == 10_035 and layer.report.summary()["unmatched_rows"] == 0


def test_codes_and_names_of_two_provinces_no_longer_give_langson_cao_bang_figures():
    """Before: Cao Bằng's row "01312 Xã Mông Ân" (code not on the layer) fell to the name tiers and took Lạng
    Sơn's 06106 Xã Mông Ân (11 such units), and Lạng Sơn's own rows were marked duplicates."""
    both = _table("04", "20")
    layer = build_layer(table=both[["code", "name", "households", "poor"]], province="20", level="commune")
    assert layer.report.by_method == {"code": 194}
    assert layer.report.summary()["duplicates"] == 0
    assert layer.build.scope.by_province == {"04": 161}
    own = both.set_index("code")
    gdf = layer.gdf.set_index("code")
    for code in ("06106", "06544", "06016"):  # Mông Ân, Khánh Xuân, Tri Phương
        assert gdf.loc[code, "households"] == own.loc[code, "households"]
    assert layer.build.warnings("en")[0].startswith(
        "161 rows of the table belong to other provinces and were set aside, not joined to Tỉnh Lạng Sơn "
        "(1 provinces: Tỉnh Cao Bằng 161).")


def test_a_names_only_table_of_cao_bang_matches_nothing_of_langson_and_says_which_rows():
    cb = _table("04")
    table = read_indicators(_csv(cb, ("name", "households", "poor")), name="ten_xa_cao_bang.csv")
    layer = build_layer(table=table, province="20", level="commune")
    assert layer.gdf["households"].notna().sum() == 0  # before: 9 Lạng Sơn communes took Cao Bằng figures
    assert layer.report.summary()["matched"] == 0
    scope = layer.build.scope
    assert (len(scope.set_aside), len(scope.flagged)) == (144, 17)
    flagged = layer.build.warnings("vi")[1]
    assert flagged.startswith("17 dòng chỉ có tên xã (không có mã xã, huyện, tỉnh) mà tên đó có ở cả Tỉnh Lạng "
                              "Sơn và tỉnh khác, nên chưa ghép để tránh nhầm: dòng 7 (Phường Đề Thám, cũng có ở Tỉnh "
                              "Cao Bằng, Tỉnh Thái Bình); dòng 19 (Xã Mông Ân, cũng có ở Tỉnh Cao Bằng);")


def test_names_with_their_district_and_province_match_within_the_parent():
    """A national table of names with district and province columns (no codes): Lạng Sơn's three "Xã Tân Thành"
    go to their own districts' units; the 31 other provinces' Tân Thành rows are set aside."""
    nat = _table("02", "08", "19", "20")
    table = read_indicators(_csv(nat, ("name", "district_name", "province_name", "households", "poor")),
                            name="ten_xa_4_tinh.csv")
    assert list(table.data.columns[:4]) == ["source_row", "name", "province_name", "parent_name"]
    layer = build_layer(table=table, province="20", level="commune")
    assert layer.report.summary()["matched"] == 194 and layer.report.summary()["unmatched_rows"] == 0
    assert set(layer.report.by_method) == {"name_exact"}
    own = nat[nat["name"] == "Xã Tân Thành"].set_index("code")
    gdf = layer.gdf.set_index("code")
    assert sorted(own.index[own.index.str.startswith("06")]) == ["06250", "06379", "06442"]
    for code in ("06250", "06379", "06442"):
        assert gdf.loc[code, "households"] == own.loc[code, "households"]
    assert {item["by"] for item in layer.build.scope.set_aside} == {"province"}


def test_cli_join_takes_the_same_path(national_csv, tmp_path):
    proc, out, report = join(tmp_path, "default", national_csv, "--province", "20", "--level", "commune")
    assert proc.returncode == 0, proc.stderr
    assert "9.841 dòng của bảng thuộc tỉnh khác nên đã để riêng" in proc.stderr
    assert "chạy lại lệnh với --province là mã tỉnh đó" in proc.stderr  # a command's advice, not only the app's
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["scope"]["set_aside"] == 9_841 and data["scope"]["kept"] == 194
    assert data["summary"]["matched"] == 194 and data["summary"]["unmatched_rows"] == 0


def test_same_district_and_commune_names_in_two_provinces_on_the_whole_country():
    """"Thị trấn An Lão, Huyện An Lão" is 11629 in Hải Phòng and 21609 in Bình Định; "Xã Tân Phú, Huyện Châu
    Thành" is a commune of several provinces. With the province column each row goes to its own province's unit
    (before: one duplicate unit, so neither had data)."""
    table = pd.DataFrame({
        "name": ["Thị trấn An Lão", "Thị trấn An Lão", "Xã Tân Phú", "Xã Mai Pha"],
        "parent_name": ["Huyện An Lão", "Huyện An Lão", "Huyện Châu Thành", "Thành phố Lạng Sơn"],
        "province_name": ["Thành phố Hải Phòng", "Tỉnh Bình Định", "Tỉnh Bến Tre", "Tỉnh Lạng Sơn"],
        "households": [1000.0, 2000.0, 3000.0, 4000.0]})
    layer = build_layer(table=table, province=None, level="commune")
    assert layer.build.checks.conflicts == []
    assert layer.report.summary()["matched"] == 4
    values = layer.gdf.set_index("code")["households"]
    assert (values["11629"], values["21609"], values["28840"], values["05992"]) == (1000.0, 2000.0, 3000.0, 4000.0)
