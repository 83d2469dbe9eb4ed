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
