"""Rows of other provinces are set aside before a join; bare names shared with other provinces are flagged.

Tables are illustrative (geo.workflows.samples.sample_commune_table: seeded figures on the registry's communes).
"""

from __future__ import annotations

import pandas as pd

from geo.join.scope import province_scope
from geo.workflows.samples import sample_commune_table


def _rows(*provinces: str, columns=("code", "name")) -> pd.DataFrame:
    table = pd.concat([sample_commune_table(province=p) for p in provinces], ignore_index=True)
    out = table[list(columns)].copy()
    out.insert(0, "source_row", range(2, len(out) + 2))
    return out


def test_codes_tell_the_province_of_every_row():
    data = _rows("04", "20", "01")  # Cao Bằng 161, Lạng Sơn 194, Hà Nội 526 communes
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert len(scope.kept) == 194
    assert scope.kept == list(range(161, 355))
    assert scope.by_province == {"01": 526, "04": 161}
    assert {item["by"] for item in scope.set_aside} == {"code"}
    assert scope.set_aside[0] == {"row": 2, "name": "Phường Sông Hiến", "province": "04", "by": "code"}
    assert scope.flagged == []


def test_district_names_tell_the_province_without_codes():
    data = _rows("04", "20", columns=("name", "district_name")).rename(columns={"district_name": "parent_name"})
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert len(scope.kept) == 194 and scope.by_province == {"04": 161}
    assert {item["by"] for item in scope.set_aside} == {"district"}


def test_a_province_column_decides_before_names():
    data = pd.DataFrame({"name": ["Xã Tân Thành", "Xã Tân Thành", "Xã Mai Pha"],
                         "province_name": ["Tỉnh Tuyên Quang", "Lạng Sơn", "Tỉnh Lạng Sơn"]})
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert scope.kept == [1, 2]
    assert scope.set_aside == [{"row": 1, "name": "Xã Tân Thành", "province": "08", "by": "province"}]  # file row 1


def test_bare_names_of_a_table_of_another_province_are_set_aside_or_flagged():
    """Cao Bằng's communes by name only, on Lạng Sơn: names found only in Cao Bằng or elsewhere are set aside;
    the 16 rows whose names Lạng Sơn also has ("Xã Mông Ân" is 01312 in Cao Bằng and 06106 in Lạng Sơn) are
    flagged, never matched to Lạng Sơn's unit (they were, before: Mông Ân, Khánh Xuân, Tri Phương...)."""
    data = _rows("04", columns=("name",))
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert scope.kept == []
    assert len(scope.set_aside) == 144
    assert [(item["row"], item["name"]) for item in scope.flagged] == [
        (7, "Phường Đề Thám"), (19, "Xã Mông Ân"), (28, "Xã Khánh Xuân"), (34, "Xã Hưng Đạo"), (46, "Xã Yên Sơn"),
        (48, "Xã Thanh Long"), (62, "Xã Tri Phương"), (65, "Xã Quang Trung"), (69, "Thị trấn Trùng Khánh"),
        (93, "Xã Thống Nhất"), (125, "Xã Quang Trung"), (126, "Xã Hưng Đạo"), (142, "Xã Hoa Thám"),
        (148, "Xã Hưng Đạo"), (151, "Xã Kim Đồng"), (152, "Xã Minh Khai"), (156, "Xã Thụy Hùng")]
    mong_an = next(item for item in scope.flagged if item["row"] == 19)
    assert mong_an["provinces"] == ["04"]


def test_a_provincial_table_of_bare_names_is_left_to_the_join():
    data = _rows("20", columns=("name",))
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert scope.kept == list(range(194)) and scope.set_aside == [] and scope.flagged == []


def test_a_few_strays_in_a_provincial_table_do_not_make_it_national():
    # Two rows of Cao Bằng names only (below settings.SCOPE_MIN_OTHER_ROWS): the join reports them as it did.
    data = pd.DataFrame({"name": ["Xã Mai Pha", "Phường Sông Hiến", "Phường Hợp Giang", "Xã Mông Ân"]})
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert scope.kept == [0, 1, 2, 3] and scope.set_aside == [] and scope.flagged == []


def test_district_tables_use_district_codes_and_province_names():
    data = pd.DataFrame({"code": ["178", "040", None], "name": ["Thành phố Lạng Sơn", "Thành phố Cao Bằng",
                                                              "Huyện Hàm Yên"],
                         "parent_name": [None, None, "Tỉnh Tuyên Quang"]})
    scope = province_scope(data, province="20", level="district", vintage="pre2025")
    assert scope.kept == [0]
    assert [(s["row"], s["province"], s["by"]) for s in scope.set_aside] == [(2, "04", "code"), (3, "08", "district")]


def test_a_table_of_the_province_own_codes_is_kept_whole():
    # Codes as a spreadsheet leaves them (leading zero lost) still name the province's communes.
    data = _rows("20")
    data["code"] = data["code"].str.lstrip("0")
    scope = province_scope(data, province="20", level="commune", vintage="pre2025")
    assert scope.kept == list(range(194)) and scope.set_aside == [] and scope.flagged == []
