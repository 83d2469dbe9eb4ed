"""Tests for geo.io.tables: planners' indicator tables, read as typed.

The main fixture is the annex of Kế hoạch 78/KH-UBND of the Lạng Sơn People's
Committee (05/4/2021), "Kết quả rà soát hộ nghèo, cận nghèo năm 2020 và dự
kiến giảm tỷ lệ hộ nghèo, hộ cận nghèo năm 2021": its figures are typed in
below from the published plan (../shared/seeds/003_*.txt, lines 380-821), a
public administrative document. Every file is generated into tmp_path.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from geo._errors import GeoError
from geo.io.tables import IDENTITY_COLUMNS, MAX_FILE_BYTES, IndicatorTable, read_indicators

# --------------------------------------------------------------------------
# Seed 003 annex (Kế hoạch 78/KH-UBND, Lạng Sơn, 2021), numbers as typed there.
# --------------------------------------------------------------------------
TITLE = [
    "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, CẬN NGHÈO NĂM 2020 VÀ DỰ KIẾN GIẢM TỶ LỆ HỘ NGHÈO, "
    "HỘ CẬN NGHÈO NĂM 2021 (Theo chuẩn nghèo giai đoạn 2016-2020)",
    "(Kèm theo Kế hoạch số: /KH-UBND ngày /4/2021 của UBND tỉnh Lạng Sơn)",
]
# Columns: TT, Đơn vị, then 5 columns for 2020 and 9 for 2021.
HEADER_1 = ["TT", "Đơn vị", "NĂM 2020", None, None, None, None, "NĂM 2021 (Dự kiến)"] + [None] * 8
HEADER_2 = [
    None, None, "Tổng số hộ dân cư cuối năm 2020", "Hộ nghèo", None, "Hộ cận nghèo", None,
    "Tổng số hộ dân cư cuối năm 2021", "Hộ nghèo", None, None, None, "Hộ cận nghèo", None, None, None,
]
HEADER_3 = [
    None, None, None, "Số hộ", "Tỷ lệ", "Số hộ", "Tỷ lệ", None,
    "Số hộ giảm", "Số hộ", "Tỷ lệ", "Tỷ lệ giảm", "Số hộ giảm", "Số hộ", "Tỷ lệ", "Tỷ lệ giảm",
]
# Merged header cells of the annex, as (first row, first col, last row, last col) within the header, 1-based.
HEADER_MERGES = [(1, 1, 3, 1), (1, 2, 3, 2), (1, 3, 1, 7), (1, 8, 1, 16), (2, 3, 3, 3), (2, 4, 2, 5),
                 (2, 6, 2, 7), (2, 8, 3, 8), (2, 9, 2, 12), (2, 13, 2, 16)]
ROWS = [
    ["1", "Thành phố", "27.964", "50", "0,18", "52", "0,19", "27.964", "8", "43", "0,15", "0,03", "5", "47", "0,17", "0,02"],
    ["2", "Tràng Định", "16.718", "1.423", "8,51", "1.438", "8,60", "16.718", "356", "1.067", "6,38", "2,13", "144", "1.294", "7,74", "0,86"],
    ["3", "Bình Gia", "13.406", "2.174", "16,22", "2.831", "21,12", "13.406", "544", "1.631", "12,16", "4,05", "297", "2.534", "18,90", "2,22"],
    ["4", "Văn Lãng", "13.909", "1.080", "7,76", "1.106", "7,95", "13.909", "270", "810", "5,82", "1,94", "116", "990", "7,12", "0,83"],
    ["5", "Cao Lộc", "19.955", "1.326", "6,64", "1.586", "7,95", "19.955", "332", "995", "4,98", "1,66", "167", "1.419", "7,11", "0,83"],
    ["6", "Văn Quan", "13.850", "1.671", "12,06", "3.640", "26,28", "13.850", "468", "1.203", "8,69", "3,38", "382", "3.258", "23,52", "2,76"],
    ["7", "Bắc Sơn", "17.810", "1.589", "8,92", "1.299", "7,29", "17.810", "397", "1.192", "6,69", "2,23", "136", "1.163", "6,53", "0,77"],
    ["8", "Hữu Lũng", "32.061", "2.102", "6,56", "2.292", "7,15", "32.061", "526", "1.577", "4,92", "1,64", "241", "2.051", "6,40", "0,75"],
    ["9", "Chi Lăng", "19.497", "1.243", "6,38", "1.673", "8,58", "19.497", "311", "932", "4,78", "1,59", "176", "1.497", "7,68", "0,90"],
    ["10", "Lộc Bình", "21.842", "2.537", "11,62", "1.985", "9,09", "21.842", "634", "1.903", "8,71", "2,90", "208", "1.777", "8,13", "0,95"],
    ["11", "Đình Lập", "7.503", "920", "12,26", "1.057", "14,09", "7.503", "258", "662", "8,83", "3,43", "111", "946", "12,61", "1,48"],
]
TOTAL = [
    None, "Cộng", "204.515", "16.115", "7,88", "18.959", "9,27",
    "204.515", "4.101", "12.014", "5,87", "2,01", "1.983", "16.976", "8,30", "0,97",
]
FOOTNOTE = ("1 Kế hoạch số 43/KH-UBND ngày 17/02/2021 của UBND tỉnh vè thực hiện Nghị quyết số 13-NQ/TU, "
            "ngày 21/01/2021 của Ban Thường vụ Tỉnh ủy.")
# Names without diacritics, as often typed in CSV exports.
ASCII_NAMES = ["TP Lang Son", "H. Trang Dinh", "H. Binh Gia", "H. Van Lang", "H. Cao Loc", "H. Van Quan",
               "H. Bac Son", "H. Huu Lung", "H. Chi Lang", "H. Loc Binh", "H. Dinh Lap"]
WIDTH = len(HEADER_1)
POOR_2020_TOTAL = 16115

EXPECTED_COLUMNS = [
    "households_2020", "poor_2020", "poor_rate_2020", "near_poor_2020", "near_poor_rate_2020",
    "households_2021", "poor_reduced_2021", "poor_2021", "poor_rate_2021", "poor_rate_reduced_2021",
    "near_poor_reduced_2021", "near_poor_2021", "near_poor_rate_2021", "near_poor_rate_reduced_2021",
]


def annex_rows(names: list[str] | None = None) -> list[list[object]]:
    """The annex as a list of rows: 2 title lines, 3 header rows, 11 units, total, footnote."""
    body = [r[:] for r in ROWS]
    if names:
        for row, name in zip(body, names):
            row[1] = name
    return [[TITLE[0]], [TITLE[1]], HEADER_1, HEADER_2, HEADER_3, *body, TOTAL, [FOOTNOTE]]


def write_annex_xlsx(path: Path) -> Path:
    """The annex as planners' Excel: merged titles, merged 3-row header, numbers as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    for row in annex_rows():
        ws.append(row)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=WIDTH)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=WIDTH)
    for r1, c1, r2, c2 in HEADER_MERGES:
        ws.merge_cells(start_row=r1 + 2, start_column=c1, end_row=r2 + 2, end_column=c2)
    last = 2 + 3 + len(ROWS) + 2
    ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=WIDTH)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], *, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)
    return path


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese Excel writes it: base letters plus combining tone marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base.encode("cp1258") + "".join(p for p in parts if p in tones).encode("cp1258"))
    return b"".join(out)


