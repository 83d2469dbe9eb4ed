"""Unit pickers search without diacritics: geo.units.search.match_options on the built-in registry."""

from __future__ import annotations

import pytest

from geo.units import registry
from geo.units.search import match_options


@pytest.fixture(scope="module")
def provinces() -> dict[str, str]:
    p = registry.provinces("pre2025")
    return dict(zip(p["code"], p["name"]))


@pytest.fixture(scope="module")
def communes() -> dict[str, str]:
    u = registry.units(province="20", level="commune", vintage="pre2025")
    return {c: f"{n} – {d}" for c, n, d in zip(u["code"], u["name"], u["district_name"])}


def test_unaccented_province_names_find_the_province(provinces):
    assert match_options("lang son", list(provinces), provinces)[0] == "20"
    assert match_options("thai binh", list(provinces), provinces) == ["34"]
    assert match_options("LẠNG SƠN", list(provinces), provinces) == ["20"]
    assert match_options("tinh lang son", list(provinces), provinces) == ["20"]


def test_a_code_finds_its_unit_first(provinces):
    assert match_options("20", list(provinces), provinces) == ["20"]


def test_thai_binh_ranks_the_commune_named_so_before_the_state_farm_town(communes):
    found = match_options("thai binh", list(communes), communes)
    assert found[:2] == ["06631", "06616"]
    # then, last, a "Thái" commune of a "Bình" district: the typed words split over name and district
    assert [communes[c] for c in found[2:]] == ["Xã Hồng Thái – Huyện Bình Gia"]
    assert match_options("nt thai binh", list(communes), communes) == ["06616"]
    assert match_options("Thái Bình", list(communes), communes)[:2] == ["06631", "06616"]


def test_the_district_in_the_label_narrows_a_shared_name(communes):
    hoa_binh = [communes[c] for c in match_options("hoa binh", list(communes), communes)]
    assert sorted(hoa_binh[:4]) == ["Xã Hòa Bình – Huyện Bình Gia", "Xã Hòa Bình – Huyện Chi Lăng",
                                    "Xã Hòa Bình – Huyện Hữu Lũng", "Xã Hòa Bình – Huyện Văn Quan"]
    assert all(label.endswith("Huyện Bình Gia") for label in hoa_binh[4:])
    in_binh_gia = match_options("hoa binh binh gia", list(communes), communes)
    assert [communes[c] for c in in_binh_gia] == ["Xã Hòa Bình – Huyện Bình Gia"]
    assert match_options("hoa binh chi lang", list(communes), communes) == ["06508"]


def test_short_queries_match_word_starts_only(provinces):
    found = [provinces[c] for c in match_options("ha", list(provinces), provinces)]
    assert "Tỉnh Lai Châu" not in found
    assert found[:2] == ["Thành phố Hà Nội", "Tỉnh Hà Giang"]


def test_empty_query_keeps_every_option_in_order_and_empty_options_never_match():
    assert match_options("", ["", "a", "b"], {"a": "Xã A"}) == ["", "a", "b"]
    assert match_options("xa a", ["", "a"], {"": "Giữ nguyên", "a": "Xã A"}) == ["a"]


def test_equal_answers_keep_the_callers_order():
    labels = {"2": "Xã Tân Thành (gợi ý)", "1": "Xã Tân Thành – Huyện Hữu Lũng"}
    assert match_options("tan thanh", ["2", "1"], labels) == ["2", "1"]
    assert match_options("tan thanh", ["1", "2"], labels) == ["1", "2"]
