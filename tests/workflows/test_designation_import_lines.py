"""A border list typed by an office (ILLUSTRATIVE rows, real Lạng Sơn names and codes): prefixes, a typo, a former
name, a commune listed twice and a commune of another province; and a list of codes Excel stored as numbers."""

from __future__ import annotations

import pandas as pd

from geo.join.designations import match_designations
from geo.units import registry
from geo.workflows.priority import import_report_lines, import_report_tables, unit_labels

ROWS = [("X. Đội Cấn", "Tràng Định"), ("TT. Đồng Đăng", "Cao Lộc"), ("Xã Quốc Khanh", "Tràng Định"),
        ("Xã Thuỵ Hùng", "Văn Lãng"), ("Xã Tân Thanh", "H. Văn Lãng"), ("Xã Tân Thanh", "Huyện Văn Lãng"),
        ("Xã Tân Việt", "Văn Lãng"), ("Xã Đàm Thủy", "Trùng Khánh"), ("Xã Mẫu Sơn", "Lộc Bình"),
        ("xa tam gia", "loc binh")]


def _labels():
    return unit_labels(registry.units(province="20", level="commune", vintage="pre2025"))


def test_names_with_prefixes_typos_repeats_and_another_province():
    table = pd.DataFrame(ROWS, columns=["Tên xã", "Huyện"])
    found, report = match_designations(table, type="border", province="20")
    assert sorted(found.codes("border")) == ["06004", "06025", "06136", "06166", "06184", "06532", "06559"]
    assert [(r["row"], r.get("district_unknown", False)) for r in report.unmatched] == [(8, False), (9, True)]
    assert [(r["row"], r["code"], r["duplicate_of_row"]) for r in report.duplicates] == [(7, "06166", 6)]
    lines = import_report_lines(report, _labels(), lang="vi")
    assert lines == [
        "Dòng 8 'Xã Tân Việt' (huyện Văn Lãng): không tìm thấy đơn vị này, không gắn diện; gần giống: "
        "Xã Hoàng Việt – Huyện Văn Lãng (06157); Xã Bắc Việt – Huyện Văn Lãng (06154). "
        "Sửa tên (có thể là tên cũ) hoặc ghi mã xã.",
        "Dòng 9 'Xã Đàm Thủy': huyện 'Trùng Khánh' không thuộc tỉnh đã chọn (xã của tỉnh khác?), không gắn diện.",
        "Dòng 7 'Xã Tân Thanh' lặp lại dòng 6 (Xã Tân Thanh – Huyện Văn Lãng (06166)): chỉ gắn diện một lần.",
    ]
    tables = import_report_tables(report, _labels(), lang="vi")
    assert tables["duplicates"].to_dict("records") == [{"row": 7, "type": "Xã biên giới", "name": "Xã Tân Thanh",
                                                        "unit": "Xã Tân Thanh – Huyện Văn Lãng (06166)",
                                                        "duplicate_of_row": 6}]
    matched = tables["matched"].set_index("row")
    assert list(matched.loc[[2, 4, 5], "method"]) == ["đúng tên (bỏ loại đơn vị)", "tên không dấu", "đúng tên"]
    assert set(matched["type"]) == {"Xã biên giới"}
    assert list(tables["unmatched"]["suggestions"]) == [
        "Xã Hoàng Việt – Huyện Văn Lãng (06157); Xã Bắc Việt – Huyện Văn Lãng (06154)",
        "Huyện 'Trùng Khánh' không thuộc tỉnh đã chọn (xã của tỉnh khác?)"]


def test_codes_written_as_numbers_keep_their_leading_zero():
    table = pd.DataFrame({"Mã xã": [6025, 6004, 6184, 5974, 6619]})
    found, report = match_designations(table, type="border", province="20")
    assert sorted(found.codes("border")) == ["05974", "06004", "06025", "06184", "06619"]
    assert report.unmatched == [] and report.duplicates == []
