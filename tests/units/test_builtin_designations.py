"""Official designations built in, by code, with sources, periods and vintages, carried onto the 2025 communes."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.units.crosswalk import links
from geo.units import registry
from geo.units.designations import (
    ATK_LANGSON, ATK_LANGSON_1714, POOR_DISTRICTS_LANGSON, builtin_designations, carry_to_2025,
)
from geo.units.tessellation import default_boundaries


@pytest.fixture(scope="module")
def builtin():
    return builtin_designations(province=20, vintage="pre2025")


def test_atk_1714_eight_communes_on_seven_codes_with_successor_notes(builtin):
    names = registry.units(province=20, level="commune").set_index("code")["name"]
    for code, name in ATK_LANGSON.items():
        assert names[code] == name
    qd1714 = [d for d in builtin if "1714/QĐ-TTg" in d.source]
    assert sorted(d.code for d in qd1714) == ["06325", "06343", "06349", "06352", "06361", "06367", "06373"]
    assert {d.source_date for d in qd1714} == {dt.date(2013, 9, 23)}
    notes = {d.code: d.note for d in qd1714}
    assert "xã Bắc Sơn và xã Quỳnh Sơn" in notes["06343"] and "818/NQ-UBTVQH14" in notes["06343"]
    assert "xã Hữu Vĩnh" in notes["06325"] and "818/NQ-UBTVQH14" in notes["06325"]
    assert notes["06373"] == ""
    later = [d for d in builtin if d.type == "atk" and "1714" not in d.source]
    assert sorted(d.code for d in later) == ["06325", "06328", "06358", "06364"]
    assert all("chưa xác nhận" in d.source and "2017" in d.note for d in later)
    assert len(ATK_LANGSON_1714) == 7


def test_eight_plus_four_atk_and_two_poor_districts_flagged_on_default_boundaries(builtin):
    communes = default_boundaries(province=20, level="commune")
    flagged = communes[communes["code"].isin(builtin.codes("atk"))]
    assert sorted(flagged["code"]) == ["06325", "06328", "06343", "06349", "06352", "06358", "06361", "06364",
                                       "06367", "06373"]
    assert set(flagged["district_code"]) == {"185"}
    districts = default_boundaries(province=20, level="district")
    poor = districts[districts["code"].isin(builtin.codes("poor_district"))]
    assert sorted(poor["name"]) == ["Huyện Bình Gia", "Huyện Văn Quan"]
    (bg,) = [d for d in builtin if d.code == "181"]
    assert bg.level == "district" and "353/QĐ-TTg" in bg.source and bg.source_date == dt.date(2022, 3, 15)
    assert (bg.valid_from, bg.valid_to) == (dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    assert builtin.codes("poor_district", on=dt.date(2026, 6, 1)) == set()
    assert set(POOR_DISTRICTS_LANGSON) == {"181", "184"}


def test_carried_onto_the_2025_communes_through_the_crosswalk(builtin):
    new = carry_to_2025(builtin, province="20")
    assert new == carry_to_2025(builtin, province="20", links=links(province="20"))
    assert new == builtin_designations(province=20, vintage="2025")
    assert {d.vintage for d in new} == {"2025"} and {d.level for d in new} == {"commune"}
    atk = {d.code: d for d in new if d.type == "atk"}
    # Old Bắc Sơn ATK communes -> new communes (registry crosswalk, errata applied)
    assert sorted(atk) == ["06325", "06349", "06364", "06367"]
    assert "3/3 xã cũ" in atk["06325"].note and "Thị trấn Bắc Sơn" in atk["06325"].note
    assert "1/2 xã cũ" in atk["06349"].note  # partial: shown, not hidden
    assert all(d.source for d in atk.values())
    poor = {d.code for d in new if d.type == "poor_district"}
    names = registry.units(province=20, level="commune", vintage="2025").set_index("code")["name"]
    assert len(poor) == 14
    assert "06184" not in poor  # Đồng Đăng: the registry's Hồng Phong erratum is not carried
    district_named = {d.code: ("Huyện Bình Gia" in d.note, "Huyện Văn Quan" in d.note)
                      for d in new if d.type == "poor_district"}
    assert sorted(c for c, (binh_gia, _) in district_named.items() if binh_gia) == [
        "06073", "06076", "06079", "06085", "06091", "06103", "06112", "06115"]
    assert sorted(c for c, (_, van_quan) in district_named.items() if van_quan) == [
        "06253", "06280", "06286", "06298", "06313", "06316"]
    communes_2025 = default_boundaries(province=20, level="commune", vintage="2025")
    assert set(poor) | set(atk) <= set(communes_2025["code"])
    assert names["06325"] == "Xã Bắc Sơn"


def test_lagging_is_a_known_designation_type():
    from geo.units.designations import DESIGNATION_TYPES, Designation, designation_label

    assert "lagging" in DESIGNATION_TYPES
    assert designation_label("lagging") == "Đơn vị chậm tiến độ giảm nghèo"
    assert Designation(type="lagging", code="181", level="district").type == "lagging"