def assert_annex(table: IndicatorTable, *, first_data_row: int = 6, header_rows: tuple = (3, 4, 5)) -> None:
    df = table.data
    assert len(df) == 11
    assert table.years == [2020, 2021]
    assert table.indicators == EXPECTED_COLUMNS
    assert df["poor_2020"].sum() == POOR_2020_TOTAL
    assert df["households_2020"].iloc[0] == 27964
    assert df["poor_rate_2020"].iloc[2] == 16.22
    assert df["poor_2020"].iloc[1] == 1423
    assert df["near_poor_rate_reduced_2021"].iloc[10] == 1.48
    assert df["source_row"].tolist() == list(range(first_data_row, first_data_row + 11))
    assert table.header_rows == list(header_rows)
    total_row = first_data_row + 11
    assert (total_row, "total") in table.skipped
    assert (total_row + 1, "note") in table.skipped
    assert [r for r, why in table.skipped if why == "title"] == [1, 2]
    assert "TT" not in table.columns.values()
    assert not [w for w in table.warnings if w.code == "bad_number"]
    # The published annex itself does not add up in two 2021 columns (units sum to 4104 and
    # 12015, the "Cộng" row says 4.101 and 12.014): the reader must say so, with row and column.
    mismatches = {(w.row, w.column, w.detail) for w in table.warnings if w.code == "total_mismatch"}
    assert mismatches == {
        (total_row, "NĂM 2021 (Dự kiến) | Hộ nghèo | Số hộ giảm", "4101 ≠ 4104"),
        (total_row, "NĂM 2021 (Dự kiến) | Hộ nghèo | Số hộ", "12014 ≠ 12015"),
    }


