"""What the Priority page shows (geo.workflows.priority_view, coverage_view): words, names and dashes, no None."""

from __future__ import annotations

import pandas as pd

from geo.analysis.coverage import coverage
from geo.analysis.rules import ManualDecision
from geo.workflows.priority import coverage_view
from geo.workflows.priority_view import (
    compare_counts,
    compare_table,
    manual_table,
    selected_codes,
    undo_options,
    with_decision,
    without_decision,
)

LABELS = {"06004": "Xã Tân Thanh (Văn Lãng)", "06025": "Xã Hội Hoan (Văn Lãng)"}


def test_manual_table_and_decisions():
    a = ManualDecision(code="06004", action="include", reason="Dự án ODA")
    b = ManualDecision(code="06004", action="exclude", reason="Đã thoát nghèo")
    c = ManualDecision(code="06025", action="include", reason="Bão lũ")
    items = with_decision(with_decision([a], c), b)
    assert items == [c, b]
    assert without_decision(items, "06025") == [b]
    table = manual_table(items, LABELS, lang="vi")
    assert table.to_dict("list") == {"Tên đơn vị": ["Xã Hội Hoan (Văn Lãng)", "Xã Tân Thanh (Văn Lãng)"],
                                     "Quyết định": ["Đưa vào", "Loại ra"], "Lý do": ["Bão lũ", "Đã thoát nghèo"]}
    assert list(manual_table(items, LABELS, lang="en").columns) == ["Unit", "Decision", "Reason"]


def test_undo_options_name_type_and_unit():
    hand = pd.DataFrame({"type": ["border"], "code": ["06004"]})
    assert undo_options(hand, LABELS, lang="vi") == {"border|06004": "Xã biên giới – Xã Tân Thanh (Văn Lãng)"}


def test_compare_table_shows_dashes_not_none():
    diff = pd.DataFrame({
        "code": ["06004", "06025"], "name": ["Tân Thanh", "Hội Hoan"], "change": ["enter", "leave"],
        "change_text": ["vào", "ra"], "tier_a": pd.array([None, 2], dtype="Int64"),
        "tier_b": pd.array([1, None], dtype="Int64"), "rank_a": pd.array([120, 1234], dtype="Int64"),
        "rank_b": pd.array([3, 1500], dtype="Int64"),
    })
    table = compare_table(diff, LABELS, lang="vi")
    assert table.iloc[:, 0].tolist() == ["Xã Tân Thanh (Văn Lãng)", "Xã Hội Hoan (Văn Lãng)"]
    assert table.iloc[:, 2:].values.tolist() == [["–", "1", "120", "3"], ["2", "–", "1.234", "1.500"]]
    assert compare_table(diff, LABELS, lang="en").iloc[1, 4] == "1,234"
    assert compare_counts(diff) == {"n": 2, "enter": 1, "leave": 1}


def test_selected_codes():
    assert selected_codes((["1", "2", "3"], [True, False, True])) == {"1", "3"}
    assert selected_codes(None) == set()


def test_coverage_caption_names_columns_in_words():
    ranked = pd.DataFrame({
        "code": ["1", "2"], "name": ["A", "B"], "district_code": ["10", "10"], "district_name": ["H", "H"],
        "selected": [True, False], "households_2020": [1000.0, 3000.0], "poor_2020": [100.0, 50.0],
        "near_poor_2020": [10.0, 20.0],
    })
    view = coverage_view(coverage(ranked, year="2020"), level="commune", lang="vi")
    assert view.columns == "Cột số liệu dùng: tổng số hộ (2020), số hộ nghèo (2020), số hộ cận nghèo (2020)."
    assert "households_2020" not in view.columns


def test_ranking_view_writes_numbers_in_the_locale_and_dashes():
    from geo.workflows.priority_view import ranking_view

    ranked = pd.DataFrame({
        "rank": [1, 2], "code": ["181", "178"], "name": ["Huyện Bình Gia", "Thành phố Lạng Sơn"],
        "district_name": ["Huyện Bình Gia", "Thành phố Lạng Sơn"], "designations": ["poor_district", None],
        "tier": pd.array([1, None], dtype="Int64"), "tier_label": ["Ưu tiên 1", None], "score": [103.4074, 0.0],
        "selected": [True, False], "reasons": ["Huyện nghèo", ""], "poor_rate_2020": [16.22, 0.18],
        "households_2020": [13406.0, 27964.0],
    })
    view = ranking_view(ranked, lang="vi", indicators=["poor_rate_2020", "households_2020"])
    assert "Huyện" not in view.columns  # district-level: the district is the unit itself
    assert view.values.tolist() == [
        ["1", "181", "Huyện Bình Gia", "16,22", "13.406", "Huyện nghèo", "1", "Ưu tiên 1", "103,4", "Có", "Huyện nghèo"],
        ["2", "178", "Thành phố Lạng Sơn", "0,18", "27.964", "", "–", "–", "0,0", "Không", "–"],
    ]
    assert ranking_view(ranked, lang="en", indicators=["households_2020"]).iloc[1, 3] == "27,964"


def test_designation_lists_name_units_of_another_level():
    from geo.units.designations import builtin_designations
    from geo.workflows.priority import designation_tables

    listed, _ = designation_tables(builtin_designations(province="20", vintage="pre2025"),
                                   {"181": "Huyện Bình Gia (181)"}, lang="vi")
    units = dict(zip(listed["code"], listed["unit"]))
    assert units["181"] == "Huyện Bình Gia (181)"  # the page's own label first
    assert units["06364"] == "Xã Chiến Thắng – Huyện Bắc Sơn (06364)"  # an ATK commune on a district-level page
    assert units["184"] == "Huyện Văn Quan (184)"
