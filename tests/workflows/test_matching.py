"""The choices offered for rows the join could not place (geo.workflows.matching)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo.workflows.matching import RowChoice, file_row, filter_options, row_choices, unit_labels


@dataclass
class _Report:
    unmatched_rows: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)


UNITS = pd.DataFrame({"code": ["06250", "06253", "06256"], "name": ["Xã Tân Thanh", "Xã Thái Bình", "Xã Hoàng Việt"],
                      "district_name": ["Văn Lãng", "Đình Lập", "Văn Lãng"]})


def test_labels_carry_the_district_for_communes_only():
    assert unit_labels(UNITS, level="commune")["06253"] == "Xã Thái Bình – Đình Lập"
    assert unit_labels(UNITS, level="district")["06253"] == "Xã Thái Bình"


def test_suggestions_and_candidates_come_first_then_every_other_unit():
    report = _Report(unmatched_rows=[{"row": 7, "name": "Tan Thanh", "suggestions": [{"code": "06250"}, {}]}],
                     ambiguous=[{"row": 9, "name": "Thái Bình", "candidates": [{"code": "06253"}]}])
    data = pd.DataFrame({"source_row": [5, 7, 9]})
    got = row_choices(report, data, unit_labels(UNITS, level="commune"))
    assert got == [
        RowChoice(kind="unmatched", index=1, row=7, name="Tan Thanh", options=["", "06250", "06253", "06256"],
                  proposals=["06250"]),
        RowChoice(kind="ambiguous", index=2, row=9, name="Thái Bình", options=["", "06253", "06250", "06256"],
                  proposals=["06253"]),
    ]


def test_search_ignores_diacritics_and_keeps_the_none_choice():
    labels = unit_labels(UNITS, level="commune")
    assert filter_options(["", "06250", "06253", "06256"], labels, "van lang") == ["", "06250", "06256"]
    assert filter_options(["", "06250"], labels, "") == ["", "06250"]
    assert filter_options(["", "06250"], labels, "  ") == ["", "06250"]


def test_file_row_of_a_table_index():
    assert file_row(pd.DataFrame({"source_row": [5, 7]}), 1) == 7
    assert file_row(pd.DataFrame({"v": [1, 2]}), 1) == 2
    assert file_row(pd.DataFrame({"v": [1, 2]}), 5) == 5