# --------------------------------------------------------------------------
# The annex
# --------------------------------------------------------------------------
def test_annex_xlsx_merged_header(tmp_path):
    table = read_indicators(write_annex_xlsx(tmp_path / "phu_luc_78.xlsx"))
    assert_annex(table)
    df = table.data
    assert table.source == "phu_luc_78.xlsx"
    assert table.sheet == "Phụ lục"
    assert df.loc[df["name"] == "Bình Gia", "poor_rate_2020"].item() == 16.22
    assert df.loc[df["name"] == "Thành phố", "households_2020"].item() == 27964
    assert table.columns["poor_rate_2020"] == "NĂM 2020 | Hộ nghèo | Tỷ lệ"
    assert table.columns["households_2021"] == "NĂM 2021 (Dự kiến) | Tổng số hộ dân cư cuối năm 2021"
    assert table.columns["name"] == "Đơn vị"
    # source_row points at the spreadsheet row of the unit.
    ws = openpyxl.load_workbook(tmp_path / "phu_luc_78.xlsx").active
    row = df.loc[df["name"] == "Bình Gia", "source_row"].item()
    assert ws.cell(row=row, column=2).value == "Bình Gia"
    assert ws.cell(row=row, column=5).value == "16,22"
    # Every row of the sheet is accounted for: header, unit or skipped with a reason.
    accounted = set(table.header_rows) | set(df["source_row"]) | {r for r, _ in table.skipped}
    assert accounted == set(range(1, ws.max_row + 1))
    # 2021 is a plan ("Dự kiến"), and the reader says so.
    assert any(w.code == "projected" and w.detail == "2021" for w in table.warnings)
    assert table.level is None  # "Thành phố", "Tràng Định": nothing tells district from commune


def test_annex_semicolon_csv_without_diacritics(tmp_path):
    path = write_csv(tmp_path / "phu_luc.csv", annex_rows(ASCII_NAMES), delimiter=";")
    table = read_indicators(path)
    assert_annex(table)
    assert table.data["name"].tolist() == ASCII_NAMES
    assert table.columns["near_poor_rate_2020"] == "NĂM 2020 | Hộ cận nghèo | Tỷ lệ"
    assert table.level == "district"  # "H. Trang Dinh": a district type written in the names
    assert table.sheet is None


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1258", ";"), ("utf-8-sig", ";"), ("utf-8", "\t"), ("utf-8-sig", ","), ("utf-16", "\t")],
)
def test_annex_csv_variants(tmp_path, encoding, delimiter):
    path = write_csv(tmp_path / "phu_luc.csv", annex_rows(), delimiter=delimiter, encoding=encoding)
    table = read_indicators(path)
    assert_annex(table)
    assert table.data["name"].iloc[1] == "Tràng Định"
    assert table.data["name"].iloc[9] == "Lộc Bình"


def test_annex_upload_bytes_and_file_object(tmp_path):
    path = write_annex_xlsx(tmp_path / "a.xlsx")
    from_bytes = read_indicators(path.read_bytes(), name="phu_luc.xlsx")
    with open(path, "rb") as fh:
        from_file = read_indicators(fh, name="phu_luc.xlsx")
    assert from_bytes.source == from_file.source == "phu_luc.xlsx"
    assert from_bytes.data.equals(from_file.data)
    assert_annex(from_bytes)


def test_annex_with_column_numbers_row(tmp_path):
    rows = annex_rows()
    rows.insert(5, [f"({i})" for i in range(1, WIDTH + 1)])
    table = read_indicators(write_csv(tmp_path / "t.csv", rows))
    assert_annex(table, first_data_row=7)
    assert (6, "column_numbers") in table.skipped


def test_annex_total_mismatch_is_reported(tmp_path):
    rows = annex_rows()
    rows[-2] = rows[-2][:]
    rows[-2][3] = "16.116"
    table = read_indicators(write_csv(tmp_path / "t.csv", rows))
    mismatch = [w for w in table.warnings if w.code == "total_mismatch" and "2020" in w.column]
    assert len(mismatch) == 1 and mismatch[0].row == 17
    assert "16116" in mismatch[0].message("vi") and "16115" in mismatch[0].message("en")


