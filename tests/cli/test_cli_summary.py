"""The join command's summary line: catalogue wording, Babel counts, match methods in words."""

from __future__ import annotations

from geo.cli import join_summary

SUMMARY = {"matched": 10035, "unmatched_rows": 2, "unmatched_boundaries": 1250, "ambiguous": 1, "inconsistent": 0}


def test_vietnamese_summary_names_methods_in_words_and_groups_thousands():
    line = join_summary(SUMMARY, {"code": 10034, "name_in_district": 1}, out="a.gpkg", report="a.json", lang="vi")
    assert line == ("Đã ghép 10.035 đơn vị (theo mã: 10.034; đúng tên, trong huyện của mọi dòng khác: 1); "
                    "dòng chưa ghép 2, đơn vị chưa có số liệu 1.250, không rõ ràng 1, số liệu không khớp 0. "
                    "Đã ghi a.gpkg và a.json.")


def test_english_summary():
    line = join_summary(SUMMARY, {"name_short": 3}, out="a.gpkg", report="a.json", lang="en")
    assert line == ("Joined 10,035 units (exact name (type dropped): 3); unmatched rows 2, units without data 1,250, "
                    "ambiguous 1, inconsistent 0. Wrote a.gpkg and a.json.")


def test_no_methods_no_brackets():
    line = join_summary({k: 0 for k in SUMMARY}, {}, out="o", report="r", lang="vi")
    assert line.startswith("Đã ghép 0 đơn vị; dòng chưa ghép 0")
