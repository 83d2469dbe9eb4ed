"""Designations by code: the built-in ATK list, imported lists by names within districts, hand tags."""

import datetime as dt

import pandas as pd
import pytest

from geo.units import registry
from geo._errors import GeoError
from geo.units.designations import ATK_LANGSON_2021, Designation, DesignationSet, builtin_designations
from geo.join.designations import match_designations, read_designations


@pytest.fixture(scope="module")
def communes():
    return registry.units(province=20, level="commune", vintage="pre2025")


def test_builtin_atk_codes_are_the_bac_son_units_by_name(communes):
    by_code = communes.set_index("code")
    for code, name in ATK_LANGSON_2021.items():
        assert by_code.at[code, "name"] == name
        assert by_code.at[code, "district_code"] == "185"
    # The Chi Lăng "Xã Chiến Thắng" is a different commune and is not ATK.
    chien_thang = communes[communes["name"] == "Xã Chiến Thắng"].set_index("code")["district_code"].to_dict()
    assert chien_thang == {"06364": "185", "06481": "187"}
    assert "06481" not in ATK_LANGSON_2021


def test_builtin_atk_flags_the_later_four_bac_son_communes_on_registry_units(communes):
    atk = builtin_designations(province=20, vintage="pre2025").filter(type="atk", on=dt.date(2021, 3, 1))
    later = [d for d in atk if d.source_date == dt.date(2021, 2, 25)]
    flagged = communes[communes["code"].isin({d.code for d in later})]
    assert sorted(flagged["code"]) == ["06325", "06328", "06358", "06364"]
    assert set(flagged["district_code"]) == {"185"}
    assert sorted(flagged["name"]) == ["Thị trấn Bắc Sơn", "Xã Chiêu Vũ", "Xã Chiến Thắng", "Xã Long Đống"]
    assert all(d.origin == "builtin" and "ATK" in d.source and "chưa xác nhận" in d.source for d in later)


def test_no_builtin_lists_elsewhere():
    assert len(builtin_designations(province=1)) == 0
    assert len(builtin_designations(province=1, vintage="2025")) == 0


def test_list_by_names_and_districts_resolves_to_codes_with_a_report():
    table = pd.DataFrame({
        "Tên xã": ["Hòa Bình", "Hoà Bình", "Chiến Thắng", "Chiếm Thắg", "Xã Vân Nham", "Hòa Bình"],
        "Huyện": ["Chi Lăng", "H. Văn Quan", "Bắc Sơn", "Chi Lăng", "Hữu Lũng", ""],
    })
    found, report = match_designations(table, type="border", province=20, source="Danh sách thử")
    assert [d.code for d in found] == ["06508", "06274", "06364", "06433"]
    assert {d.type for d in found} == {"border"} and {d.origin for d in found} == {"imported"}
    assert report.summary() == {"matched": 4, "unmatched": 1, "ambiguous": 1, "duplicates": 0, "skipped": 0}
    (miss,) = report.unmatched
    assert miss["row"] == 5 and miss["suggestions"][0]["code"] == "06481"  # Chiến Thắng of Chi Lăng
    (amb,) = report.ambiguous
    assert amb["row"] == 7
    assert sorted(c["code"] for c in amb["candidates"]) == ["06103", "06274", "06397", "06508"]


def test_list_by_code_keeps_leading_zeros_and_type_column(tmp_path):
    path = tmp_path / "dien.csv"
    path.write_text("Mã xã,Loại,Ghi chú\n6364,border,a\n06103,zone_iii,\n6364,zone_iii,\n", encoding="utf-8-sig")
    found, report = read_designations(path, province=20)
    assert [(d.type, d.code) for d in found] == [("border", "06364"), ("zone_iii", "06103"), ("zone_iii", "06364")]
    assert found.items[0].note == "a" and found.items[0].source == "dien.csv"
    assert report.summary()["matched"] == 3 and not report.duplicates


def test_import_without_a_type_is_refused(tmp_path):
    path = tmp_path / "dien.csv"
    path.write_text("Tên xã,Huyện\nHòa Bình,Chi Lăng\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        read_designations(path, province=20)
    assert err.value.code == "designation_type_missing" and "dien.csv" in err.value.message("vi")


def test_hand_untag_of_an_imported_designation_is_an_override_that_can_be_undone():
    base = DesignationSet((Designation(type="border", code="06508", origin="imported", source="QĐ thử"),))
    off = base.untag("06508", "border", note="Đã rà soát lại: không giáp biên")
    assert off.codes("border") == set()
    assert len(off) == 2 and off.overrides()[0].note == "Đã rà soát lại: không giáp biên"
    assert [d.origin for d in off.by_code("6508")] == ["imported", "manual"]
    assert off.undo("06508", "border") == base
    tagged = base.tag("06103", "border", note="Bổ sung theo đề nghị của huyện")
    assert tagged.codes("border") == {"06508", "06103"}
    assert tagged.untag("06103", "border", note="nhầm") == base  # a hand tag is simply withdrawn
    assert tagged.filter(origin="manual").items[0].code == "06103"
    with pytest.raises(GeoError):
        base.tag("06103", "border", note="")


def test_periods_and_frame_round_trip():
    s = DesignationSet((
        Designation(type="zone_iii", code="6103", origin="imported", valid_from="2021-06-04", valid_to="2025-12-31",
                    source="861/QĐ-TTg", source_date="04/06/2021"),
        Designation(type="ntm_2021", code="06274", note="nhãn riêng"),
    ))
    assert s.codes("zone_iii") == {"06103"}
    assert s.types_by_code(on=dt.date(2020, 1, 1)) == {"06274": {"ntm_2021"}}
    assert s.items[0].source_date == dt.date(2021, 6, 4)
    frame = s.to_frame()
    assert frame.loc[0, "valid_from"] == "2021-06-04" and frame.loc[1, "valid_to"] is None
    assert DesignationSet.from_frame(frame) == s
    with pytest.raises(GeoError):
        Designation(type="xã biên giới!", code="06103")
    with pytest.raises(GeoError):
        Designation(type="border", code="abc")