def test_xlsx_picks_first_sheet_with_data_or_the_named_one(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Bìa"
    wb.active["A1"] = "Báo cáo kết quả giảm nghèo"  # a cover sheet, no table
    ws = wb.create_sheet("Số liệu")
    for row in annex_rows():
        ws.append(row)
    wb.create_sheet("Trống")
    wb.save(tmp_path / "book.xlsx")
    table = read_indicators(tmp_path / "book.xlsx")
    assert table.sheet == "Số liệu" and len(table.data) == 11
    assert read_indicators(tmp_path / "book.xlsx", sheet=1).sheet == "Số liệu"
    with pytest.raises(GeoError) as err:
        read_indicators(tmp_path / "book.xlsx", sheet="Sheet9")
    assert err.value.code == "table_sheet_not_found"
    assert "Số liệu" in err.value.message("vi") and "book.xlsx" in err.value.message("en")


# --------------------------------------------------------------------------
# Commune tables (Lạng Sơn GSO codes; indicator figures are made up for the test)
# --------------------------------------------------------------------------
def test_commune_codes_stored_as_excel_numbers_are_zero_padded(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH XÃ"])
    ws.append(["Mã xã", "Tên xã", "Tổng số hộ", "Số hộ nghèo", "Tỷ lệ hộ nghèo (%)"])
    ws.append([5971, "Phường Hoàng Văn Thụ", 3120, 12, 0.0038])
    ws.append([5974, "Phường Tam Thanh", 2980, 9, 0.003])
    ws.append([6001, "Xã Quốc Khánh", 812, 203, 0.25])
    for row in ws.iter_rows(min_row=3, min_col=5, max_col=5):
        row[0].number_format = "0.00%"  # Excel shows 0,38%: a fraction stored, a percent meant
    wb.save(tmp_path / "xa.xlsx")
    table = read_indicators(tmp_path / "xa.xlsx")
    df = table.data
    assert df["code"].tolist() == ["05971", "05974", "06001"]
    assert table.level == "commune"
    assert df["households"].tolist() == [3120, 2980, 812]
    assert df["poor_rate"].tolist() == [0.38, 0.3, 25.0]
    assert df["source_row"].tolist() == [3, 4, 5]
    assert table.header_rows == [2]


def test_commune_codes_level_from_values_and_district_codes(tmp_path):
    rows = [["Mã", "Tên", "Hộ nghèo"], ["5971", "Hoàng Văn Thụ", "12"], ["6001", "Quốc Khánh", "203"]]
    table = read_indicators(write_csv(tmp_path / "m.csv", rows))
    assert table.data["code"].tolist() == ["05971", "06001"] and table.level == "commune"
    rows = [
        ["Mã huyện", "Tên huyện", "Hộ nghèo"], ["178", "Thành phố Lạng Sơn", "50"], ["180", "Tràng Định", "1.423"],
    ]
    table = read_indicators(write_csv(tmp_path / "h.csv", rows))
    assert table.data["code"].tolist() == ["178", "180"] and table.level == "district"
    assert table.data["poor"].tolist() == [50, 1423]


def test_commune_table_with_district_column(tmp_path):
    rows = [
        ["STT", "Huyện", "Mã huyện", "Mã xã", "Xã/phường/thị trấn", "Tổng số hộ", "Hộ nghèo",
         "Tỷ lệ hộ nghèo (%)"],
        ["1", "Tràng Định", "180", "6019", "Thị trấn Thất Khê", "2.150", "40", "1,86"],
        ["2", "Tràng Định", "180", "6037", "Xã Quốc Khánh", "610", "203", "33,28"],
        ["3", "Bình Gia", "181", "6112", "Thị trấn Bình Gia", "1.402", "35", "2,50"],
        ["", "Tổng cộng", "", "", "", "4.162", "278", ""],
    ]
    table = read_indicators(write_csv(tmp_path / "xa.csv", rows, delimiter=","))
    df = table.data
    assert list(df.columns[:5]) == ["source_row", "code", "name", "parent_code", "parent_name"]
    assert df["code"].tolist() == ["06019", "06037", "06112"]
    assert df["parent_code"].tolist() == ["180", "180", "181"]
    assert df["parent_name"].tolist() == ["Tràng Định", "Tràng Định", "Bình Gia"]
    assert df["name"].tolist() == ["Thị trấn Thất Khê", "Xã Quốc Khánh", "Thị trấn Bình Gia"]
    assert df["poor"].sum() == 278 and df["households"].iloc[0] == 2150
    assert table.level == "commune"
    assert table.skipped == [(5, "total")]
    assert table.columns["parent_name"] == "Huyện"


def test_commune_table_with_district_heading_rows(tmp_path):
    rows = [
        ["BIỂU 02: HỘ NGHÈO THEO XÃ NĂM 2022"],
        ["TT", "Tên đơn vị", "Tổng số hộ", "Hộ nghèo", None],
        [None, None, None, "Số hộ", "Tỷ lệ (%)"],
        ["I", "Huyện Tràng Định", "4.262", "278", "6,52"],
        ["1", "Thị trấn Thất Khê", "2.150", "40", "1,86"],
        ["2", "Xã Quốc Khánh", "610", "203", "33,28"],
        ["3", "Xã Chi Lăng", "1.502", "35", "2,33"],
        [None, None, None, None, None],
        ["II", "Huyện Bình Gia", None, None, None],
        ["1", "Thị trấn Bình Gia", "1.402", "35", "2,50"],
        ["2", "Xã Hoa Thám", "950", "120", "12,63"],
        [None, "Cộng", "6.614", "433", None],
        ["Ghi chú: số liệu rà soát cuối năm 2022."],
    ]
    table = read_indicators(write_csv(tmp_path / "xa.csv", rows))
    df = table.data
    assert df["name"].tolist() == [
        "Thị trấn Thất Khê", "Xã Quốc Khánh", "Xã Chi Lăng", "Thị trấn Bình Gia", "Xã Hoa Thám",
    ]
    assert df["parent_name"].tolist() == ["Huyện Tràng Định"] * 3 + ["Huyện Bình Gia"] * 2
    # The year in the title line is not taken: titles often cite other years (plans, decisions).
    assert table.indicators == ["households", "poor", "poor_rate"]
    assert df["poor"].sum() == 433 and df["poor_rate"].iloc[1] == 33.28
    assert table.level == "commune"
    assert table.header_rows == [2, 3]
    assert dict(table.skipped) == {1: "title", 4: "subtotal", 8: "blank", 9: "group", 12: "total", 13: "note"}
    assert df["source_row"].tolist() == [5, 6, 7, 10, 11]


def test_district_subtotal_rows_after_their_communes(tmp_path):
    rows = [
        ["Tên đơn vị", "Số hộ nghèo"],
        ["Huyện Tràng Định", None],
        ["Xã Quốc Khánh", "203"],
        ["Xã Chi Lăng", "35"],
        ["Cộng huyện Tràng Định", "238"],
        ["Xã Hoa Thám", "120"],
        ["Tổng cộng", "358"],
    ]
    table = read_indicators(write_csv(tmp_path / "xa.csv", rows))
    assert table.data["name"].tolist() == ["Xã Quốc Khánh", "Xã Chi Lăng", "Xã Hoa Thám"]
    assert table.data["parent_name"].fillna("").tolist() == ["Huyện Tràng Định", "Huyện Tràng Định", ""]
    assert dict(table.skipped) == {2: "group", 5: "subtotal", 7: "total"}
    assert not [w for w in table.warnings if w.code == "total_mismatch"]


def test_commune_table_with_district_merged_down(tmp_path):
    """The district cell merged over its communes: filled in Excel, blank below the first row in CSV."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Huyện", "Tên xã", "Tỷ lệ hộ nghèo (%)", None, None])
    ws.append([None, None, 2021, 2022, 2023])  # years typed as numbers
    ws.append(["Tràng Định", "Quốc Khánh", 40.1, 35.2, 30.3])
    ws.append([None, "Chi Lăng", 10, 9, 8])
    ws.append(["Bình Gia", "Hoa Thám", 20, 19, 18])
    for cells in ("A1:A2", "B1:B2", "C1:E1", "A3:A4"):
        ws.merge_cells(cells)
    wb.save(tmp_path / "xa.xlsx")
    table = read_indicators(tmp_path / "xa.xlsx")
    assert table.data["parent_name"].tolist() == ["Tràng Định", "Tràng Định", "Bình Gia"]
    assert table.indicators == ["poor_rate_2021", "poor_rate_2022", "poor_rate_2023"]
    assert table.years == [2021, 2022, 2023] and table.header_rows == [1, 2]
    rows = [["Huyện", "Xã", "Số hộ nghèo"], ["Tràng Định", "Quốc Khánh", "203"], ["", "Chi Lăng", "35"]]
    table = read_indicators(write_csv(tmp_path / "xa.csv", rows))
    assert table.data["parent_name"].tolist() == ["Tràng Định", "Tràng Định"]


def test_report_layout_with_letterhead_unit_line_and_total_on_top(tmp_path):
    rows = [
        ["UBND HUYỆN TRÀNG ĐỊNH", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["BẢNG TỔNG HỢP HỘ NGHÈO"],
        [None, None, None, None, "ĐVT: hộ"],
        [None, None, "Năm 2022", None, "Năm 2023"],
        ["STT", "Xã, phường, thị trấn", "Số hộ nghèo", "Tỷ lệ (%)", "Số hộ nghèo", "Tỷ lệ (%)"],
        [None, "Toàn huyện", "243", "", "230", ""],
        ["1", "Thị trấn Thất Khê", "40", "1,86", "38", "1,75"],
        ["2", "Xã Quốc Khánh", "203", "33,28", "192", "31,40"],
        [None, None, None, None, "Tràng Định, ngày 10 tháng 01 năm 2024"],
        [None, None, None, None, "NGƯỜI LẬP BIỂU"],
    ]
    table = read_indicators(write_csv(tmp_path / "bc.csv", rows))
    assert table.header_rows == [4, 5]
    # A bare "Tỷ lệ (%)" after "Số hộ nghèo" is the poor rate.
    assert table.indicators == ["poor_2022", "poor_rate_2022", "poor_2023", "poor_rate_2023"]
    assert table.data["poor_rate_2023"].tolist() == [1.75, 31.4]
    assert dict(table.skipped) == {1: "title", 2: "title", 3: "title", 6: "total", 9: "note", 10: "note"}
    assert table.level == "commune"
    assert not table.warnings


@pytest.mark.parametrize(("level", "lang"), [("commune", "vi"), ("commune", "en"), ("district", "vi")])
def test_reads_back_the_projects_own_template(level, lang):
    """The .xlsx template offices fill in (geo.io.template) must read back with its codes and headers."""
    from geo.units import registry
    from geo.io.template import indicator_template

    book = openpyxl.load_workbook(io.BytesIO(indicator_template(province=20, level=level, lang=lang)))
    ws = book.active
    first_value = 4 if level == "commune" else 3  # commune templates carry a district column
    ws.cell(row=4, column=first_value, value=3120)
    ws.cell(row=4, column=first_value + 1, value="12")
    ws.cell(row=4, column=first_value + 2, value="0,38")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_indicators(buffer.getvalue(), name="bieu_nhap.xlsx")
    units = registry.units(province=20, level=level)
    assert table.level == level
    assert table.data["code"].tolist() == units["code"].tolist()
    assert table.indicators == ["households", "poor", "poor_rate", "near_poor", "near_poor_rate"]
    first = table.data.iloc[0]
    assert (first["households"], first["poor"], first["poor_rate"]) == (3120, 12, 0.38)
    assert first["source_row"] == 4 and table.skipped == [(1, "title"), (2, "title")]
    if level == "commune":
        assert first["code"] == "05971" and first["parent_name"] == units["district_name"].iloc[0]


def test_canonical_csv_reads_as_itself():
    """The built-in seed-003 table (data/indicators) already uses the canonical names."""
    path = Path(__file__).resolve().parents[1] / "data" / "indicators" / "langson_districts_kh78_2021.csv"
    if not path.is_file():
        pytest.skip(f"{path} not in this checkout")
    table = read_indicators(path)
    assert table.indicators == EXPECTED_COLUMNS
    assert table.level == "district" and table.data["code"].iloc[0] == "178"
    assert table.data["poor_2020"].sum() == POOR_2020_TOTAL
    assert all(table.columns[c] == c for c in table.indicators)


# --------------------------------------------------------------------------
# Numbers and headers
# --------------------------------------------------------------------------
def test_english_numbers_percent_signs_and_dashes(tmp_path):
    rows = [
        ["Code", "Name", "Households", "Poor households", "Poor rate (%)", "Near-poor households",
         "Near-poor rate"],
        ["05971", "Hoang Van Thu", "1,234.5", "12", "8,51%", "-", "0.97%"],
        ["05974", "Tam Thanh", "2,980", "9", "0,3%", "31", "1.04%"],
    ]
    table = read_indicators(write_csv(tmp_path / "en.csv", rows, delimiter=","))
    df = table.data
    assert df["households"].tolist() == [1234.5, 2980]
    assert df["poor_rate"].tolist() == [8.51, 0.3]
    assert df["near_poor"].isna().tolist() == [True, False]
    assert df["near_poor_rate"].tolist() == [0.97, 1.04]
    assert table.years == []
    assert df["code"].tolist() == ["05971", "05974"]


def test_unrecognised_numeric_columns_keep_a_slug_and_text_is_warned(tmp_path):
    rows = [
        ["Tên xã", "Số hộ nghèo", "Số người DTTS", "Ghi chú"],
        ["Quốc Khánh", "203", "2.410", "biên giới"],
        ["Chi Lăng", "35", "x", "khó khăn"],
    ]
    table = read_indicators(write_csv(tmp_path / "s.csv", rows))
    assert table.indicators == ["poor", "so_nguoi_dtts"]
    assert table.data["so_nguoi_dtts"].iloc[0] == 2410
    assert any(w.code == "text_column" and w.column == "Ghi chú" for w in table.warnings)


def test_bad_number_is_left_empty_with_row_and_column(tmp_path):
    rows = [["Tên xã", "Số hộ nghèo"], ["Quốc Khánh", "203"], ["Chi Lăng", "ba mươi"], ["Hoa Thám", "120"]]
    table = read_indicators(write_csv(tmp_path / "s.csv", rows))
    assert table.data["poor"].isna().tolist() == [False, True, False]
    (warning,) = [w for w in table.warnings if w.code == "bad_number"]
    assert (warning.row, warning.column, warning.detail) == (3, "Số hộ nghèo", "ba mươi")
    assert "ba mươi" in warning.message("vi") and "Row 3" in warning.message("en")


def test_identity_columns_are_strings(tmp_path):
    table = read_indicators(write_annex_xlsx(tmp_path / "a.xlsx"))
    assert set(table.data.columns) & set(IDENTITY_COLUMNS) == {"source_row", "name"}
    assert table.data["name"].map(type).eq(str).all()


# --------------------------------------------------------------------------
# Hostile and bad inputs
# --------------------------------------------------------------------------
def assert_geo_error(exc: pytest.ExceptionInfo, code: str, name: str) -> None:
    assert exc.value.code == code
    assert name in exc.value.message("vi")
    assert name in exc.value.message("en")


def test_unsupported_extension(tmp_path):
    path = tmp_path / "bao_cao.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(GeoError) as exc:
        read_indicators(path)
    assert_geo_error(exc, "unsupported_format", "bao_cao.pdf")


def test_legacy_xls_is_refused_even_when_renamed(tmp_path):
    path = tmp_path / "cu.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(GeoError) as exc:
        read_indicators(path)
    assert_geo_error(exc, "table_old_excel", "cu.csv")  # says to save it as .xlsx or .csv


@pytest.mark.parametrize("content", [b"", b"\r\n;;;\r\n\r\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "rong.csv"
    path.write_bytes(content)
    with pytest.raises(GeoError) as exc:
        read_indicators(path)
    assert_geo_error(exc, "table_empty", "rong.csv")


def test_empty_workbook(tmp_path):
    openpyxl.Workbook().save(tmp_path / "rong.xlsx")
    with pytest.raises(GeoError) as exc:
        read_indicators(tmp_path / "rong.xlsx")
    assert_geo_error(exc, "table_empty", "rong.xlsx")


def test_no_header(tmp_path):
    path = write_csv(tmp_path / "so.csv", [["12", "34", "56"], ["7", "8", "9"]])
    with pytest.raises(GeoError) as exc:
        read_indicators(path)
    assert_geo_error(exc, "table_no_header", "so.csv")


def test_header_without_unit_column_lists_columns_and_row(tmp_path):
    rows = [["Báo cáo"], ["STT", "Số hộ nghèo", "Tỷ lệ hộ nghèo"], ["1", "203", "8,51"]]
    with pytest.raises(GeoError) as exc:
        read_indicators(write_csv(tmp_path / "x.csv", rows))
    assert_geo_error(exc, "table_no_unit_column", "x.csv")
    assert "'Số hộ nghèo'" in exc.value.message("vi") and "2" in str(exc.value.params["header_row"])


def test_missing_file_and_corrupt_workbook(tmp_path):
    with pytest.raises(GeoError) as exc:
        read_indicators(tmp_path / "khong_co.xlsx")
    assert_geo_error(exc, "file_not_found", "khong_co.xlsx")
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(GeoError) as exc:
        read_indicators(tmp_path / "hong.xlsx")
    assert_geo_error(exc, "unreadable_file", "hong.xlsx")
    (tmp_path / "text.xlsx").write_text("Tên xã;Hộ nghèo\nA;1\n", encoding="utf-8")
    with pytest.raises(GeoError) as exc:
        read_indicators(tmp_path / "text.xlsx")
    assert_geo_error(exc, "unreadable_file", "text.xlsx")


def test_file_too_large_is_refused_before_reading(tmp_path):
    path = tmp_path / "lon.csv"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(GeoError) as exc:
        read_indicators(path)
    assert_geo_error(exc, "file_too_large", "lon.csv")
    with pytest.raises(GeoError) as exc:
        read_indicators(io.BytesIO(b"a" * (MAX_FILE_BYTES + 1)), name="lon.csv")
    assert_geo_error(exc, "file_too_large", "lon.csv")


def test_zip_bomb_workbook_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(400):
                member.write(chunk)
    with pytest.raises(GeoError) as exc:
        read_indicators(path)
    assert_geo_error(exc, "zip_too_large", "bom.xlsx")


def test_formulas_are_never_evaluated(tmp_path):
    rows = [["Tên xã", "Số hộ nghèo"], ["=cmd|' /C calc'!A0", "1"], ["Quốc Khánh", "=1+1"]]
    table = read_indicators(write_csv(tmp_path / "f.csv", rows))
    assert table.data["name"].tolist() == ["=cmd|' /C calc'!A0", "Quốc Khánh"]
    assert table.data["poor"].isna().tolist() == [False, True]


# ---------------------------------------------------------------------------
# The reader's helpers, value by value (mutation check: docs/mutation.md)
# ---------------------------------------------------------------------------
def test_years_are_whole_numbers_from_1950_to_2099():
    from geo.io.tables import _is_year

    assert [_is_year(v) for v in (1949, 1950, "2020", 2099, 2100, 2020.5, "năm", None)] == [
        False, True, True, True, False, False, False, False]


def test_numbers_are_plain_or_numeric_text_never_a_dash():
    from geo.io.tables import _is_number

    assert [_is_number(v) for v in (12, 0.5, "1.234,5", "-", "–", "", None, "abc")] == [
        True, True, True, False, False, False, False, False]


def test_level_named_by_a_header():
    from geo.io.tables import _level_of

    # "cấp xã" wins over a district named after it ("đơn vị cấp xã thuộc huyện" lists communes).
    assert _level_of("don vi hanh chinh cap xa thuoc huyen") == "commune"
    assert _level_of("ma huyen") == "district"
    assert _level_of("ten tinh") == "province"
    assert _level_of("so ho ngheo") is None


def test_slugs_of_unrecognised_headers():
    from geo.io.tables import _slug

    assert _slug("Số người DTTS", 0) == "so_nguoi_dtts"
    assert _slug("Tỷ lệ (%)", 0) == "ty_le_pct"
    assert _slug("Số #", 0) == "so"
    assert _slug("2020", 4) == "col_2020"
    assert _slug("(*)", 2) == "col_3"
    assert _slug("a " * 40, 0) == "_".join(["a"] * 30)


def test_level_from_code_widths_or_values():
    from geo.io.tables import _level_from_codes

    assert _level_from_codes(["05971", "06001"]) == "commune"
    assert _level_from_codes(["178", "180"]) == "district"
    assert _level_from_codes(["20", " 20 "]) == "province"
    assert _level_from_codes(["178", "05971"]) == "commune"  # widths disagree: the largest value decides
    assert _level_from_codes([5971, 178]) == "commune"
    assert _level_from_codes([1000]) == "commune"
    assert _level_from_codes([999, 178.0]) == "district"
    assert _level_from_codes([100]) == "district"
    assert _level_from_codes([99, 20]) is None
    assert _level_from_codes(["", None, "abc"]) is None


def test_codes_are_padded_for_a_known_level_and_kept_as_typed_otherwise():
    from geo.io.tables import _codes

    warnings = []
    assert _codes([5971, "178", None, "x1"], [3, 4, 5, 6], level="commune", column="Mã xã", warnings=warnings) == [
        "05971", "00178", None, None]
    assert [(w.code, w.row, w.column, w.detail) for w in warnings] == [("bad_code", 7, "Mã xã", "x1")]
    warnings = []
    assert _codes([5971, "178", "123456"], [3, 4, 5], level=None, column="Mã", warnings=warnings) == [
        "5971", "178", None]
    assert [(w.code, w.row, w.detail) for w in warnings] == [("code_width", None, ""), ("bad_code", 6, "123456")]


def test_a_warning_names_its_row_and_column():
    from geo.io.tables import TableWarning

    warning = TableWarning("bad_code", row=7, column="Mã xã", detail="x1")
    assert warning.message("en") == "Row 7, column 'Mã xã': 'x1' is not a valid unit code; left empty."


def test_total_row_is_read_in_the_columns_style_and_checked_to_half_a_unit():
    from geo.io.tables import _check_total

    def check(total, parsed, raw):
        warnings = []
        _check_total(total, parsed, raw, row=9, column="poor", warnings=warnings)
        return [(w.row, w.column, w.detail) for w in warnings]

    assert check("2.468", [1234.0, 1234.0], ["1.234", "1.234"]) == []  # Vietnamese thousands, as the column
    assert check("2.469", [1234.0, 1234.0], ["1.234", "1.234"]) == [(9, "poor", "2469 ≠ 2468")]
    assert check(10.5, [5.0, 5.0], [5, 5]) == []  # within half a unit
    assert check(11, [5.0, 5.0], [5, 5]) == [(9, "poor", "11 ≠ 10")]
    assert check(11, [5.0, float("nan")], [5, "-"]) == []  # a unit without a figure: no sum to compare
    assert check("-", [5.0, 5.0], [5, 5]) == []


def test_parents_come_from_the_heading_rows_above():
    from geo.io.tables import GROUP, SUBTOTAL, TOTAL, _parents_from_groups, _Roles

    rows = [["0", "Xã Z"], ["I", "Huyện Tràng Định"], ["1", "Xã A"], ["II", "Nhóm xã biên giới"], ["2", "Xã B"],
            ["", "Cộng huyện Tràng Định"], ["3", "Xã C"], ["III", "Huyện Văn Lãng"], ["", "Tổng cộng"], ["4", "Xã D"]]
    kinds = {0: "data", 1: GROUP, 2: "data", 3: GROUP, 4: "data", 5: SUBTOTAL, 6: "data", 7: GROUP, 8: TOTAL,
             9: "data"}
    got = _parents_from_groups(rows, kinds, _Roles(name=1), level="commune")
    assert got == {0: None, 1: "Huyện Tràng Định", 2: "Huyện Tràng Định", 3: "Nhóm xã biên giới",
                   4: "Nhóm xã biên giới", 5: None, 6: None, 7: "Huyện Văn Lãng", 8: None, 9: None}
    # In a district table only a district's name heads a group.
    got = _parents_from_groups(rows, kinds, _Roles(name=1), level="district")
    assert got == {0: None, 1: "Huyện Tràng Định", 2: "Huyện Tràng Định", 3: None, 4: None, 5: None, 6: None,
                   7: "Huyện Văn Lãng", 8: None, 9: None}
    assert set(_parents_from_groups(rows, kinds, _Roles(name=None), level="commune").values()) == {None}


def test_mutation_survivors_of_the_second_run():
    from geo.io.tables import _check_total, _codes, _level_of, _slug

    assert _level_of("don vi cap huyen") == "district"
    assert _level_of("don vi cap tinh") == "province"
    assert _level_of("ten xa thuoc huyen") == "commune"  # "Tên" is dropped before the level word is read
    assert _level_of("so ho thuoc huyen") == "district"
    assert _level_of("so ho trong xa") == "commune"
    assert _level_of("so ho toan tinh") == "province"
    assert _slug("A1", 0) == "a1"
    warnings = []
    _codes(["178"], [3], level=None, column="Mã", warnings=warnings)
    assert warnings[0].column == "Mã"
    warnings = []
    _check_total("3.750", [1.5, 2.25], ["1.5", "2.25"], row=9, column="poor", warnings=warnings)
    assert warnings == []  # read in the column's English style: 3.75, not 3750
